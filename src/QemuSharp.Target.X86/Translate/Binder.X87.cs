using Iced.Intel;

namespace QemuSharp.Target.X86.Translate;

public static unsafe partial class Binder
{
    private static bool BindX87(ref Op op, in Instruction i, Mnemonic m) => false;
}

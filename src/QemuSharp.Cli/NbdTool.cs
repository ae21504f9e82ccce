using QemuSharp.Nbd.Tool;

namespace QemuSharp.Cli;

/// <summary>Front end of the <c>nbd</c> mode (QEMU's qemu-nbd).</summary>
public static class NbdTool
{
    public static int Run(string[] args) => NbdMain.Run(args, Console.Out, Console.Error);
}

using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;
using QemuSharp.Target.X86.X87;
using static QemuSharp.Target.X86.Exec.X87Handlers;

namespace QemuSharp.Target.X86.Exec;

/// <summary>x87 arithmetic, comparisons, classification and the functions of ST(0) and ST(1).</summary>
public static class X87ArithHandlers
{
    /// <summary>
    /// An arithmetic or comparison operand m32fp/m64fp, extended exactly: an SNaN stays signaling,
    /// so that the NaN rules see it (a QNaN in ST(0) beats it) and raise IE for it.
    /// </summary>
    private static Float80 ReadFloat(X86Cpu c, ulong ea, int size, ref X87Flags flags) => size == 4
        ? Float80.FromSingle(c.Read32(ea), ref flags, quietSignaling: false)
        : Float80.FromDouble(c.Read64(ea), ref flags, quietSignaling: false);

    /// <summary>FADD/FMUL/FSUB/FSUBR/FDIV/FDIVR m32fp/m64fp.</summary>
    public static void ArithFloat(X86Cpu c, ref Op op)
    {
        ulong ea = BeginMemory(c, ref op, out X87State x);
        X87Flags flags = X87Flags.None;
        Float80 v = ReadFloat(c, ea, op.Size, ref flags);
        x.Arith((X87ArithOp)op.Cond, v, flags);
    }

    /// <summary>FIADD/FIMUL/FISUB/FISUBR/FIDIV/FIDIVR m16int/m32int.</summary>
    public static void ArithInteger(X86Cpu c, ref Op op)
    {
        ulong ea = BeginMemory(c, ref op, out X87State x);
        x.Arith((X87ArithOp)op.Cond, Float80.FromInt64(ReadInteger(c, ea, op.Size)));
    }

    /// <summary>The register forms: ST(Reg0) = ST(Reg0) op ST(Reg1), popping for the ...P forms.</summary>
    public static void ArithRegisters(X86Cpu c, ref Op op) =>
        Begin(c, ref op).ArithRegisters((X87ArithOp)op.Cond, op.Reg0, op.Reg1, (op.Rep & PopOnce) != 0);

    private static int Pops(ref Op op) => (op.Rep & PopTwice) != 0 ? 2 : op.Rep & PopOnce;

    /// <summary>FCOM/FCOMP m32fp/m64fp.</summary>
    public static void CompareFloat(X86Cpu c, ref Op op)
    {
        ulong ea = BeginMemory(c, ref op, out X87State x);
        X87Flags flags = X87Flags.None;
        Float80 v = ReadFloat(c, ea, op.Size, ref flags);
        x.Compare(v, true, Pops(ref op), flags);
    }

    /// <summary>FICOM/FICOMP m16int/m32int.</summary>
    public static void CompareInteger(X86Cpu c, ref Op op)
    {
        ulong ea = BeginMemory(c, ref op, out X87State x);
        x.Compare(Float80.FromInt64(ReadInteger(c, ea, op.Size)), true, Pops(ref op));
    }

    /// <summary>FCOM/FCOMP/FCOMPP/FUCOM/FUCOMP/FUCOMPP with ST(i).</summary>
    public static void CompareRegister(X86Cpu c, ref Op op) =>
        Begin(c, ref op).CompareRegister(op.Reg1, (op.Rep & Ordered) != 0, Pops(ref op));

    /// <summary>FCOMI/FCOMIP/FUCOMI/FUCOMIP: C3, C2, C0 go to ZF, PF, CF, also after an unmasked IE or DE; OF, SF and AF are cleared.</summary>
    public static void CompareToEflags(X86Cpu c, ref Op op)
    {
        X87Comparison result = Begin(c, ref op).CompareToEflags(op.Reg1, (op.Rep & Ordered) != 0, (op.Rep & PopOnce) != 0);
        int codes = (int)result;
        ulong flags = ((codes & X87State.C3) != 0 ? EFlags.ZF : 0)
            | ((codes & X87State.C2) != 0 ? EFlags.PF : 0)
            | ((codes & X87State.C0) != 0 ? EFlags.CF : 0);
        c.SetStatusFlags(flags);
    }

    /// <summary>FTST.</summary>
    public static void Test(X86Cpu c, ref Op op) => Begin(c, ref op).Test();

    /// <summary>FXAM.</summary>
    public static void Examine(X86Cpu c, ref Op op) => Begin(c, ref op).Examine();

    /// <summary>FCHS (Cond 0) and FABS (Cond 1).</summary>
    public static void ChangeSign(X86Cpu c, ref Op op) => Begin(c, ref op).ChangeSign(op.Cond == 1);

    /// <summary>FSQRT, FRNDINT, F2XM1, FSIN, FCOS.</summary>
    public static void Unary(X86Cpu c, ref Op op) => Begin(c, ref op).Unary((X87UnaryOp)op.Cond);

    /// <summary>FPREM, FPREM1, FSCALE, FPATAN, FYL2X, FYL2XP1.</summary>
    public static void Binary(X86Cpu c, ref Op op) => Begin(c, ref op).Binary((X87BinaryOp)op.Cond);

    public static void SineCosine(X86Cpu c, ref Op op) => Begin(c, ref op).SineCosine();

    public static void PartialTangent(X86Cpu c, ref Op op) => Begin(c, ref op).PartialTangent();

    public static void Extract(X86Cpu c, ref Op op) => Begin(c, ref op).Extract();
}

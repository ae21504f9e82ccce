using QemuSharp.Target.X86.X87;

namespace QemuSharp.Target.X86.Tests.X87;

/// <summary>The instructions the oracle knows, numbered as in oracle/x87oracle.c.</summary>
public enum OracleOp : byte
{
    Fadd, Fsub, Fsubr, Fmul, Fdiv, Fdivr, Fsqrt, Frndint, Fcom, Fucom,
    Fprem, Fprem1, Fscale, Fxtract, Fsin, Fcos, Fsincos, Fptan, Fpatan, Fyl2x,
    Fyl2xp1, F2xm1, Fxam, Ftst, FstM32, FstM64, FistM16, FistM32, FistpM64, FisttpM16,
    FisttpM32, FisttpM64, Fbstp, FldM32, FldM64, FildM16, FildM32, FildM64, Fbld, FaddM64,
    Fxch, Fchs, Fabs, Fld1, Fldl2t, Fldl2e, Fldpi, Fldlg2, Fldln2, Fldz,
    FdivM32, Fcomi, Fucomi, FstSt1, Fincstp, Fdecstp, Ffree, FldSt1, Fcompp, Fnclex,
    FcomM64, FiaddM32, FsubrM32, Fucomip,
}

/// <summary>
/// One oracle case: the instruction, how the stack is prepared (0: b then a pushed, 1: only a,
/// 2: empty, 3: six zeros then b and a, so that the stack is full), the control word and two
/// operands. The memory operand starts as the bytes of b.
/// </summary>
public readonly record struct OracleCase(OracleOp Op, byte Setup, ushort ControlWord, Float80 A, Float80 B)
{
    public const int Size = 24;

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)Op;
        destination[1] = Setup;
        destination[2] = (byte)ControlWord;
        destination[3] = (byte)(ControlWord >> 8);
        A.Write(destination[4..]);
        B.Write(destination[14..]);
    }

    public override string ToString() => $"{Op} setup={Setup} cw={ControlWord:X4} a={A} b={B}";
}

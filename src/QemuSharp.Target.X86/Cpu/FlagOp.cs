namespace QemuSharp.Target.X86.Cpu;

/// <summary>
/// What the last flag-setting instruction was, so that EFLAGS can be computed when something
/// reads it (design.md #5). <see cref="None"/> means the status flags are already in
/// <see cref="X86Cpu.Flags"/>.
/// </summary>
public enum FlagOp : byte
{
    None,
    /// <summary>Result in CcDst, second operand in CcSrc.</summary>
    Add,
    /// <summary>As Add, with the carry-in in CcAux.</summary>
    Adc,
    /// <summary>Result in CcDst, subtrahend in CcSrc.</summary>
    Sub,
    /// <summary>As Sub, with the borrow-in in CcAux.</summary>
    Sbb,
    /// <summary>AND/OR/XOR/TEST: CF=OF=0, AF=0.</summary>
    Logic,
    /// <summary>Result in CcDst; CF carried over in CcAux.</summary>
    Inc,
    /// <summary>Result in CcDst; CF carried over in CcAux.</summary>
    Dec,
}

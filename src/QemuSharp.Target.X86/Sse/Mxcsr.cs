namespace QemuSharp.Target.X86.Sse;

/// <summary>The MXCSR register's bits and the rules that LDMXCSR, FXRSTOR and #XM follow.</summary>
public static class Mxcsr
{
    public const uint InvalidFlag = 0x0001;
    public const uint DenormalFlag = 0x0002;
    public const uint DivideByZeroFlag = 0x0004;
    public const uint OverflowFlag = 0x0008;
    public const uint UnderflowFlag = 0x0010;
    public const uint PrecisionFlag = 0x0020;
    public const uint FlagBits = 0x003F;
    public const uint DenormalsAreZeros = 0x0040;
    public const uint MaskBits = 0x1F80;
    public const uint MaskShift = 7;
    public const uint RoundingControl = 0x6000;
    public const int RoundingShift = 13;
    public const uint FlushToZero = 0x8000;

    /// <summary>The value at reset and after FNINIT-free process start: all exceptions masked, round to nearest.</summary>
    public const uint Default = 0x1F80;

    /// <summary>MXCSR_MASK as FXSAVE stores it: every bit is writable, DAZ included.</summary>
    public const uint WritableMask = 0xFFFF;

    /// <summary>False when LDMXCSR or FXRSTOR must raise #GP(0): a reserved bit is set.</summary>
    public static bool IsValid(uint value) => (value & ~WritableMask) == 0;

    /// <summary>Exception flags whose mask bit is clear.</summary>
    public static uint Unmasked(uint mxcsr, uint flags) => flags & ~(mxcsr >> (int)MaskShift) & FlagBits;

    /// <summary>
    /// Merges the exceptions one instruction raised into MXCSR and tells whether it completes.
    /// An unmasked pre-computation exception (invalid, denormal, divide-by-zero) in any element
    /// suppresses the post-computation ones (overflow, underflow, precision). False means the
    /// instruction raises #XM (or #UD when CR4.OSXMMEXCPT is clear) and its destination is unchanged.
    /// </summary>
    internal static bool Commit(ref uint mxcsr, uint flags)
    {
        uint unmasked = Unmasked(mxcsr, flags);
        if (unmasked == 0)
        {
            mxcsr |= flags;
            return true;
        }
        const uint pre = InvalidFlag | DenormalFlag | DivideByZeroFlag;
        mxcsr |= (Unmasked(mxcsr, flags & pre) != 0) ? flags & pre : flags;
        return false;
    }
}

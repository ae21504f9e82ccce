namespace QemuSharp.Target.X86.X87;

/// <summary>
/// Status-word bits that an x87 operation reports. The values are the bit positions of the FPU
/// status word, so a result can be OR-ed into it directly (C1 is replaced, not OR-ed: see
/// <see cref="X87State.Complete"/>).
/// </summary>
[Flags]
public enum X87Flags : ushort
{
    None = 0,
    /// <summary>Invalid operation (IE).</summary>
    Invalid = 1 << 0,
    /// <summary>Denormal operand (DE).</summary>
    Denormal = 1 << 1,
    /// <summary>Zero divide (ZE).</summary>
    ZeroDivide = 1 << 2,
    /// <summary>Overflow (OE).</summary>
    Overflow = 1 << 3,
    /// <summary>Underflow (UE).</summary>
    Underflow = 1 << 4,
    /// <summary>Precision, i.e. inexact result (PE).</summary>
    Precision = 1 << 5,
    /// <summary>Stack fault (SF): IE caused by stack overflow or underflow.</summary>
    StackFault = 1 << 6,
    /// <summary>Condition code C1: set by a rounded-up result, and by stack overflow.</summary>
    C1 = 1 << 9,
    /// <summary>The six exception flags.</summary>
    Exceptions = Invalid | Denormal | ZeroDivide | Overflow | Underflow | Precision,
}

/// <summary>Fields of the x87 control word.</summary>
public static class X87Control
{
    public const ushort Default = 0x037F;
    public const int RoundNearest = 0;
    public const int RoundDown = 1;
    public const int RoundUp = 2;
    public const int RoundTowardZero = 3;

    /// <summary>Rounding control (bits 10-11).</summary>
    public static int Rounding(ushort controlWord) => (controlWord >> 10) & 3;

    /// <summary>Significand bits kept by precision control (bits 8-9): 24, 53 or 64.</summary>
    public static int PrecisionBits(ushort controlWord) => ((controlWord >> 8) & 3) switch
    {
        0 => 24,
        2 => 53,
        _ => 64,
    };

    /// <summary>True when the exception given is masked by the control word.</summary>
    public static bool IsMasked(ushort controlWord, X87Flags exception) =>
        (controlWord & (ushort)exception) == (ushort)exception;
}

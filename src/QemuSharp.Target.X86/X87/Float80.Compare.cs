namespace QemuSharp.Target.X86.X87;

/// <summary>
/// The outcome of an x87 comparison, as the condition-code bits FCOM leaves in the status word
/// (C3, C2, C0). FCOMI maps them onto ZF, PF and CF in the same order.
/// </summary>
public enum X87Comparison : ushort
{
    Greater = 0,
    Less = 0x0100,
    Equal = 0x4000,
    Unordered = 0x4500,
}

/// <summary>Comparison and rounding to an integer.</summary>
public readonly partial struct Float80
{
    /// <summary>
    /// Compares a with b. Ordered comparisons (FCOM, FCOMI) raise IE on any NaN; unordered ones
    /// (FUCOM, FUCOMI) only on a signaling NaN. Unsupported encodings always raise IE.
    /// </summary>
    public static X87Comparison Compare(Float80 a, Float80 b, bool ordered, ref X87Flags flags)
    {
        if (a.IsUnsupported || b.IsUnsupported)
        {
            flags |= X87Flags.Invalid;
            return X87Comparison.Unordered;
        }
        if (a.IsNaN || b.IsNaN)
        {
            if (ordered || a.IsSignalingNaN || b.IsSignalingNaN)
            {
                flags |= X87Flags.Invalid;
            }
            return X87Comparison.Unordered;
        }
        NoteDenormals(a, b, ref flags);
        int order = CompareFinite(a, b);
        return order < 0 ? X87Comparison.Less : order > 0 ? X87Comparison.Greater : X87Comparison.Equal;
    }

    /// <summary>Total order of two non-NaN supported values; zeros of either sign are equal.</summary>
    internal static int CompareFinite(Float80 a, Float80 b)
    {
        if (a.IsZero && b.IsZero)
        {
            return 0;
        }
        if (a.IsNegative != b.IsNegative)
        {
            return a.IsNegative ? -1 : 1;
        }
        int magnitude = CompareMagnitude(a, b);
        return a.IsNegative ? -magnitude : magnitude;
    }

    private static int CompareMagnitude(Float80 a, Float80 b)
    {
        if (a.IsZero)
        {
            return b.IsZero ? 0 : -1;
        }
        if (b.IsZero)
        {
            return 1;
        }
        int ea = Unpack(a, out ulong sa);
        int eb = Unpack(b, out ulong sb);
        if (ea != eb)
        {
            return ea < eb ? -1 : 1;
        }
        return sa.CompareTo(sb);
    }

    /// <summary>FRNDINT: rounds to an integer by the rounding control; precision control is ignored.</summary>
    public static Float80 RoundToInteger(Float80 a, ushort cw, ref X87Flags flags)
    {
        if (a.IsUnsupported)
        {
            flags |= X87Flags.Invalid;
            return Indefinite;
        }
        if (a.IsNaN)
        {
            return QuietOperand(a, ref flags);
        }
        if (a.IsZero || a.Exponent == MaxExponent)
        {
            return a;
        }
        if (a.IsDenormal)
        {
            flags |= X87Flags.Denormal;
        }
        int e = Unpack(a, out ulong s);
        if (e >= 63)
        {
            return a;
        }
        UInt128 q = Rounding.RoundBits(a.IsNegative, (UInt128)s << 64, 127 - e, X87Control.Rounding(cw),
            out bool inexact, out bool up);
        if (inexact)
        {
            flags |= X87Flags.Precision;
        }
        if (up)
        {
            flags |= X87Flags.C1;
        }
        return FromMagnitude(a.IsNegative, q);
    }

    /// <summary>An exact integer magnitude (at most 64 significant bits) with a sign.</summary>
    internal static Float80 FromMagnitude(bool negative, UInt128 magnitude)
    {
        if (magnitude == 0)
        {
            return new Float80(negative, 0, 0);
        }
        ulong m = (ulong)magnitude;
        if ((magnitude >> 64) != 0)
        {
            return new Float80(negative, Bias + 64, IntegerBit);
        }
        int lz = System.Numerics.BitOperations.LeadingZeroCount(m);
        return new Float80(negative, Bias + 63 - lz, m << lz);
    }
}

namespace QemuSharp.Target.X86.X87;

/// <summary>
/// A 128-bit-significand binary float used inside the transcendental instructions, so that
/// their results are accurate well beyond the 64 bits they are rounded to. Value is
/// Significand * 2^(Exponent-127); operations truncate.
/// </summary>
internal readonly struct Wide
{
    public readonly UInt128 Significand;
    public readonly int Exponent;
    public readonly bool Negative;

    private Wide(bool negative, int exponent, UInt128 significand)
    {
        Negative = negative;
        Exponent = exponent;
        Significand = significand;
    }

    public static Wide Create(bool negative, int exponent, UInt128 significand)
    {
        if (significand == 0)
        {
            return default;
        }
        int lz = (int)UInt128.LeadingZeroCount(significand);
        return new Wide(negative, exponent - lz, significand << lz);
    }

    public static Wide FromFloat80(Float80 v)
    {
        if (v.IsZero)
        {
            return default;
        }
        int e = Float80.Unpack(v, out ulong s);
        return new Wide(v.IsNegative, e, (UInt128)s << 64);
    }

    public static Wide FromInt(long value) =>
        Create(value < 0, 127, (UInt128)(value < 0 ? (ulong)-value : (ulong)value));

    public static Wide Constant(int exponent, ulong high, ulong low) =>
        new(false, exponent, new UInt128(high, low));

    public static Wide One => new(false, 0, (UInt128)1 << 127);

    public bool IsZero => Significand == 0;

    public Wide Negate() => new(!Negative, Exponent, Significand);

    /// <summary>
    /// Marks the value as inexact in the direction of the neglected tail of a series: just
    /// below the computed magnitude (towardZero) or just above it.
    /// </summary>
    public Wide Nudge(bool towardZero) =>
        IsZero || !towardZero ? new Wide(Negative, Exponent, Significand | 1) : Create(Negative, Exponent, (Significand - 1) | 1);

    public Wide Scale(int n) => IsZero ? this : new Wide(Negative, Exponent + n, Significand);

    public static Wide operator *(Wide a, Wide b)
    {
        if (a.IsZero || b.IsZero)
        {
            return default;
        }
        ulong ah = (ulong)(a.Significand >> 64);
        ulong al = (ulong)a.Significand;
        ulong bh = (ulong)(b.Significand >> 64);
        ulong bl = (ulong)b.Significand;
        UInt128 hl = Math.BigMul(ah, bl);
        UInt128 lh = Math.BigMul(al, bh);
        UInt128 mid = (ulong)hl + (UInt128)(ulong)lh + (Math.BigMul(al, bl) >> 64);
        UInt128 high = Math.BigMul(ah, bh) + (hl >> 64) + (lh >> 64) + (mid >> 64);
        return Create(a.Negative ^ b.Negative, a.Exponent + b.Exponent + 1, high);
    }

    public static Wide operator -(Wide a, Wide b) => a + b.Negate();

    public static Wide operator +(Wide a, Wide b)
    {
        if (a.IsZero)
        {
            return b;
        }
        if (b.IsZero)
        {
            return a;
        }
        if (a.Exponent < b.Exponent || (a.Exponent == b.Exponent && a.Significand < b.Significand))
        {
            (a, b) = (b, a);
        }
        int shift = a.Exponent - b.Exponent + 1;
        UInt128 sa = a.Significand >> 1;
        UInt128 sb = shift >= 128 ? 0 : b.Significand >> shift;
        UInt128 sum = a.Negative == b.Negative ? sa + sb : sa - sb;
        return Create(a.Negative, a.Exponent + 1, sum);
    }

    public static Wide operator /(Wide a, Wide b)
    {
        if (a.IsZero)
        {
            return default;
        }
        UInt128 q = DivideSignificands(a.Significand, b.Significand);
        return Create(a.Negative ^ b.Negative, a.Exponent - b.Exponent, q);
    }

    /// <summary>
    /// floor(a * 2^127 / d) for significands with bit 127 set: Knuth's algorithm D in base 2^64
    /// with a two-digit divisor, so the quotient is exact and truncated.
    /// </summary>
    private static UInt128 DivideSignificands(UInt128 a, UInt128 d)
    {
        UInt128 low = a << 127;
        UInt128 high = a >> 1;
        Span<ulong> u = stackalloc ulong[4];
        u[0] = (ulong)low;
        u[1] = (ulong)(low >> 64);
        u[2] = (ulong)high;
        u[3] = (ulong)(high >> 64);
        ulong d1 = (ulong)(d >> 64);
        ulong d0 = (ulong)d;
        ulong q1 = QuotientDigit(u[1..], d1, d0);
        ulong q0 = QuotientDigit(u, d1, d0);
        return ((UInt128)q1 << 64) | q0;
    }

    /// <summary>One step of algorithm D on the digits u[2]:u[1]:u[0], which it reduces below d.</summary>
    private static ulong QuotientDigit(Span<ulong> u, ulong d1, ulong d0)
    {
        UInt128 top = ((UInt128)u[2] << 64) | u[1];
        UInt128 qhat = top / d1;
        UInt128 rhat = top - qhat * d1;
        while ((qhat >> 64) != 0 || qhat * d0 > ((rhat << 64) | u[0]))
        {
            qhat--;
            rhat += d1;
            if ((rhat >> 64) != 0)
            {
                break;
            }
        }
        ulong q = (ulong)qhat;
        UInt128 p0 = Math.BigMul(q, d0);
        UInt128 p1 = Math.BigMul(q, d1);
        ulong s0 = u[0] - (ulong)p0;
        UInt128 middle = (p0 >> 64) + (ulong)p1 + (u[0] < (ulong)p0 ? 1u : 0u);
        ulong s1 = u[1] - (ulong)middle;
        UInt128 upper = (p1 >> 64) + (middle >> 64) + (u[1] < (ulong)middle ? 1u : 0u);
        ulong s2 = u[2] - (ulong)upper;
        if ((UInt128)u[2] < upper)
        {
            q--;
            ulong t0 = s0 + d0;
            ulong carry0 = t0 < s0 ? 1UL : 0UL;
            ulong t1 = s1 + d1 + carry0;
            ulong carry1 = (t1 < s1 || (carry0 != 0 && t1 == s1)) ? 1UL : 0UL;
            s0 = t0;
            s1 = t1;
            s2 += carry1;
        }
        u[0] = s0;
        u[1] = s1;
        u[2] = s2;
        return q;
    }

    public Wide DivideBy(ulong n)
    {
        UInt128 q = Significand / n;
        int lz = (int)UInt128.LeadingZeroCount(q);
        UInt128 rem = Significand - q * n;
        UInt128 extra = lz == 0 ? 0 : (rem << lz) / n;
        return Create(Negative, Exponent, (q << lz) | extra).Scale(-lz);
    }

    /// <summary>Rounds to an 80-bit register value by the rounding control at 64 bits (no precision control).</summary>
    public Float80 ToFloat80(ushort cw, ref X87Flags flags)
    {
        ushort fullPrecision = (ushort)(cw | 0x0300);
        if (IsZero)
        {
            flags |= X87Flags.Precision;
            return new Float80(Negative, 0, 0);
        }
        return Rounding.ToExtended(Negative, Exponent, Significand | 1, fullPrecision, ref flags);
    }
}

namespace QemuSharp.Target.X86.X87;

/// <summary>
/// The transcendental instructions, computed with 128-bit intermediate precision and rounded
/// once to 64 bits by the rounding control (precision control does not apply to them).
/// FSIN, FCOS, FSINCOS and FPTAN reduce their argument modulo the 66-bit pi/2 the hardware
/// uses, so results for large arguments follow the hardware rather than the true function.
/// </summary>
public static partial class X87Math
{
    /// <summary>pi/2 rounded to 66 bits, as 0x3.243F6A8885A308D3... truncated: value P * 2^-65.</summary>
    private static readonly UInt128 HalfPi66 = ((UInt128)0xC90FDAA22168C234 << 2) | 3;

    private static readonly Wide Pi = Wide.Constant(1, 0xC90FDAA22168C234, 0xC4C6628B80DC1CD1);
    private static readonly Wide Ln2 = Wide.Constant(-1, 0xB17217F7D1CF79AB, 0xC9E3B39803F2F6AF);
    private static readonly Wide Log2E = Wide.Constant(0, 0xB8AA3B295C17F0BB, 0xBE87FED0691D3E88);
    private static readonly Wide Sqrt2 = Wide.Constant(0, 0xB504F333F9DE6484, 0x597D89B3754ABE9F);

    /// <summary>FSIN. Returns false (C2 = 1, ST(0) unchanged) when |x| is 2^63 or more.</summary>
    public static bool TrySin(Float80 x, ushort cw, ref X87Flags flags, out Float80 result) =>
        TryTrig(x, cw, ref flags, out result, out _, TrigKind.Sin);

    /// <summary>FCOS.</summary>
    public static bool TryCos(Float80 x, ushort cw, ref X87Flags flags, out Float80 result) =>
        TryTrig(x, cw, ref flags, out result, out _, TrigKind.Cos);

    /// <summary>FSINCOS: both results of one reduction.</summary>
    public static bool TrySinCos(Float80 x, ushort cw, ref X87Flags flags, out Float80 sin, out Float80 cos) =>
        TryTrig(x, cw, ref flags, out sin, out cos, TrigKind.SinCos);

    /// <summary>FPTAN (the caller then pushes 1.0).</summary>
    public static bool TryTan(Float80 x, ushort cw, ref X87Flags flags, out Float80 result) =>
        TryTrig(x, cw, ref flags, out result, out _, TrigKind.Tan);

    private enum TrigKind
    {
        Sin,
        Cos,
        SinCos,
        Tan,
    }

    private static bool TryTrig(Float80 x, ushort cw, ref X87Flags flags, out Float80 first, out Float80 second,
        TrigKind kind)
    {
        second = default;
        if (x.IsUnsupported || x.IsInfinity)
        {
            flags |= X87Flags.Invalid;
            first = second = Float80.Indefinite;
            return true;
        }
        if (x.IsNaN)
        {
            first = second = Float80.QuietOperand(x, ref flags);
            return true;
        }
        if (x.IsDenormal)
        {
            flags |= X87Flags.Denormal;
        }
        if (x.IsZero)
        {
            first = kind == TrigKind.Cos ? Float80.One : x;
            second = Float80.One;
            return true;
        }
        int e = Float80.Unpack(x, out ulong s);
        if (e >= 63)
        {
            first = x;
            return false;
        }
        Wide r;
        int quadrant = 0;
        if (e < -1)
        {
            r = Wide.FromFloat80(x.Abs());
        }
        else
        {
            UInt128 scaled = (UInt128)s << (e + 2);
            UInt128 k = scaled / HalfPi66;
            UInt128 rem = scaled - k * HalfPi66;
            bool negative = false;
            if (rem << 1 > HalfPi66)
            {
                k++;
                rem = HalfPi66 - rem;
                negative = true;
            }
            quadrant = (int)(k & 3);
            r = Wide.Create(negative, 127 - 65, rem);
        }
        (Wide sinR, bool sinTail) = SinSeries(r);
        (Wide cosR, bool cosTail) = CosSeries(r);
        Wide sin = sinR.Nudge(sinTail);
        Wide cos = cosR.Nudge(cosTail);
        if (kind == TrigKind.Tan)
        {
            Wide tan = (quadrant & 1) == 0 ? sinR / cosR : (cosR / sinR).Negate();
            first = (x.IsNegative ? tan.Negate() : tan).ToFloat80(cw, ref flags);
            return true;
        }
        (Wide sinX, Wide cosX) = quadrant switch
        {
            0 => (sin, cos),
            1 => (cos, sin.Negate()),
            2 => (sin.Negate(), cos.Negate()),
            _ => (cos.Negate(), sin),
        };
        if (x.IsNegative)
        {
            sinX = sinX.Negate();
        }
        first = kind == TrigKind.Cos ? cosX.ToFloat80(cw, ref flags) : sinX.ToFloat80(cw, ref flags);
        if (kind == TrigKind.SinCos)
        {
            X87Flags sinFlags = flags;
            second = cosX.ToFloat80(cw, ref flags);
            flags = (flags & ~X87Flags.C1) | (sinFlags & X87Flags.C1);
        }
        return true;
    }

    /// <summary>The series of sin(r); the tail flag says whether the neglected terms shrink the magnitude.</summary>
    private static (Wide Sum, bool TowardZero) SinSeries(Wide r)
    {
        Wide r2 = r * r;
        Wide term = r;
        Wide sum = r;
        for (ulong n = 1; ; n++)
        {
            term = (term * r2).DivideBy((2 * n) * (2 * n + 1)).Negate();
            if (term.IsZero || term.Exponent <= sum.Exponent - 132)
            {
                return (sum, term.Negative != sum.Negative);
            }
            sum += term;
        }
    }

    private static (Wide Sum, bool TowardZero) CosSeries(Wide r)
    {
        Wide r2 = r * r;
        Wide term = Wide.One;
        Wide sum = Wide.One;
        for (ulong n = 1; ; n++)
        {
            term = (term * r2).DivideBy((2 * n - 1) * (2 * n)).Negate();
            if (term.IsZero || term.Exponent <= sum.Exponent - 132)
            {
                return (sum, term.Negative != sum.Negative);
            }
            sum += term;
        }
    }

    /// <summary>atan(z) for 0 &lt;= z &lt;= 1, by halving the angle until z is small, then the series.</summary>
    private static (Wide Sum, bool TowardZero) Atan(Wide z)
    {
        int doublings = 0;
        while (!z.IsZero && z.Exponent > -4)
        {
            z = z / (Wide.One + Sqrt(Wide.One + z * z));
            doublings++;
        }
        Wide z2 = z * z;
        Wide power = z;
        Wide sum = z;
        for (ulong n = 1; ; n++)
        {
            power = (power * z2).Negate();
            Wide term = power.DivideBy(2 * n + 1);
            if (term.IsZero || term.Exponent <= sum.Exponent - 132)
            {
                return (sum.Scale(doublings), term.Negative != sum.Negative);
            }
            sum += term;
        }
    }

    /// <summary>2 * atanh(u) = ln((1+u)/(1-u)).</summary>
    private static Wide TwoAtanh(Wide u)
    {
        Wide u2 = u * u;
        Wide term = u;
        Wide sum = u;
        for (ulong n = 1; !term.IsZero && term.Exponent > sum.Exponent - 132; n++)
        {
            term *= u2;
            sum += term.DivideBy(2 * n + 1);
        }
        return sum.Scale(1);
    }

    private static Wide Sqrt(Wide a)
    {
        int halfExponent = a.Exponent >> 1;
        Wide m = a.Scale(-2 * halfExponent);
        double estimate = Math.Sqrt((double)(m.Significand >> 64) * Math.Pow(2, m.Exponent - 63));
        long bits = BitConverter.DoubleToInt64Bits(estimate);
        Wide y = Wide.Create(false, (int)((bits >> 52) & 0x7FF) - 1023 + 127 - 52,
            (UInt128)((bits & 0xF_FFFF_FFFF_FFFF) | (1L << 52)));
        for (int i = 0; i < 2; i++)
        {
            y = (y + m / y).Scale(-1);
        }
        return y.Scale(halfExponent);
    }
}

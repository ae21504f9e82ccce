namespace QemuSharp.Target.X86.X87;

/// <summary>FPREM, FPREM1, FSCALE and FXTRACT: the exact, non-transcendental helpers.</summary>
public static partial class X87Math
{
    private const ushort FullPrecision = 0x0300;

    /// <summary>
    /// FPREM (truncated quotient) or FPREM1 (IEEE remainder, quotient rounded to nearest even).
    /// conditionCodes receives C2 (1 = incomplete reduction, exponent difference of 64 or more)
    /// and the low three quotient bits in C0 (q2), C3 (q1), C1 (q0).
    /// </summary>
    public static Float80 PartialRemainder(Float80 a, Float80 b, bool ieee, ushort cw, ref X87Flags flags,
        out ushort conditionCodes)
    {
        conditionCodes = 0;
        if (Float80.CheckSpecialOperands(a, b, ref flags, out Float80 special))
        {
            return special;
        }
        if (a.Exponent == Float80.MaxExponent || b.IsZero)
        {
            flags |= X87Flags.Invalid;
            return Float80.Indefinite;
        }
        Float80.NoteDenormals(a, b, ref flags);
        if (a.IsZero)
        {
            return a;
        }
        int ea = Float80.Unpack(a, out ulong sa);
        ushort fullCw = (ushort)(cw | FullPrecision);
        if (b.Exponent == Float80.MaxExponent)
        {
            return Rounding.ToExtended(a.IsNegative, ea, (UInt128)sa << 64, fullCw, ref flags);
        }
        int eb = Float80.Unpack(b, out ulong sb);
        int d = ea - eb;
        if (d >= 64)
        {
            int n = 32 + ((d - 32) % 32);
            UInt128 partial = ((UInt128)sa << n) % sb;
            conditionCodes = X87State.C2;
            return Rounding.ToExtended(a.IsNegative, ea - 63 - n + 127, partial, fullCw, ref flags);
        }
        if (d < -1)
        {
            return Rounding.ToExtended(a.IsNegative, ea, (UInt128)sa << 64, fullCw, ref flags);
        }
        UInt128 dividend = d >= 0 ? (UInt128)sa << d : sa;
        UInt128 divisor = d >= 0 ? sb : (UInt128)sb << 1;
        UInt128 q = dividend / divisor;
        UInt128 r = dividend - q * divisor;
        bool negative = a.IsNegative;
        if (ieee && (r << 1 > divisor || (r << 1 == divisor && (q & 1) != 0)))
        {
            q++;
            r = divisor - r;
            negative = !negative;
        }
        conditionCodes = (ushort)(((q & 4) != 0 ? X87State.C0 : 0) | ((q & 2) != 0 ? X87State.C3 : 0)
            | ((q & 1) != 0 ? X87State.C1 : 0));
        if (r == 0)
        {
            return new Float80(a.IsNegative, 0, 0);
        }
        return Rounding.ToExtended(negative, Math.Min(ea, eb) + 64, r, fullCw, ref flags);
    }

    /// <summary>FSCALE: ST(0) * 2^trunc(ST(1)), rounded by the rounding control.</summary>
    public static Float80 Scale(Float80 x, Float80 y, ushort cw, ref X87Flags flags)
    {
        if (Float80.CheckSpecialOperands(x, y, ref flags, out Float80 special))
        {
            return special;
        }
        bool xInfinite = x.Exponent == Float80.MaxExponent;
        if (y.Exponent == Float80.MaxExponent)
        {
            if ((x.IsZero && !y.IsNegative) || (xInfinite && y.IsNegative))
            {
                flags |= X87Flags.Invalid;
                return Float80.Indefinite;
            }
            Float80.NoteDenormals(x, y, ref flags);
            return y.IsNegative || x.IsZero
                ? new Float80(x.IsNegative, 0, 0)
                : new Float80(x.IsNegative, Float80.MaxExponent, Float80.IntegerBit);
        }
        Float80.NoteDenormals(x, y, ref flags);
        if (x.IsZero || xInfinite)
        {
            return x;
        }
        int n = 0;
        if (!y.IsZero)
        {
            int ey = Float80.Unpack(y, out ulong sy);
            if (ey >= 20)
            {
                n = 1 << 20;
            }
            else if (ey >= 0)
            {
                n = (int)(sy >> (63 - ey));
            }
            n = y.IsNegative ? -n : n;
        }
        int ex = Float80.Unpack(x, out ulong sx);
        return Rounding.ToExtended(x.IsNegative, ex + n, (UInt128)sx << 64, (ushort)(cw | FullPrecision), ref flags);
    }

    /// <summary>FXTRACT: splits ST(0) into its significand (returned) and unbiased exponent.</summary>
    public static Float80 Extract(Float80 x, ref X87Flags flags, out Float80 exponent)
    {
        if (x.IsUnsupported)
        {
            flags |= X87Flags.Invalid;
            exponent = Float80.Indefinite;
            return Float80.Indefinite;
        }
        if (x.IsNaN)
        {
            Float80 quiet = Float80.QuietOperand(x, ref flags);
            exponent = quiet;
            return quiet;
        }
        if (x.IsInfinity)
        {
            exponent = Float80.Infinity;
            return x;
        }
        if (x.IsZero)
        {
            flags |= X87Flags.ZeroDivide;
            exponent = Float80.NegativeInfinity;
            return x;
        }
        if (x.IsDenormal)
        {
            flags |= X87Flags.Denormal;
        }
        int e = Float80.Unpack(x, out ulong s);
        exponent = Float80.FromInt64(e);
        return new Float80(x.IsNegative, Float80.Bias, s);
    }
}

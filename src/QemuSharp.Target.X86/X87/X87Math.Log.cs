namespace QemuSharp.Target.X86.X87;

/// <summary>FPATAN, FYL2X, FYL2XP1 and F2XM1.</summary>
public static partial class X87Math
{
    /// <summary>FPATAN: atan(y/x) with the quadrant taken from both signs.</summary>
    public static Float80 Atan2(Float80 y, Float80 x, ushort cw, ref X87Flags flags)
    {
        if (Float80.CheckSpecialOperands(y, x, ref flags, out Float80 special))
        {
            return special;
        }
        Float80.NoteDenormals(y, x, ref flags);
        bool yInfinite = y.IsInfinity;
        bool xInfinite = x.IsInfinity;
        Wide angle;
        if (y.IsZero || (xInfinite && !yInfinite))
        {
            if (!x.IsNegative)
            {
                return new Float80(y.IsNegative, 0, 0);
            }
            angle = Pi;
        }
        else if (yInfinite && xInfinite)
        {
            angle = x.IsNegative ? Pi - Pi.Scale(-2) : Pi.Scale(-2);
        }
        else if (yInfinite || x.IsZero)
        {
            angle = Pi.Scale(-1);
        }
        else
        {
            Wide wy = Wide.FromFloat80(y.Abs());
            Wide wx = Wide.FromFloat80(x.Abs());
            bool steep = Float80.CompareFinite(y.Abs(), x.Abs()) > 0;
            (Wide atan, bool towardZero) = Atan(steep ? wx / wy : wy / wx);
            angle = steep ? Pi.Scale(-1) - atan : atan.Nudge(towardZero);
            if (x.IsNegative)
            {
                angle = Pi - angle;
            }
        }
        return (y.IsNegative ? angle.Negate() : angle).ToFloat80(cw, ref flags);
    }

    /// <summary>FYL2X: y * log2(x).</summary>
    public static Float80 YLog2X(Float80 y, Float80 x, ushort cw, ref X87Flags flags)
    {
        if (Float80.CheckSpecialOperands(y, x, ref flags, out Float80 special))
        {
            return special;
        }
        if (x.IsNegative && !x.IsZero)
        {
            flags |= X87Flags.Invalid;
            return Float80.Indefinite;
        }
        bool yInfinite = y.IsInfinity;
        if (x.IsZero)
        {
            if (y.IsZero)
            {
                flags |= X87Flags.Invalid;
                return Float80.Indefinite;
            }
            if (!yInfinite)
            {
                flags |= X87Flags.ZeroDivide;
            }
            return new Float80(!y.IsNegative, Float80.MaxExponent, Float80.IntegerBit);
        }
        Float80.NoteDenormals(y, x, ref flags);
        if (x.IsInfinity)
        {
            if (y.IsZero)
            {
                flags |= X87Flags.Invalid;
                return Float80.Indefinite;
            }
            return new Float80(y.IsNegative, Float80.MaxExponent, Float80.IntegerBit);
        }
        int order = Float80.CompareFinite(x, Float80.One);
        if (order == 0 && !yInfinite)
        {
            return new Float80(y.IsNegative, 0, 0);
        }
        if (yInfinite || y.IsZero)
        {
            if (order == 0 && yInfinite)
            {
                flags |= X87Flags.Invalid;
                return Float80.Indefinite;
            }
            return order > 0 ? y : y.Negate();
        }
        Wide log2X = Log2(Wide.FromFloat80(x));
        Wide product = Wide.FromFloat80(y) * log2X;
        return (product.IsZero ? Wide.Create(y.IsNegative, 0, 0) : product).ToFloat80(cw, ref flags);
    }

    /// <summary>FYL2XP1: y * log2(x + 1), for |x| below 1 - sqrt(2)/2.</summary>
    public static Float80 YLog2XPlus1(Float80 y, Float80 x, ushort cw, ref X87Flags flags)
    {
        if (Float80.CheckSpecialOperands(y, x, ref flags, out Float80 special))
        {
            return special;
        }
        if (x.IsInfinity && x.IsNegative)
        {
            flags |= X87Flags.Invalid;
            return Float80.Indefinite;
        }
        Float80.NoteDenormals(y, x, ref flags);
        if (x.IsInfinity)
        {
            if (y.IsZero)
            {
                flags |= X87Flags.Invalid;
                return Float80.Indefinite;
            }
            return new Float80(y.IsNegative, Float80.MaxExponent, Float80.IntegerBit);
        }
        if (x.IsNegative && Float80.CompareFinite(x, Float80.One.Negate()) <= 0)
        {
            if (y.IsInfinity || y.IsZero)
            {
                return y.Negate();
            }
            flags |= X87Flags.Precision;
            return x;
        }
        if (y.IsInfinity && x.IsZero)
        {
            flags |= X87Flags.Invalid;
            return Float80.Indefinite;
        }
        if (x.IsZero || y.IsZero)
        {
            return new Float80(x.IsNegative ^ y.IsNegative, 0, 0);
        }
        if (y.IsInfinity)
        {
            return y.WithSign(x.IsNegative ^ y.IsNegative);
        }
        Wide wx = Wide.FromFloat80(x);
        Wide log2 = wx.Exponent < -2 ? TwoAtanh(wx / (Wide.FromInt(2) + wx)) * Log2E : Log2(Wide.One + wx);
        return (Wide.FromFloat80(y) * log2).ToFloat80(cw, ref flags);
    }

    /// <summary>F2XM1: 2^x - 1 for -1 &lt;= x &lt;= 1.</summary>
    public static Float80 Exp2Minus1(Float80 x, ushort cw, ref X87Flags flags)
    {
        if (x.IsUnsupported)
        {
            flags |= X87Flags.Invalid;
            return Float80.Indefinite;
        }
        if (x.IsNaN)
        {
            return Float80.QuietOperand(x, ref flags);
        }
        if (x.IsInfinity)
        {
            return x.IsNegative ? Float80.One.Negate() : x;
        }
        if (x.IsDenormal)
        {
            flags |= X87Flags.Denormal;
        }
        if (x.IsZero)
        {
            return x;
        }
        if (Float80.CompareFinite(x.Abs(), Float80.One) > 0)
        {
            flags |= X87Flags.Precision;
            return x;
        }
        return ExpMinus1(Wide.FromFloat80(x) * Ln2).ToFloat80(cw, ref flags);
    }

    /// <summary>e^t - 1 for |t| below 1.</summary>
    private static Wide ExpMinus1(Wide t)
    {
        Wide term = t;
        Wide sum = t;
        for (ulong n = 2; ; n++)
        {
            term = (term * t).DivideBy(n);
            if (term.IsZero || term.Exponent <= sum.Exponent - 132)
            {
                return sum.Nudge(term.Negative != sum.Negative);
            }
            sum += term;
        }
    }

    /// <summary>log2(v) for v &gt; 0: the exponent plus 2*atanh((m-1)/(m+1))*log2(e), m in [sqrt(1/2), sqrt(2)].</summary>
    private static Wide Log2(Wide v)
    {
        int e = v.Exponent;
        Wide m = Wide.Create(false, 0, v.Significand);
        if (m.Significand > Sqrt2.Significand)
        {
            m = m.Scale(-1);
            e++;
        }
        return Wide.FromInt(e) + TwoAtanh((m - Wide.One) / (m + Wide.One)) * Log2E;
    }
}

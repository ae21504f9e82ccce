namespace QemuSharp.Target.X86.X87;

/// <summary>The basic arithmetic of FADD, FSUB, FMUL, FDIV and FSQRT, precision control applied.</summary>
public readonly partial struct Float80
{
    public static Float80 Add(Float80 a, Float80 b, ushort cw, ref X87Flags flags) =>
        AddSigned(a, b, false, cw, ref flags);

    public static Float80 Subtract(Float80 a, Float80 b, ushort cw, ref X87Flags flags) =>
        AddSigned(a, b, true, cw, ref flags);

    private static Float80 AddSigned(Float80 a, Float80 b, bool subtract, ushort cw, ref X87Flags flags)
    {
        if (CheckSpecialOperands(a, b, ref flags, out Float80 special))
        {
            return special;
        }
        bool signA = a.IsNegative;
        bool signB = b.IsNegative ^ subtract;
        NoteDenormals(a, b, ref flags);
        if (a.Exponent == MaxExponent || b.Exponent == MaxExponent)
        {
            if (a.Exponent == MaxExponent && b.Exponent == MaxExponent && signA != signB)
            {
                flags |= X87Flags.Invalid;
                return Indefinite;
            }
            return a.Exponent == MaxExponent ? a : b.WithSign(signB);
        }
        bool roundDown = X87Control.Rounding(cw) == X87Control.RoundDown;
        if (a.Significand == 0 && b.Significand == 0)
        {
            return new Float80(signA == signB ? signA : roundDown, 0, 0);
        }
        if (a.Significand == 0)
        {
            return RoundValue(b.WithSign(signB), cw, ref flags);
        }
        if (b.Significand == 0)
        {
            return RoundValue(a, cw, ref flags);
        }
        int ea = Unpack(a, out ulong sa64);
        int eb = Unpack(b, out ulong sb64);
        UInt128 sa = (UInt128)sa64 << 63;
        UInt128 sb = (UInt128)sb64 << 63;
        if (ea < eb || (ea == eb && sa < sb))
        {
            (ea, eb) = (eb, ea);
            (sa, sb) = (sb, sa);
            (signA, signB) = (signB, signA);
        }
        sb = ShiftRightSticky(sb, ea - eb);
        UInt128 sum = signA == signB ? sa + sb : sa - sb;
        if (sum == 0)
        {
            return new Float80(roundDown, 0, 0);
        }
        return Rounding.ToExtended(signA, ea + 1, sum, cw, ref flags);
    }

    public static Float80 Multiply(Float80 a, Float80 b, ushort cw, ref X87Flags flags)
    {
        if (CheckSpecialOperands(a, b, ref flags, out Float80 special))
        {
            return special;
        }
        bool negative = a.IsNegative ^ b.IsNegative;
        if (a.Exponent == MaxExponent || b.Exponent == MaxExponent)
        {
            if (a.IsZero || b.IsZero)
            {
                flags |= X87Flags.Invalid;
                return Indefinite;
            }
            NoteDenormals(a, b, ref flags);
            return new Float80(negative, MaxExponent, IntegerBit);
        }
        NoteDenormals(a, b, ref flags);
        if (a.IsZero || b.IsZero)
        {
            return new Float80(negative, 0, 0);
        }
        int ea = Unpack(a, out ulong sa);
        int eb = Unpack(b, out ulong sb);
        return Rounding.ToExtended(negative, ea + eb + 1, Math.BigMul(sa, sb), cw, ref flags);
    }

    public static Float80 Divide(Float80 a, Float80 b, ushort cw, ref X87Flags flags)
    {
        if (CheckSpecialOperands(a, b, ref flags, out Float80 special))
        {
            return special;
        }
        bool negative = a.IsNegative ^ b.IsNegative;
        bool infA = a.Exponent == MaxExponent;
        bool infB = b.Exponent == MaxExponent;
        if ((infA && infB) || (a.IsZero && b.IsZero))
        {
            flags |= X87Flags.Invalid;
            return Indefinite;
        }
        if (b.IsZero && !infA)
        {
            flags |= X87Flags.ZeroDivide;
            return new Float80(negative, MaxExponent, IntegerBit);
        }
        NoteDenormals(a, b, ref flags);
        if (infA)
        {
            return new Float80(negative, MaxExponent, IntegerBit);
        }
        if (infB || a.IsZero)
        {
            return new Float80(negative, 0, 0);
        }
        int ea = Unpack(a, out ulong sa);
        int eb = Unpack(b, out ulong sb);
        int e = ea - eb;
        UInt128 numerator = (UInt128)sa << 63;
        if (sa < sb)
        {
            numerator <<= 1;
            e--;
        }
        UInt128 q1 = numerator / sb;
        UInt128 r1 = numerator - q1 * sb;
        UInt128 n2 = r1 << 64;
        UInt128 q2 = n2 / sb;
        UInt128 r2 = n2 - q2 * sb;
        UInt128 sig = (q1 << 64) | q2 | (r2 != 0 ? 1u : 0u);
        return Rounding.ToExtended(negative, e, sig, cw, ref flags);
    }

    public static Float80 Sqrt(Float80 a, ushort cw, ref X87Flags flags)
    {
        if (a.IsUnsupported || (a.IsNegative && !a.IsZero && !a.IsNaN))
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
        int k = e - 127;
        UInt128 n = (UInt128)s << 64;
        if ((k & 1) != 0)
        {
            n >>= 1;
            k++;
        }
        UInt128 root = IntegerSqrt(n, out UInt128 rem);
        for (int i = 0; i < 2; i++)
        {
            rem <<= 2;
            UInt128 trial = (root << 2) | 1;
            root <<= 1;
            if (rem >= trial)
            {
                rem -= trial;
                root |= 1;
            }
        }
        UInt128 sig = (root << 62) | (rem != 0 ? 1u : 0u);
        return Rounding.ToExtended(false, (k - 4) / 2 + 65, sig, cw, ref flags);
    }

    /// <summary>Rounds a supported finite value to the precision-control width (FADD x,0 and the like).</summary>
    private static Float80 RoundValue(Float80 v, ushort cw, ref X87Flags flags)
    {
        int e = Unpack(v, out ulong s);
        return Rounding.ToExtended(v.IsNegative, e, (UInt128)s << 64, cw, ref flags);
    }

    /// <summary>Unbiased exponent and normalized significand of a finite non-zero supported value.</summary>
    internal static int Unpack(Float80 v, out ulong significand)
    {
        int exp = v.Exponent == 0 ? 1 : v.Exponent;
        int lz = System.Numerics.BitOperations.LeadingZeroCount(v.Significand);
        significand = v.Significand << lz;
        return exp - Bias - lz;
    }

    internal static UInt128 ShiftRightSticky(UInt128 v, int shift)
    {
        if (shift <= 0)
        {
            return v;
        }
        if (shift >= 128)
        {
            return v != 0 ? 1u : 0u;
        }
        UInt128 lost = v & (((UInt128)1 << shift) - 1);
        return (v >> shift) | (lost != 0 ? 1u : 0u);
    }

    private static UInt128 IntegerSqrt(UInt128 n, out UInt128 rem)
    {
        UInt128 r = (UInt128)Math.Sqrt((double)n) + 4096;
        while (true)
        {
            UInt128 next = (r + n / r) >> 1;
            if (next >= r)
            {
                break;
            }
            r = next;
        }
        while (r * r > n)
        {
            r--;
        }
        rem = n - r * r;
        return r;
    }

    internal static void NoteDenormals(Float80 a, Float80 b, ref X87Flags flags)
    {
        if (a.IsDenormal || b.IsDenormal)
        {
            flags |= X87Flags.Denormal;
        }
    }

    /// <summary>
    /// The invalid-operand and NaN rules shared by two-operand instructions: an unsupported
    /// encoding gives the indefinite, a NaN operand propagates as the hardware picks it.
    /// </summary>
    internal static bool CheckSpecialOperands(Float80 a, Float80 b, ref X87Flags flags, out Float80 result)
    {
        if (a.IsUnsupported || b.IsUnsupported)
        {
            flags |= X87Flags.Invalid;
            result = Indefinite;
            return true;
        }
        if (a.IsNaN || b.IsNaN)
        {
            result = PropagateNaN(a, b, ref flags);
            return true;
        }
        result = default;
        return false;
    }

    /// <summary>
    /// The x87 NaN choice: a QNaN beats an SNaN, otherwise the larger significand wins and on a
    /// tie the positive one. The result is always quiet; an SNaN operand raises IE.
    /// </summary>
    internal static Float80 PropagateNaN(Float80 a, Float80 b, ref X87Flags flags)
    {
        bool snanA = a.IsSignalingNaN;
        bool snanB = b.IsSignalingNaN;
        if (snanA || snanB)
        {
            flags |= X87Flags.Invalid;
        }
        Float80 pick;
        if (!b.IsNaN)
        {
            pick = a;
        }
        else if (!a.IsNaN)
        {
            pick = b;
        }
        else if (snanA != snanB)
        {
            pick = snanA ? b : a;
        }
        else if (a.Significand != b.Significand)
        {
            pick = a.Significand > b.Significand ? a : b;
        }
        else
        {
            pick = a.SignExponent < b.SignExponent ? a : b;
        }
        return new Float80(pick.Significand | QuietBit, pick.SignExponent);
    }

    /// <summary>A NaN single operand: quieted, IE when it was signaling.</summary>
    internal static Float80 QuietOperand(Float80 a, ref X87Flags flags)
    {
        if (a.IsSignalingNaN)
        {
            flags |= X87Flags.Invalid;
        }
        return new Float80(a.Significand | QuietBit, a.SignExponent);
    }
}

namespace QemuSharp.Target.X86.X87;

/// <summary>Conversions for FLD/FST of float32 and float64, FILD/FIST(P)/FISTTP and FBLD/FBSTP.</summary>
public readonly partial struct Float80
{
    /// <summary>
    /// FLD m32 (quietSignaling: an SNaN raises IE and loads quiet), or the exact extension of an
    /// arithmetic instruction's m32 operand (quietSignaling: false, the SNaN is kept for the NaN rules).
    /// </summary>
    public static Float80 FromSingle(uint bits, ref X87Flags flags, bool quietSignaling = true) =>
        FromBinary((bits >> 31) != 0, (int)(bits >> 23) & 0xFF, bits & 0x7F_FFFF, 23, 127, 0xFF, ref flags,
            quietSignaling);

    public static Float80 FromDouble(ulong bits, ref X87Flags flags, bool quietSignaling = true) =>
        FromBinary((bits >> 63) != 0, (int)(bits >> 52) & 0x7FF, bits & 0xF_FFFF_FFFF_FFFF, 52, 1023, 0x7FF,
            ref flags, quietSignaling);

    private static Float80 FromBinary(bool negative, int exp, ulong fraction, int fractionBits, int bias,
        int maxExp, ref X87Flags flags, bool quietSignaling)
    {
        if (exp == maxExp)
        {
            ulong sig = IntegerBit | (fraction << (63 - fractionBits));
            if (quietSignaling && fraction != 0 && (sig & QuietBit) == 0)
            {
                flags |= X87Flags.Invalid;
                sig |= QuietBit;
            }
            return new Float80(negative, MaxExponent, sig);
        }
        if (exp == 0)
        {
            if (fraction == 0)
            {
                return new Float80(negative, 0, 0);
            }
            flags |= X87Flags.Denormal;
            int lz = System.Numerics.BitOperations.LeadingZeroCount(fraction);
            return new Float80(negative, 1 - bias - (lz - (63 - fractionBits)) + Bias, fraction << lz);
        }
        return new Float80(negative, exp - bias + Bias, IntegerBit | (fraction << (63 - fractionBits)));
    }

    public static uint ToSingle(Float80 v, ushort cw, ref X87Flags flags) =>
        (uint)ToBinary(v, cw, ref flags, 24, 8);

    public static ulong ToDouble(Float80 v, ushort cw, ref X87Flags flags) =>
        ToBinary(v, cw, ref flags, 53, 11);

    private static ulong ToBinary(Float80 v, ushort cw, ref X87Flags flags, int p, int expBits)
    {
        int fractionBits = p - 1;
        int maxExp = (1 << expBits) - 1;
        int bias = maxExp >> 1;
        ulong sign = v.IsNegative ? 1UL << (fractionBits + expBits) : 0;
        ulong infinity = (ulong)maxExp << fractionBits;
        if (v.IsUnsupported)
        {
            flags |= X87Flags.Invalid;
            return (1UL << (fractionBits + expBits)) | infinity | (1UL << (fractionBits - 1));
        }
        if (v.Exponent == MaxExponent)
        {
            if (v.Significand == IntegerBit)
            {
                return sign | infinity;
            }
            if (v.IsSignalingNaN)
            {
                flags |= X87Flags.Invalid;
            }
            return sign | infinity | ((v.Significand << 1) >> (64 - fractionBits)) | (1UL << (fractionBits - 1));
        }
        if (v.IsZero)
        {
            return sign;
        }
        int e = Unpack(v, out ulong s);
        flags |= Rounding.Round(v.IsNegative, ref e, (UInt128)s << 64, p, 1 - bias, bias, cw, false,
            out ulong kept, out RoundedKind kind);
        ulong fractionMask = (1UL << fractionBits) - 1;
        return kind switch
        {
            RoundedKind.Infinity => sign | infinity,
            RoundedKind.MaxFinite => sign | ((ulong)(maxExp - 1) << fractionBits) | fractionMask,
            RoundedKind.Denormal => sign | kept,
            _ => sign | ((ulong)(e + bias) << fractionBits) | (kept & fractionMask),
        };
    }

    public static Float80 FromInt64(long value)
    {
        bool negative = value < 0;
        return FromMagnitude(negative, negative ? (ulong)-(value + 1) + 1UL : (ulong)value);
    }

    /// <summary>
    /// FIST/FISTP (rounding control) or FISTTP (truncate) to a signed integer of the given width
    /// (16, 32 or 64). Out of range, NaN and infinity raise IE and give the integer indefinite.
    /// </summary>
    public static long ToInteger(Float80 v, int bits, bool truncate, ushort cw, ref X87Flags flags)
    {
        long indefinite = bits == 64 ? long.MinValue : -(1L << (bits - 1));
        if (v.IsSpecial)
        {
            flags |= X87Flags.Invalid;
            return indefinite;
        }
        if (v.IsZero)
        {
            return 0;
        }
        int e = Unpack(v, out ulong s);
        if (e >= 64)
        {
            flags |= X87Flags.Invalid;
            return indefinite;
        }
        int rc = truncate ? X87Control.RoundTowardZero : X87Control.Rounding(cw);
        UInt128 q = Rounding.RoundBits(v.IsNegative, (UInt128)s << 64, 127 - e, rc, out bool inexact, out bool up);
        UInt128 limit = (UInt128)1 << (bits - 1);
        if (v.IsNegative ? q > limit : q >= limit)
        {
            flags |= X87Flags.Invalid;
            return indefinite;
        }
        if (inexact)
        {
            flags |= X87Flags.Precision;
        }
        if (up)
        {
            flags |= X87Flags.C1;
        }
        return v.IsNegative ? (long)(0 - (ulong)q) : (long)(ulong)q;
    }

    /// <summary>FBLD: an 18-digit packed BCD integer (10 bytes, sign in bit 7 of byte 9).</summary>
    public static Float80 FromPackedBcd(ReadOnlySpan<byte> bcd)
    {
        ulong value = 0;
        for (int i = 8; i >= 0; i--)
        {
            value = value * 100 + (ulong)(bcd[i] >> 4) * 10 + (ulong)(bcd[i] & 0xF);
        }
        return FromMagnitude((bcd[9] & 0x80) != 0, value);
    }

    /// <summary>
    /// FBSTP: rounds by the rounding control and writes 18 BCD digits. Values of 10^18 or more,
    /// NaN and infinity raise IE and write the packed BCD indefinite.
    /// </summary>
    public static void ToPackedBcd(Float80 v, ushort cw, ref X87Flags flags, Span<byte> bcd)
    {
        const ulong Limit = 1_000_000_000_000_000_000;
        bcd[..10].Clear();
        ulong magnitude = 0;
        bool invalid = v.IsSpecial;
        if (!invalid && !v.IsZero)
        {
            int e = Unpack(v, out ulong s);
            X87Flags local = X87Flags.None;
            if (e < 60)
            {
                UInt128 q = Rounding.RoundBits(v.IsNegative, (UInt128)s << 64, 127 - e, X87Control.Rounding(cw),
                    out bool inexact, out bool up);
                local |= (inexact ? X87Flags.Precision : 0) | (up ? X87Flags.C1 : 0);
                magnitude = (ulong)q;
            }
            invalid = e >= 60 || magnitude >= Limit;
            if (!invalid)
            {
                flags |= local;
            }
        }
        if (invalid)
        {
            flags |= X87Flags.Invalid;
            bcd[7] = 0xC0;
            bcd[8] = 0xFF;
            bcd[9] = 0xFF;
            return;
        }
        for (int i = 0; i < 9; i++)
        {
            ulong pair = magnitude % 100;
            magnitude /= 100;
            bcd[i] = (byte)((pair / 10) << 4 | pair % 10);
        }
        bcd[9] = v.IsNegative ? (byte)0x80 : (byte)0;
    }
}

namespace QemuSharp.Target.X86.X87;

/// <summary>How a rounded finite result came out.</summary>
internal enum RoundedKind
{
    Normal,
    Denormal,
    Infinity,
    MaxFinite,
}

/// <summary>
/// Rounding of an exact intermediate value, sig * 2^(e-127) with sig a 128-bit integer whose
/// lowest bit is sticky, to p significand bits within an exponent range, as the x87 does it:
/// tininess is detected after rounding, masked underflow denormalizes, unmasked overflow and
/// underflow on register results scale the exponent by 2^-24576 or 2^24576.
/// </summary>
internal static class Rounding
{
    public const int ExtendedMinExponent = -16382;
    public const int ExtendedMaxExponent = 16383;
    public const int TrapBias = 24576;

    /// <summary>
    /// Rounds and reports the flags. On return e is the unbiased exponent of the result's
    /// integer bit (Normal) and kept holds p bits (Normal) or the denormal field scaled by
    /// 2^(eMin-p+1) (Denormal).
    /// </summary>
    public static X87Flags Round(bool negative, ref int e, UInt128 sig, int p, int eMin, int eMax,
        ushort cw, bool scaleOnTrap, out ulong kept, out RoundedKind kind)
    {
        int lz = (int)UInt128.LeadingZeroCount(sig);
        sig <<= lz;
        e -= lz;
        int rc = X87Control.Rounding(cw);
        X87Flags flags = X87Flags.None;
        if (e < eMin)
        {
            bool tiny = e < eMin - 1 || !CarriesOut(negative, sig, p, rc);
            if (tiny && scaleOnTrap && !X87Control.IsMasked(cw, X87Flags.Underflow))
            {
                if (e + TrapBias < eMin)
                {
                    kept = 0;
                    kind = RoundedKind.Denormal;
                    return X87Flags.Underflow | X87Flags.Precision;
                }
                e += TrapBias;
                flags |= X87Flags.Underflow;
            }
            else
            {
                UInt128 q = RoundBits(negative, sig, 128 - p + (eMin - e), rc, out bool inexact, out bool up);
                kept = (ulong)q;
                kind = (q >> (p - 1)) != 0 ? RoundedKind.Normal : RoundedKind.Denormal;
                e = eMin;
                if (inexact)
                {
                    flags |= X87Flags.Precision;
                }
                if (tiny && (inexact || !X87Control.IsMasked(cw, X87Flags.Underflow)))
                {
                    flags |= X87Flags.Underflow;
                }
                if (up)
                {
                    flags |= X87Flags.C1;
                }
                return flags;
            }
        }
        UInt128 r = RoundBits(negative, sig, 128 - p, rc, out bool inexactN, out bool upN);
        if ((r >> p) != 0)
        {
            r >>= 1;
            e++;
        }
        if (e > eMax)
        {
            if (scaleOnTrap && !X87Control.IsMasked(cw, X87Flags.Overflow))
            {
                if (e - TrapBias > eMax)
                {
                    kept = 0;
                    kind = RoundedKind.Infinity;
                    return X87Flags.Overflow | X87Flags.Precision | X87Flags.C1;
                }
                e -= TrapBias;
                flags |= X87Flags.Overflow;
            }
            else
            {
                bool toInfinity = rc == X87Control.RoundNearest
                    || (rc == X87Control.RoundUp && !negative) || (rc == X87Control.RoundDown && negative);
                kept = toInfinity ? 0 : (p == 64 ? ulong.MaxValue : (1UL << p) - 1);
                kind = toInfinity ? RoundedKind.Infinity : RoundedKind.MaxFinite;
                e = eMax;
                return flags | X87Flags.Overflow | X87Flags.Precision | (toInfinity ? X87Flags.C1 : 0);
            }
        }
        kept = (ulong)r;
        kind = RoundedKind.Normal;
        if (inexactN)
        {
            flags |= X87Flags.Precision;
        }
        if (upN)
        {
            flags |= X87Flags.C1;
        }
        return flags;
    }

    /// <summary>Shifts sig right by shift bits and rounds the result by the rounding mode.</summary>
    public static UInt128 RoundBits(bool negative, UInt128 sig, int shift, int rc, out bool inexact, out bool up)
    {
        UInt128 q;
        UInt128 rest;
        UInt128 half;
        if (shift <= 0)
        {
            inexact = false;
            up = false;
            return sig << -shift;
        }
        if (shift > 128)
        {
            q = 0;
            rest = sig;
            half = UInt128.MaxValue;
        }
        else if (shift == 128)
        {
            q = 0;
            rest = sig;
            half = (UInt128)1 << 127;
        }
        else
        {
            q = sig >> shift;
            rest = sig & (((UInt128)1 << shift) - 1);
            half = (UInt128)1 << (shift - 1);
        }
        inexact = rest != 0;
        up = rc switch
        {
            X87Control.RoundNearest => rest > half || (rest == half && shift <= 128 && (q & 1) != 0),
            X87Control.RoundUp => inexact && !negative,
            X87Control.RoundDown => inexact && negative,
            _ => false,
        };
        return up ? q + 1 : q;
    }

    private static bool CarriesOut(bool negative, UInt128 sig, int p, int rc)
    {
        UInt128 r = RoundBits(negative, sig, 128 - p, rc, out _, out _);
        return (r >> p) != 0;
    }

    /// <summary>Rounds to the extended format, producing the register value.</summary>
    public static Float80 ToExtended(bool negative, int e, UInt128 sig, ushort cw, ref X87Flags flags,
        bool scaleOnTrap = true)
    {
        if (sig == 0)
        {
            return new Float80(negative, 0, 0);
        }
        int p = X87Control.PrecisionBits(cw);
        flags |= Round(negative, ref e, sig, p, ExtendedMinExponent, ExtendedMaxExponent, cw, scaleOnTrap,
            out ulong kept, out RoundedKind kind);
        return kind switch
        {
            RoundedKind.Infinity => new Float80(negative, Float80.MaxExponent, Float80.IntegerBit),
            RoundedKind.MaxFinite => new Float80(negative, Float80.MaxExponent - 1, kept << (64 - p)),
            RoundedKind.Denormal => new Float80(negative, 0, kept << (64 - p)),
            _ => new Float80(negative, e + Float80.Bias, kept << (64 - p)),
        };
    }
}

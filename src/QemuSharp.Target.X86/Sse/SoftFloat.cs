using System.Runtime.CompilerServices;

namespace QemuSharp.Target.X86.Sse;

/// <summary>An IEEE 754 binary interchange format, described by its field widths.</summary>
internal readonly struct FloatFormat(int fracBits, int expBits)
{
    public static readonly FloatFormat Single = new(23, 8);
    public static readonly FloatFormat Double = new(52, 11);

    public readonly int FracBits = fracBits;
    public readonly int ExpBits = expBits;

    public int Bias => (1 << (ExpBits - 1)) - 1;
    public int MaxExp => (1 << ExpBits) - 1;
    public ulong SignBit => 1UL << (FracBits + ExpBits);
    public ulong FracMask => (1UL << FracBits) - 1;
    public ulong QuietBit => 1UL << (FracBits - 1);
    public ulong Infinity => (ulong)MaxExp << FracBits;

    /// <summary>x86's "real indefinite": the negative quiet NaN with an empty payload.</summary>
    public ulong DefaultNaN => SignBit | Infinity | QuietBit;
    public ulong MaxFinite => Infinity - 1;

    public int Exponent(ulong x) => (int)(x >> FracBits) & MaxExp;
    public bool Sign(ulong x) => (x & SignBit) != 0;
    public bool IsNaN(ulong x) => (x & ~SignBit) > Infinity;
    public bool IsSignalingNaN(ulong x) => IsNaN(x) && (x & QuietBit) == 0;
    public bool IsInfinity(ulong x) => (x & ~SignBit) == Infinity;
    public bool IsZero(ulong x) => (x & ~SignBit) == 0;
    public bool IsDenormal(ulong x) => Exponent(x) == 0 && (x & FracMask) != 0;
}

/// <summary>The rounding mode, DAZ, FTZ and underflow mask of one operation, and the flags it raised.</summary>
internal struct FpEnv(uint mxcsr)
{
    public readonly int Rounding = (int)((mxcsr & Mxcsr.RoundingControl) >> Mxcsr.RoundingShift);
    public readonly bool Daz = (mxcsr & Mxcsr.DenormalsAreZeros) != 0;
    public readonly bool Ftz = (mxcsr & Mxcsr.FlushToZero) != 0;
    public readonly bool UnderflowMasked = (mxcsr & (Mxcsr.UnderflowFlag << (int)Mxcsr.MaskShift)) != 0;
    public readonly bool OverflowMasked = (mxcsr & (Mxcsr.OverflowFlag << (int)Mxcsr.MaskShift)) != 0;
    public uint Flags;

    public const int Nearest = 0, Down = 1, Up = 2, TowardZero = 3;
}

/// <summary>
/// Exact binary32/binary64 arithmetic with x86 SSE semantics: four rounding modes, tininess detected
/// after rounding, DAZ on inputs, FTZ on tiny results when underflow is masked, and x86's NaN rules
/// (the first NaN operand wins, quieted; invalid operations give the real indefinite).
/// Values are raw bits in the low bits of a ulong. Finite non-zero values are unpacked to a
/// significand normalized to bit 62 and an exponent e: value = sig * 2^(e - 62).
/// </summary>
internal static class SoftFloat
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ShiftRightJam(ulong x, int n) => n <= 0 ? x : n >= 63 ? (x != 0 ? 1UL : 0) : (x >> n) | ((x & ((1UL << n) - 1)) != 0 ? 1UL : 0);

    /// <summary>Applies DAZ, or raises the denormal-operand flag, for an operand that is not a NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Operand(in FloatFormat f, ulong x, ref FpEnv env)
    {
        if (f.IsDenormal(x))
        {
            if (env.Daz)
            {
                return x & f.SignBit;
            }
            env.Flags |= Mxcsr.DenormalFlag;
        }
        return x;
    }

    /// <summary>Divide-by-zero outranks the denormal-operand exception, so the divisor is classified first.</summary>
    private static bool IsZeroAfterDaz(in FloatFormat f, ulong x, in FpEnv env) => f.IsZero(x) || (env.Daz && f.IsDenormal(x));

    public static ulong PropagateNaN(in FloatFormat f, ulong a, ulong b, ref FpEnv env)
    {
        if (f.IsSignalingNaN(a) || f.IsSignalingNaN(b))
        {
            env.Flags |= Mxcsr.InvalidFlag;
        }
        return (f.IsNaN(a) ? a : b) | f.QuietBit;
    }

    public static ulong Invalid(in FloatFormat f, ref FpEnv env)
    {
        env.Flags |= Mxcsr.InvalidFlag;
        return f.DefaultNaN;
    }

    /// <summary>Unpacks a finite non-zero value; returns e with value = sig * 2^(e - 62).</summary>
    public static int Unpack(in FloatFormat f, ulong x, out ulong sig)
    {
        int exp = f.Exponent(x);
        ulong frac = x & f.FracMask;
        if (exp != 0)
        {
            sig = (frac | (1UL << f.FracBits)) << (62 - f.FracBits);
            return exp - f.Bias;
        }
        int s = (int)ulong.LeadingZeroCount(frac) - 1;
        sig = frac << s;
        return 1 - f.Bias - f.FracBits - s + 62;
    }

    /// <summary>Rounds sig * 2^(e - 62) (sig normalized to bit 62, bit 0 sticky) into format f.</summary>
    public static ulong RoundPack(in FloatFormat f, bool sign, int e, ulong sig, ref FpEnv env)
    {
        ulong signBits = sign ? f.SignBit : 0;
        int shift = 62 - f.FracBits;
        ulong roundMask = (1UL << shift) - 1;
        ulong half = 1UL << (shift - 1);
        ulong increment = env.Rounding switch
        {
            FpEnv.Nearest => half,
            FpEnv.Down => sign ? roundMask : 0,
            FpEnv.Up => sign ? 0 : roundMask,
            _ => 0,
        };
        int biased = e + f.Bias;
        bool exactUnbounded = (sig & roundMask) == 0;
        if (biased >= f.MaxExp)
        {
            return Overflow(f, sign, exactUnbounded, ref env);
        }
        bool tiny = false;
        if (biased <= 0)
        {
            tiny = biased < 0 || sig + increment < (1UL << 63);
            if (tiny && !env.UnderflowMasked)
            {
                env.Flags |= exactUnbounded ? Mxcsr.UnderflowFlag : Mxcsr.UnderflowFlag | Mxcsr.PrecisionFlag;
                return signBits;
            }
            if (tiny && env.Ftz)
            {
                env.Flags |= Mxcsr.UnderflowFlag | Mxcsr.PrecisionFlag;
                return signBits;
            }
            sig = ShiftRightJam(sig, 1 - biased);
            biased = 1;
        }
        ulong roundBits = sig & roundMask;
        ulong m = (sig + increment) >> shift;
        if (env.Rounding == FpEnv.Nearest && roundBits == half)
        {
            m &= ~1UL;
        }
        ulong packed = ((ulong)(biased - 1) << f.FracBits) + m;
        if (packed >= f.Infinity)
        {
            return Overflow(f, sign, exactUnbounded, ref env);
        }
        if (roundBits != 0)
        {
            env.Flags |= tiny ? Mxcsr.UnderflowFlag | Mxcsr.PrecisionFlag : Mxcsr.PrecisionFlag;
        }
        return signBits | packed;
    }

    /// <summary>
    /// A masked overflow gives infinity or the largest finite value, by rounding mode, and is inexact.
    /// An unmasked one (#XM follows, no result is stored) is inexact only if rounding the value with
    /// an unbounded exponent was; the same holds for an unmasked underflow.
    /// </summary>
    private static ulong Overflow(in FloatFormat f, bool sign, bool exactUnbounded, ref FpEnv env)
    {
        if (!env.OverflowMasked)
        {
            env.Flags |= exactUnbounded ? Mxcsr.OverflowFlag : Mxcsr.OverflowFlag | Mxcsr.PrecisionFlag;
            return f.Infinity;
        }
        env.Flags |= Mxcsr.OverflowFlag | Mxcsr.PrecisionFlag;
        bool toInfinity = env.Rounding switch
        {
            FpEnv.Nearest => true,
            FpEnv.Down => sign,
            FpEnv.Up => !sign,
            _ => false,
        };
        return (sign ? f.SignBit : 0) | (toInfinity ? f.Infinity : f.MaxFinite);
    }

    /// <summary>Repacks a representable finite value so that FTZ and underflow rules see it.</summary>
    private static ulong Repack(in FloatFormat f, ulong x, ref FpEnv env)
    {
        if (f.IsZero(x))
        {
            return x;
        }
        int e = Unpack(f, x, out ulong sig);
        return RoundPack(f, f.Sign(x), e, sig, ref env);
    }

    public static ulong Add(in FloatFormat f, ulong a, ulong b, ref FpEnv env)
    {
        if (f.IsNaN(a) || f.IsNaN(b))
        {
            return PropagateNaN(f, a, b, ref env);
        }
        a = Operand(f, a, ref env);
        b = Operand(f, b, ref env);
        bool sa = f.Sign(a), sb = f.Sign(b);
        if (f.IsInfinity(a))
        {
            return f.IsInfinity(b) && sa != sb ? Invalid(f, ref env) : a;
        }
        if (f.IsInfinity(b))
        {
            return b;
        }
        if (f.IsZero(a) && f.IsZero(b))
        {
            return sa == sb ? a : env.Rounding == FpEnv.Down ? f.SignBit : 0;
        }
        if (f.IsZero(a))
        {
            return Repack(f, b, ref env);
        }
        if (f.IsZero(b))
        {
            return Repack(f, a, ref env);
        }
        int ea = Unpack(f, a, out ulong ma);
        int eb = Unpack(f, b, out ulong mb);
        if (ea < eb || (ea == eb && ma < mb))
        {
            (ea, eb, ma, mb, sa, sb) = (eb, ea, mb, ma, sb, sa);
        }
        mb = ShiftRightJam(mb, ea - eb);
        if (sa == sb)
        {
            ulong sum = ma + mb;
            if (sum >= 1UL << 63)
            {
                sum = (sum >> 1) | (sum & 1);
                ea++;
            }
            return RoundPack(f, sa, ea, sum, ref env);
        }
        ulong diff = ma - mb;
        if (diff == 0)
        {
            return env.Rounding == FpEnv.Down ? f.SignBit : 0;
        }
        int lz = (int)ulong.LeadingZeroCount(diff) - 1;
        return RoundPack(f, sa, ea - lz, diff << lz, ref env);
    }

    public static ulong Sub(in FloatFormat f, ulong a, ulong b, ref FpEnv env)
        => f.IsNaN(b) ? Add(f, a, b, ref env) : Add(f, a, b ^ f.SignBit, ref env);

    public static ulong Mul(in FloatFormat f, ulong a, ulong b, ref FpEnv env)
    {
        if (f.IsNaN(a) || f.IsNaN(b))
        {
            return PropagateNaN(f, a, b, ref env);
        }
        a = Operand(f, a, ref env);
        b = Operand(f, b, ref env);
        bool sign = f.Sign(a) != f.Sign(b);
        ulong signBits = sign ? f.SignBit : 0;
        if (f.IsInfinity(a) || f.IsInfinity(b))
        {
            return f.IsZero(a) || f.IsZero(b) ? Invalid(f, ref env) : signBits | f.Infinity;
        }
        if (f.IsZero(a) || f.IsZero(b))
        {
            return signBits;
        }
        int ea = Unpack(f, a, out ulong ma);
        int eb = Unpack(f, b, out ulong mb);
        UInt128 p = (UInt128)ma * mb;
        ulong hi = (ulong)(p >> 62) | (((ulong)p & ((1UL << 62) - 1)) != 0 ? 1UL : 0);
        int e = ea + eb;
        if (hi >= 1UL << 63)
        {
            hi = (hi >> 1) | (hi & 1);
            e++;
        }
        return RoundPack(f, sign, e, hi, ref env);
    }

    public static ulong Div(in FloatFormat f, ulong a, ulong b, ref FpEnv env)
    {
        if (f.IsNaN(a) || f.IsNaN(b))
        {
            return PropagateNaN(f, a, b, ref env);
        }
        bool sign = f.Sign(a) != f.Sign(b);
        ulong signBits = sign ? f.SignBit : 0;
        if (IsZeroAfterDaz(f, b, env) && !f.IsInfinity(a))
        {
            if (IsZeroAfterDaz(f, a, env))
            {
                return Invalid(f, ref env);
            }
            env.Flags |= Mxcsr.DivideByZeroFlag;
            return signBits | f.Infinity;
        }
        a = Operand(f, a, ref env);
        b = Operand(f, b, ref env);
        if (f.IsInfinity(a))
        {
            return f.IsInfinity(b) ? Invalid(f, ref env) : signBits | f.Infinity;
        }
        if (f.IsInfinity(b))
        {
            return signBits;
        }
        if (f.IsZero(a))
        {
            return signBits;
        }
        int ea = Unpack(f, a, out ulong ma);
        int eb = Unpack(f, b, out ulong mb);
        UInt128 num = (UInt128)ma << 64;
        UInt128 q = num / mb;
        ulong sticky = q * mb != num ? 1UL : 0;
        if (q >= (UInt128)1 << 64)
        {
            return RoundPack(f, sign, ea - eb, ShiftRightJam((ulong)(q >> 1), 1) | ((ulong)q & 1) | sticky, ref env);
        }
        return RoundPack(f, sign, ea - eb - 1, ShiftRightJam((ulong)q, 1) | sticky, ref env);
    }

    public static ulong Sqrt(in FloatFormat f, ulong a, ref FpEnv env)
    {
        if (f.IsNaN(a))
        {
            return PropagateNaN(f, a, a, ref env);
        }
        if (env.Daz && f.IsDenormal(a))
        {
            return a & f.SignBit;
        }
        if (f.Sign(a) && !f.IsZero(a))
        {
            return Invalid(f, ref env);
        }
        a = Operand(f, a, ref env);
        if (f.IsZero(a))
        {
            return a;
        }
        if (f.IsInfinity(a))
        {
            return a;
        }
        int e = Unpack(f, a, out ulong m);
        int t = e - 62;
        int k = (t & 1) == 0 ? 62 : 63;
        UInt128 n = (UInt128)m << k;
        ulong r = (ulong)Math.Sqrt((double)n);
        r = (ulong)((r + n / r) >> 1);
        while ((UInt128)r * r > n)
        {
            r--;
        }
        while ((UInt128)(r + 1) * (r + 1) <= n)
        {
            r++;
        }
        ulong sticky = (UInt128)r * r != n ? 1UL : 0;
        return RoundPack(f, false, ((t - k) >> 1) + 62, r | sticky, ref env);
    }
}

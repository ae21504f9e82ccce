using System.Runtime.Intrinsics;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Sse;

/// <summary>
/// CVT* between int32/int64, single and double, and ROUNDPS/PD/SS/SD. A float-to-integer conversion
/// of a NaN, an infinity or an out-of-range value raises invalid and gives the integer indefinite
/// (0x80000000 or 0x8000000000000000). Returns follow <see cref="FloatArith"/>: false means #XM.
/// </summary>
public static class FloatConvert
{
    /// <summary>CVTSI2SS/CVTSI2SD: the integer (sign-extended from 32 bits when the source is 32-bit) into DEST's low element.</summary>
    public static bool IntToScalar(bool isDouble, Xmm a, long value, ref uint mxcsr, out Xmm result)
    {
        var env = new FpEnv(mxcsr);
        result = a;
        FloatLanes.Set(ref result, isDouble, 0, FromInt(FloatLanes.Format(isDouble), value, ref env));
        return Mxcsr.Commit(ref mxcsr, env.Flags);
    }

    /// <summary>CVTSS2SI/CVTSD2SI (truncate false) and CVTTSS2SI/CVTTSD2SI (truncate true) of the source's low element.</summary>
    public static bool ScalarToInt(bool isDouble, Xmm b, bool truncate, bool is64, ref uint mxcsr, out long value)
    {
        var env = new FpEnv(mxcsr);
        value = ToInt(FloatLanes.Format(isDouble), FloatLanes.Get(b, isDouble, 0), truncate, is64 ? 64 : 32, ref env);
        return Mxcsr.Commit(ref mxcsr, env.Flags);
    }

    /// <summary>CVTDQ2PS: four int32 to four singles.</summary>
    public static bool Cvtdq2ps(Xmm b, ref uint mxcsr, out Xmm result)
    {
        var env = new FpEnv(mxcsr);
        result = default;
        for (int i = 0; i < 4; i++)
        {
            Lanes.At<uint>(ref result, i) = (uint)FromInt(FloatFormat.Single, Lanes.Get<int>(b, i), ref env);
        }
        return Mxcsr.Commit(ref mxcsr, env.Flags);
    }

    /// <summary>CVTDQ2PD: the two low int32 to two doubles (always exact).</summary>
    public static Xmm Cvtdq2pd(Xmm b)
    {
        var env = new FpEnv(Mxcsr.Default);
        Xmm result = default;
        for (int i = 0; i < 2; i++)
        {
            Lanes.At<ulong>(ref result, i) = FromInt(FloatFormat.Double, Lanes.Get<int>(b, i), ref env);
        }
        return result;
    }

    /// <summary>CVTPS2DQ/CVTTPS2DQ: four singles to four int32.</summary>
    public static bool Cvtps2dq(Xmm b, bool truncate, ref uint mxcsr, out Xmm result)
    {
        var env = new FpEnv(mxcsr);
        result = default;
        for (int i = 0; i < 4; i++)
        {
            Lanes.At<int>(ref result, i) = (int)ToInt(FloatFormat.Single, Lanes.Get<uint>(b, i), truncate, 32, ref env);
        }
        return Mxcsr.Commit(ref mxcsr, env.Flags);
    }

    /// <summary>CVTPD2DQ/CVTTPD2DQ: two doubles to the two low int32; the upper 64 bits are zeroed.</summary>
    public static bool Cvtpd2dq(Xmm b, bool truncate, ref uint mxcsr, out Xmm result)
    {
        var env = new FpEnv(mxcsr);
        result = default;
        for (int i = 0; i < 2; i++)
        {
            Lanes.At<int>(ref result, i) = (int)ToInt(FloatFormat.Double, Lanes.Get<ulong>(b, i), truncate, 32, ref env);
        }
        return Mxcsr.Commit(ref mxcsr, env.Flags);
    }

    /// <summary>CVTPI2PS: the MMX operand's two int32 into DEST's two low singles; the upper half is kept.</summary>
    public static bool Cvtpi2ps(Xmm a, ulong mm, ref uint mxcsr, out Xmm result)
    {
        var env = new FpEnv(mxcsr);
        result = a;
        Lanes.At<uint>(ref result, 0) = (uint)FromInt(FloatFormat.Single, (int)mm, ref env);
        Lanes.At<uint>(ref result, 1) = (uint)FromInt(FloatFormat.Single, (int)(mm >> 32), ref env);
        return Mxcsr.Commit(ref mxcsr, env.Flags);
    }

    /// <summary>CVTPI2PD: the MMX operand's two int32 to two doubles (always exact).</summary>
    public static Xmm Cvtpi2pd(ulong mm) => Cvtdq2pd(Vector128.CreateScalar(mm).AsByte());

    /// <summary>CVTPS2PI/CVTTPS2PI: the source's two low singles to two int32 in an MMX register.</summary>
    public static bool Cvtps2pi(Xmm b, bool truncate, ref uint mxcsr, out ulong mm)
    {
        var env = new FpEnv(mxcsr);
        long lo = ToInt(FloatFormat.Single, Lanes.Get<uint>(b, 0), truncate, 32, ref env);
        long hi = ToInt(FloatFormat.Single, Lanes.Get<uint>(b, 1), truncate, 32, ref env);
        mm = (uint)lo | ((ulong)(uint)hi << 32);
        return Mxcsr.Commit(ref mxcsr, env.Flags);
    }

    /// <summary>CVTPD2PI/CVTTPD2PI: two doubles to two int32 in an MMX register.</summary>
    public static bool Cvtpd2pi(Xmm b, bool truncate, ref uint mxcsr, out ulong mm)
    {
        bool completed = Cvtpd2dq(b, truncate, ref mxcsr, out Xmm result);
        mm = result.AsUInt64().ToScalar();
        return completed;
    }

    /// <summary>CVTPS2PD: the two low singles to two doubles.</summary>
    public static bool Cvtps2pd(Xmm b, ref uint mxcsr, out Xmm result)
    {
        var env = new FpEnv(mxcsr);
        result = default;
        for (int i = 0; i < 2; i++)
        {
            Lanes.At<ulong>(ref result, i) = SingleToDouble(Lanes.Get<uint>(b, i), ref env);
        }
        return Mxcsr.Commit(ref mxcsr, env.Flags);
    }

    /// <summary>CVTPD2PS: two doubles to the two low singles; the upper 64 bits are zeroed.</summary>
    public static bool Cvtpd2ps(Xmm b, ref uint mxcsr, out Xmm result)
    {
        var env = new FpEnv(mxcsr);
        result = default;
        for (int i = 0; i < 2; i++)
        {
            Lanes.At<uint>(ref result, i) = (uint)DoubleToSingle(Lanes.Get<ulong>(b, i), ref env);
        }
        return Mxcsr.Commit(ref mxcsr, env.Flags);
    }

    /// <summary>CVTSS2SD: the source's low single into DEST's low double.</summary>
    public static bool Cvtss2sd(Xmm a, Xmm b, ref uint mxcsr, out Xmm result)
    {
        var env = new FpEnv(mxcsr);
        result = a;
        Lanes.At<ulong>(ref result, 0) = SingleToDouble(Lanes.Get<uint>(b, 0), ref env);
        return Mxcsr.Commit(ref mxcsr, env.Flags);
    }

    /// <summary>CVTSD2SS: the source's low double into DEST's low single.</summary>
    public static bool Cvtsd2ss(Xmm a, Xmm b, ref uint mxcsr, out Xmm result)
    {
        var env = new FpEnv(mxcsr);
        result = a;
        Lanes.At<uint>(ref result, 0) = (uint)DoubleToSingle(Lanes.Get<ulong>(b, 0), ref env);
        return Mxcsr.Commit(ref mxcsr, env.Flags);
    }

    /// <summary>
    /// ROUNDPS/PD/SS/SD: imm8[1:0] is the rounding mode unless imm8[2] selects MXCSR.RC; imm8[3]
    /// suppresses the precision exception. Scalar forms keep DEST's upper elements.
    /// </summary>
    public static bool Round(bool isDouble, bool scalar, Xmm a, Xmm b, byte imm, ref uint mxcsr, out Xmm result)
    {
        ref readonly FloatFormat f = ref FloatLanes.Format(isDouble);
        var env = new FpEnv(mxcsr);
        int mode = (imm & 4) != 0 ? env.Rounding : imm & 3;
        result = scalar ? a : default;
        int n = FloatLanes.Count(isDouble, scalar);
        for (int i = 0; i < n; i++)
        {
            FloatLanes.Set(ref result, isDouble, i, RoundToIntegral(f, FloatLanes.Get(b, isDouble, i), mode, (imm & 8) != 0, ref env));
        }
        return Mxcsr.Commit(ref mxcsr, env.Flags);
    }

    private static ulong RoundToIntegral(in FloatFormat f, ulong x, int mode, bool suppressPrecision, ref FpEnv env)
    {
        if (f.IsNaN(x))
        {
            return SoftFloat.PropagateNaN(f, x, x, ref env);
        }
        if (env.Daz && f.IsDenormal(x))
        {
            x &= f.SignBit;
        }
        if (f.IsZero(x) || f.IsInfinity(x))
        {
            return x;
        }
        bool sign = f.Sign(x);
        int e = SoftFloat.Unpack(f, x, out ulong sig);
        if (e >= f.FracBits)
        {
            return x;
        }
        ulong magnitude = RoundShift(sig, 62 - e, mode, sign, out bool inexact);
        if (inexact && !suppressPrecision)
        {
            env.Flags |= Mxcsr.PrecisionFlag;
        }
        if (magnitude == 0)
        {
            return x & f.SignBit;
        }
        var exact = new FpEnv(Mxcsr.Default);
        return FromInt(f, (long)magnitude, ref exact) | (sign ? f.SignBit : 0);
    }

    /// <summary>The integer part of sig * 2^-shift rounded in the given mode (magnitude; sign picks direction).</summary>
    private static ulong RoundShift(ulong sig, int shift, int mode, bool sign, out bool inexact)
    {
        if (shift == 0)
        {
            inexact = false;
            return sig;
        }
        ulong integer, rem, half;
        if (shift > 63)
        {
            integer = 0;
            rem = sig != 0 ? 1UL : 0;
            half = ulong.MaxValue;
        }
        else
        {
            integer = sig >> shift;
            rem = sig & ((1UL << shift) - 1);
            half = 1UL << (shift - 1);
        }
        inexact = rem != 0;
        bool up = mode switch
        {
            FpEnv.Nearest => rem > half || (rem == half && (integer & 1) != 0),
            FpEnv.Down => sign && rem != 0,
            FpEnv.Up => !sign && rem != 0,
            _ => false,
        };
        return up ? integer + 1 : integer;
    }

    internal static ulong FromInt(in FloatFormat f, long value, ref FpEnv env)
    {
        if (value == 0)
        {
            return 0;
        }
        bool sign = value < 0;
        ulong magnitude = sign ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        int top = 63 - (int)ulong.LeadingZeroCount(magnitude);
        ulong sig = top == 63 ? SoftFloat.ShiftRightJam(magnitude, 1) : magnitude << (62 - top);
        return SoftFloat.RoundPack(f, sign, top, sig, ref env);
    }

    internal static long ToInt(in FloatFormat f, ulong x, bool truncate, int bits, ref FpEnv env)
    {
        long indefinite = bits == 64 ? long.MinValue : int.MinValue;
        if (f.IsNaN(x) || f.IsInfinity(x))
        {
            env.Flags |= Mxcsr.InvalidFlag;
            return indefinite;
        }
        if (env.Daz && f.IsDenormal(x))
        {
            return 0;
        }
        if (f.IsZero(x))
        {
            return 0;
        }
        bool sign = f.Sign(x);
        int e = SoftFloat.Unpack(f, x, out ulong sig);
        if (e >= 63)
        {
            if (e == 63 && sig == 1UL << 62 && sign && bits == 64)
            {
                return long.MinValue;
            }
            env.Flags |= Mxcsr.InvalidFlag;
            return indefinite;
        }
        ulong magnitude = RoundShift(sig, 62 - e, truncate ? FpEnv.TowardZero : env.Rounding, sign, out bool inexact);
        ulong limit = (1UL << (bits - 1)) - (sign ? 0UL : 1UL);
        if (magnitude > limit)
        {
            env.Flags |= Mxcsr.InvalidFlag;
            return indefinite;
        }
        if (inexact)
        {
            env.Flags |= Mxcsr.PrecisionFlag;
        }
        return sign ? -(long)magnitude : (long)magnitude;
    }

    internal static ulong SingleToDouble(ulong x, ref FpEnv env)
    {
        FloatFormat s = FloatFormat.Single, d = FloatFormat.Double;
        ulong sign = s.Sign(x) ? d.SignBit : 0;
        if (s.IsNaN(x))
        {
            if (s.IsSignalingNaN(x))
            {
                env.Flags |= Mxcsr.InvalidFlag;
            }
            return sign | d.Infinity | d.QuietBit | ((x & s.FracMask) << 29);
        }
        x = SoftFloat.Operand(s, x, ref env);
        if (s.IsZero(x))
        {
            return sign;
        }
        if (s.IsInfinity(x))
        {
            return sign | d.Infinity;
        }
        int e = SoftFloat.Unpack(s, x, out ulong sig);
        return SoftFloat.RoundPack(d, sign != 0, e, sig, ref env);
    }

    internal static ulong DoubleToSingle(ulong x, ref FpEnv env)
    {
        FloatFormat s = FloatFormat.Single, d = FloatFormat.Double;
        ulong sign = d.Sign(x) ? s.SignBit : 0;
        if (d.IsNaN(x))
        {
            if (d.IsSignalingNaN(x))
            {
                env.Flags |= Mxcsr.InvalidFlag;
            }
            return sign | s.Infinity | s.QuietBit | ((x & d.FracMask) >> 29);
        }
        x = SoftFloat.Operand(d, x, ref env);
        if (d.IsZero(x))
        {
            return sign;
        }
        if (d.IsInfinity(x))
        {
            return sign | s.Infinity;
        }
        int e = SoftFloat.Unpack(d, x, out ulong sig);
        return SoftFloat.RoundPack(s, sign != 0, e, sig, ref env);
    }
}

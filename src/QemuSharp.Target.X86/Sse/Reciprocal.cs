using System.Runtime.Intrinsics;
using HostSse = System.Runtime.Intrinsics.X86.Sse;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Sse;

/// <summary>
/// RCPPS/RCPSS/RSQRTPS/RSQRTSS: approximations with relative error at most 1.5 * 2^-12, independent of
/// MXCSR and raising no exception. Intel does not publish its tables, so the host CPU computes them
/// where it can (the guest then sees exactly the host's values); elsewhere the correctly rounded
/// value stands in, which is within the documented error. Denormal inputs count as zero and tiny
/// results are flushed to zero, as on Intel hardware.
/// </summary>
public static class Reciprocal
{
    public static Xmm Rcpps(Xmm b) => HostSse.IsSupported ? HostSse.Reciprocal(b.AsSingle()).AsByte() : Map(b, 4, rsqrt: false);
    public static Xmm Rsqrtps(Xmm b) => HostSse.IsSupported ? HostSse.ReciprocalSqrt(b.AsSingle()).AsByte() : Map(b, 4, rsqrt: true);

    /// <summary>The scalar forms approximate the source's low single and keep DEST's upper 96 bits.</summary>
    public static Xmm Rcpss(Xmm a, Xmm b)
        => a.AsUInt32().WithElement(0, Rcpps(b).AsUInt32().ToScalar()).AsByte();

    public static Xmm Rsqrtss(Xmm a, Xmm b)
        => a.AsUInt32().WithElement(0, Rsqrtps(b).AsUInt32().ToScalar()).AsByte();

    internal static Xmm Map(Xmm b, int count, bool rsqrt)
    {
        Xmm r = b;
        for (int i = 0; i < count; i++)
        {
            Lanes.At<uint>(ref r, i) = Approximate(Lanes.Get<uint>(b, i), rsqrt);
        }
        return r;
    }

    internal static uint Approximate(uint x, bool rsqrt)
    {
        FloatFormat f = FloatFormat.Single;
        if (f.IsNaN(x))
        {
            return x | (uint)f.QuietBit;
        }
        uint sign = x & 0x8000_0000u;
        if (f.IsDenormal(x) || f.IsZero(x))
        {
            return sign | (uint)f.Infinity;
        }
        if (rsqrt && sign != 0)
        {
            return (uint)f.DefaultNaN;
        }
        float value = BitConverter.UInt32BitsToSingle(x);
        double result = rsqrt ? 1.0 / Math.Sqrt(value) : 1.0 / value;
        uint bits = BitConverter.SingleToUInt32Bits((float)result);
        return f.IsDenormal(bits) ? bits & 0x8000_0000u : bits;
    }
}

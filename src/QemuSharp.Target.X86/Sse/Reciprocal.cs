using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Sse;

/// <summary>
/// RCPPS/RCPSS/RSQRTPS/RSQRTSS. Intel documents only the error bound (1.5 * 2^-12) and vendors differ
/// (Intel's and AMD's tables give different bits), so these compute what QEMU 7.2 does: 1/x and
/// 1/sqrt(x) rounded to single precision under MXCSR's rounding mode, DAZ and FTZ (the square root
/// rounded first), with no exception flags raised and MXCSR left unchanged. The results are within
/// the documented bound and the same on every host.
/// </summary>
public static class Reciprocal
{
    private const ulong One = 0x3F80_0000;

    public static Xmm Rcpps(Xmm b, uint mxcsr) => Map(b, b, 4, rsqrt: false, mxcsr);
    public static Xmm Rsqrtps(Xmm b, uint mxcsr) => Map(b, b, 4, rsqrt: true, mxcsr);

    /// <summary>The scalar forms approximate the source's low single and keep DEST's upper 96 bits.</summary>
    public static Xmm Rcpss(Xmm a, Xmm b, uint mxcsr) => Map(a, b, 1, rsqrt: false, mxcsr);
    public static Xmm Rsqrtss(Xmm a, Xmm b, uint mxcsr) => Map(a, b, 1, rsqrt: true, mxcsr);

    private static Xmm Map(Xmm a, Xmm b, int count, bool rsqrt, uint mxcsr)
    {
        Xmm r = a;
        for (int i = 0; i < count; i++)
        {
            Lanes.At<uint>(ref r, i) = Approximate(Lanes.Get<uint>(b, i), rsqrt, mxcsr);
        }
        return r;
    }

    internal static uint Approximate(uint x, bool rsqrt, uint mxcsr)
    {
        var env = new FpEnv(mxcsr | Mxcsr.MaskBits);
        ulong divisor = rsqrt ? SoftFloat.Sqrt(FloatFormat.Single, x, ref env) : x;
        return (uint)SoftFloat.Div(FloatFormat.Single, One, divisor, ref env);
    }
}

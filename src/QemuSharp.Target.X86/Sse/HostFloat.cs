using System.Runtime.CompilerServices;

namespace QemuSharp.Target.X86.Sse;

/// <summary>
/// The fast path of ADD/SUB/MUL/DIV/SQRT: the host's own instructions, used only where they provably
/// give the bits and the flags that <see cref="SoftFloat"/> would. .NET runs with MXCSR at its default
/// (round to nearest, no DAZ or FTZ), so the path is taken only when the guest rounds to nearest and
/// every operand's magnitude lies in a band where neither the result nor its rounding error can
/// overflow, underflow or be denormal. Then the only flag is precision, and it is set exactly when the
/// rounding error, computed exactly by an error-free transformation (TwoSum, or a fused multiply-add
/// for products, quotients and square roots), is non-zero.
/// </summary>
internal static class HostFloat
{
    private const int DoubleBand = 400;
    private const int SingleBand = 60;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryApply(FloatOp op, in FloatFormat f, ulong x, ulong y, ref FpEnv env, out ulong result)
    {
        result = 0;
        if (env.Rounding != FpEnv.Nearest || op is FloatOp.Min or FloatOp.Max)
        {
            return false;
        }
        int band = f.FracBits == 52 ? DoubleBand : SingleBand;
        bool inBand = op == FloatOp.Sqrt
            ? !f.Sign(y) && InBand(f, y, band)
            : InBand(f, x, band) && InBand(f, y, band);
        if (!inBand)
        {
            return false;
        }
        bool inexact;
        if (f.FracBits == 52)
        {
            result = BitConverter.DoubleToUInt64Bits(Double(op, BitConverter.UInt64BitsToDouble(x), BitConverter.UInt64BitsToDouble(y), out inexact));
        }
        else
        {
            result = BitConverter.SingleToUInt32Bits(Single(op, BitConverter.UInt32BitsToSingle((uint)x), BitConverter.UInt32BitsToSingle((uint)y), out inexact));
        }
        if (inexact)
        {
            env.Flags |= Mxcsr.PrecisionFlag;
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InBand(in FloatFormat f, ulong x, int band) => (uint)(f.Exponent(x) - (f.Bias - band)) <= (uint)(2 * band);

    private static double Double(FloatOp op, double a, double b, out bool inexact)
    {
        double r;
        switch (op)
        {
            case FloatOp.Add:
            case FloatOp.Sub:
                b = op == FloatOp.Sub ? -b : b;
                r = a + b;
                double bv = r - a;
                inexact = (a - (r - bv)) + (b - bv) != 0;
                return r;
            case FloatOp.Mul:
                r = a * b;
                inexact = Math.FusedMultiplyAdd(a, b, -r) != 0;
                return r;
            case FloatOp.Div:
                r = a / b;
                inexact = Math.FusedMultiplyAdd(-r, b, a) != 0;
                return r;
            default:
                r = Math.Sqrt(b);
                inexact = Math.FusedMultiplyAdd(-r, r, b) != 0;
                return r;
        }
    }

    /// <summary>Single products and their remainders are exact in double (24 + 24 bits &lt; 53).</summary>
    private static float Single(FloatOp op, float a, float b, out bool inexact)
    {
        float r;
        switch (op)
        {
            case FloatOp.Add:
            case FloatOp.Sub:
                b = op == FloatOp.Sub ? -b : b;
                r = a + b;
                float bv = r - a;
                inexact = (a - (r - bv)) + (b - bv) != 0;
                return r;
            case FloatOp.Mul:
                double p = (double)a * b;
                r = (float)p;
                inexact = r != p;
                return r;
            case FloatOp.Div:
                r = a / b;
                inexact = Math.FusedMultiplyAdd(-(double)r, b, a) != 0;
                return r;
            default:
                r = MathF.Sqrt(b);
                inexact = (double)r * r != b;
                return r;
        }
    }
}

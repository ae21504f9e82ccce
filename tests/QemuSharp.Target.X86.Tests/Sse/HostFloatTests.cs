using QemuSharp.Target.X86.Sse;

namespace QemuSharp.Target.X86.Tests.Sse;

/// <summary>The host fast path must give the software path's bits and flags wherever it accepts the operands.</summary>
public sealed class HostFloatTests
{
    [Theory]
    [InlineData(FloatOp.Add)]
    [InlineData(FloatOp.Sub)]
    [InlineData(FloatOp.Mul)]
    [InlineData(FloatOp.Div)]
    [InlineData(FloatOp.Sqrt)]
    public void ShouldMatchTheSoftwarePathBitForBit(FloatOp op)
    {
        var random = new Random((int)op);
        int accepted = 0;
        foreach (bool isDouble in (ReadOnlySpan<bool>)[false, true])
        {
            FloatFormat f = isDouble ? FloatFormat.Double : FloatFormat.Single;
            for (int i = 0; i < 200_000; i++)
            {
                ulong x = Moderate(random, f), y = random.Next(4) == 0 ? x ^ (ulong)random.Next(8) : Moderate(random, f);
                var fast = new FpEnv(Mxcsr.Default);
                var soft = new FpEnv(Mxcsr.Default);
                if (!HostFloat.TryApply(op, f, x, y, ref fast, out ulong result))
                {
                    continue;
                }
                accepted++;
                Assert.Equal(FloatArith.ApplySoftware(op, f, x, y, ref soft), result);
                Assert.Equal(soft.Flags, fast.Flags);
            }
        }
        Assert.True(accepted > 100_000, $"only {accepted} operand pairs took the fast path");
    }

    [Fact]
    public void ShouldLeaveOtherRoundingModesToSoftware()
    {
        var env = new FpEnv(Mxcsr.Default | (1u << Mxcsr.RoundingShift));
        Assert.False(HostFloat.TryApply(FloatOp.Add, FloatFormat.Double, 0x3FF0000000000000, 0x3FF0000000000000, ref env, out _));
    }

    private static ulong Moderate(Random random, FloatFormat f)
    {
        int band = f.FracBits == 52 ? 420 : 70;
        ulong exp = (ulong)(f.Bias + random.Next(-band, band + 1));
        ulong frac = (ulong)random.NextInt64() & f.FracMask;
        if (random.Next(3) == 0)
        {
            frac &= ~((1UL << random.Next(f.FracBits)) - 1);
        }
        return (random.Next(2) == 0 ? 0 : f.SignBit) | (exp << f.FracBits) | frac;
    }
}

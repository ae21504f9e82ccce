using System.Text;
using Iced.Intel;

namespace QemuSharp.LinuxUser.Tests;

/// <summary>
/// The host CPU as the oracle: random instruction sequences run natively and under the
/// emulator in the same static runner program; every register, flag and scratch byte must agree,
/// including the flags Intel leaves undefined (the host's choice is the reference).
/// QEMUSHARP_DIFF_CASES chooses how many cases (default 3000); QEMUSHARP_DIFF_SEED the seed.
/// </summary>
public sealed class RandomDifferentialTests
{
    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("QEMUSHARP_DIFF_CASES"), out int n) ? n : 3000;

    [Fact]
    public void IntegerInstructionsShouldMatchTheHostCpu()
    {
        var gen = new RandomInstructionGenerator(Difftest.Seed);
        var cases = new List<List<Instruction>>();
        var (expected, actual, stderr) = Difftest.Run(Cases, (w, c) =>
        {
            var seq = Enumerable.Range(0, 1 + c % 6).Select(_ => gen.NextInstruction()).ToList();
            cases.Add(seq);
            byte[] code = gen.Encode(seq);
            w.Write(code.Length);
            w.Write(code);
            for (int r = 0; r < 16; r++)
                w.Write(gen.NextValue());
            w.Write(0x202UL | (gen.NextValue() & 0x8d5));
            var mem = new byte[256];
            new Random(c).NextBytes(mem);
            w.Write(mem);
        });
        Assert.Equal(Cases, expected.Length);
        var (mismatches, report) = Difftest.Compare(expected, actual, stderr, 15,
            (c, got) => $"case {c}: {string.Join("; ", cases[c])}\n  native:   {Describe(expected[c], got)}");
        Console.WriteLine($"differential: {expected.Length} cases, {mismatches} mismatches");
        Assert.True(mismatches == 0, $"{mismatches} of {expected.Length} cases differ (seed {Difftest.Seed}):\n{report}");
    }

    private static string Describe(string expected, string actual)
    {
        var e = expected.Split(' ');
        var a = actual.Split(' ');
        var sb = new StringBuilder();
        for (int i = 0; i < Math.Min(e.Length, a.Length); i++)
            if (e[i] != a[i])
                sb.Append(i < Difftest.RegisterNames.Length ? $"{Difftest.RegisterNames[i]} {e[i]} vs {a[i]}  " : "memory differs  ");
        return sb.Length > 0 ? sb.ToString() : actual;
    }
}

using System.Text;
using Iced.Intel;

namespace QemuSharp.LinuxUser.Tests;

/// <summary>
/// The host CPU as the oracle for MMX and SSE..SSE4.2: seeded random sequences over edge-biased
/// floats and integers, under random MXCSR rounding, DAZ and FTZ (exceptions masked), run natively
/// and emulated in the difftest runner; registers, flags, XMM/MM results and MXCSR must agree.
/// QEMUSHARP_SSE_CASES chooses how many cases (default 4000); QEMUSHARP_DIFF_SEED the seed.
/// </summary>
public sealed class SseRandomDifferentialTests
{
    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("QEMUSHARP_SSE_CASES"), out int n) ? n : 4000;

    [Fact]
    public void SseInstructionsShouldMatchTheHostCpu()
    {
        var gen = new SseInstructionGenerator(Difftest.Seed);
        var cases = new List<List<Instruction>>();
        var (expected, actual, stderr) = Difftest.Run(Cases, (w, c) =>
        {
            var seq = Enumerable.Range(0, 1 + c % 4).Select(_ => gen.NextInstruction()).ToList();
            cases.Add(seq);
            byte[] code = SseInstructionGenerator.Encode(seq);
            w.Write(code.Length);
            w.Write(code);
            for (int r = 0; r < 16; r++)
                w.Write(gen.NextGpr());
            w.Write(0x202UL | (gen.NextGpr() & 0x8d5));
            w.Write(gen.NextScratch());
        });
        Assert.Equal(Cases, expected.Length);
        var (mismatches, report) = Difftest.Compare(expected, actual, stderr, 20,
            (c, got) => $"case {c}: {string.Join("; ", cases[c])}\n  {Describe(expected[c], got)}");
        Console.WriteLine($"SSE differential: {expected.Length} cases, {mismatches} mismatches");
        Assert.True(mismatches == 0, $"{mismatches} of {expected.Length} cases differ (seed {Difftest.Seed}):\n{report}");
    }

    /// <summary>The registers that differ, and the scratch as 16-byte rows named by what the epilogue stored there.</summary>
    private static string Describe(string expected, string actual)
    {
        var e = expected.Split(' ');
        var a = actual.Split(' ');
        if (e.Length != a.Length)
            return $"native {expected}\n  emulated {actual}";
        var sb = new StringBuilder();
        for (int i = 0; i < Difftest.RegisterNames.Length; i++)
            if (e[i] != a[i])
                sb.Append($"{Difftest.RegisterNames[i]} {e[i]} vs {a[i]}  ");
        string em = e[^1], am = a[^1];
        for (int row = 0; row < 16; row++)
        {
            string er = em.Substring(row * 32, 32), ar = am.Substring(row * 32, 32);
            if (er == ar)
                continue;
            string name = row < 8 ? $"xmm{row}" : row < 14 ? $"[r15+{(row - 8) * 16}]" : row == 14 ? "mxcsr@+100,mm0@+104" : "mm1,mm2";
            sb.Append($"\n    {name}: native {er} emulated {ar}");
        }
        return sb.ToString();
    }
}

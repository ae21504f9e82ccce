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
    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("QEMUSHARP_DIFF_SEED"), out int s) ? s : 20261125;

    [Fact]
    public void IntegerInstructionsShouldMatchTheHostCpu()
    {
        string runner = GuestPrograms.Build("difftest", "difftest/runner.c", "difftest/runner.S");
        var gen = new RandomInstructionGenerator(Seed);
        var cases = new List<List<Instruction>>();
        var input = new MemoryStream();
        var w = new BinaryWriter(input);
        w.Write(Cases);
        for (int c = 0; c < Cases; c++)
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
        }
        byte[] bytes = input.ToArray();
        var native = Run.Native(runner, [], stdinBytes: bytes);
        var emulated = Run.Emulated(runner, [], stdinBytes: bytes);
        Assert.Equal(0, native.ExitCode);
        string[] expected = native.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] actual = emulated.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var report = new StringBuilder();
        int mismatches = 0;
        for (int c = 0; c < expected.Length; c++)
        {
            string got = c < actual.Length ? actual[c] : "(missing: " + emulated.Stderr.Trim() + ")";
            if (got == expected[c])
                continue;
            if (++mismatches <= 15)
                report.AppendLine($"case {c}: {string.Join("; ", cases[c])}\n  native:   {Describe(expected[c], got)}");
        }
        Console.WriteLine($"differential: {expected.Length} cases, {mismatches} mismatches");
        Assert.True(mismatches == 0, $"{mismatches} of {expected.Length} cases differ (seed {Seed}):\n{report}");
    }

    private static readonly string[] Names = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "flags"];

    private static string Describe(string expected, string actual)
    {
        var e = expected.Split(' ');
        var a = actual.Split(' ');
        var sb = new StringBuilder();
        for (int i = 0; i < Math.Min(e.Length, a.Length); i++)
            if (e[i] != a[i])
                sb.Append(i < Names.Length ? $"{Names[i]} {e[i]} vs {a[i]}  " : "memory differs  ");
        return sb.Length > 0 ? sb.ToString() : actual;
    }
}

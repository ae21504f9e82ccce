using System.Text;
using QemuSharp.Target.X86.Sse;
using Xunit.Abstractions;

namespace QemuSharp.Target.X86.Tests.Sse;

/// <summary>
/// Runs seeded random and edge-value cases of every instruction form natively (the host CPU is the
/// oracle) and through the library, and compares registers, MXCSR, flags and faults bit for bit.
/// QEMUSHARP_SSE_ORACLE_CASES sets the cases per form (default 300); QEMUSHARP_SSE_ORACLE_SEED the seed.
/// </summary>
public sealed class HostOracleTests(ITestOutputHelper output)
{
    public static TheoryData<string> Forms() => [.. OracleOps.All.Select(o => o.Name)];

    [Theory]
    [MemberData(nameof(Forms))]
    public void ShouldMatchTheHostCpu(string form)
    {
        OracleOp op = OracleOps.Find(form);
        int count = int.TryParse(Environment.GetEnvironmentVariable("QEMUSHARP_SSE_ORACLE_CASES"), out int n) ? n : 300;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("QEMUSHARP_SSE_ORACLE_SEED"), out int s) ? s : 1;
        var generator = new InputGenerator(StableHash(form) ^ seed);
        var random = new Random(StableHash(form) + seed);
        const int batch = 200_000;
        int mismatches = 0;
        var report = new StringBuilder();
        for (int done = 0; done < count; done += batch)
        {
            var cases = new List<(MachineState State, byte[] Code)>();
            var immediates = new List<byte>();
            for (int i = done; i < Math.Min(count, done + batch); i++)
            {
                byte imm = op.HasImmediate ? (byte)random.Next(256) : (byte)0;
                immediates.Add(imm);
                cases.Add((generator.Next(op.Inputs), HostOracle.Encode([.. op.Before, op.Encode(imm), .. op.After])));
            }
            if (op.QemuIsOracle)
            {
                cases.ForEach(c => c.State.Mxcsr |= Mxcsr.MaskBits);
            }
            MachineState[] expected = HostOracle.Run(cases, op.QemuIsOracle);
            for (int i = 0; i < cases.Count; i++)
            {
                MachineState actual = cases[i].State.Clone();
                op.Emulate(actual, immediates[i]);
                if (!actual.SameAs(expected[i]))
                {
                    if (++mismatches <= 5)
                    {
                        report.AppendLine($"imm={immediates[i]:X2}\n  in:   {cases[i].State}\n  host: {expected[i]}\n  ours: {actual}");
                    }
                }
            }
        }
        output.WriteLine($"{form}: {count} cases, {mismatches} mismatches");
        Assert.True(mismatches == 0, $"{form}: {mismatches} of {count} cases differ from the host\n{report}");
    }

    private static int StableHash(string text)
    {
        int h = 17;
        foreach (char c in text)
        {
            h = h * 31 + c;
        }
        return h;
    }
}

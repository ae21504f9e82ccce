using System.Text;

namespace QemuSharp.LinuxUser.Tests;

/// <summary>
/// The difftest runner fed one input natively and under the emulator: a case count, then each case;
/// it prints one result line per case. QEMUSHARP_DIFF_SEED chooses the seed of the random cases.
/// </summary>
internal static class Difftest
{
    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable("QEMUSHARP_DIFF_SEED"), out int s) ? s : 20261125;

    public static readonly string[] RegisterNames = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "flags"];

    /// <summary>Runs both ways; the native run must exit 0. Returns the native and emulated result lines.</summary>
    public static (string[] Expected, string[] Actual, string EmulatedStderr) Run(int cases, Action<BinaryWriter, int> writeCase)
    {
        string runner = GuestPrograms.Build("difftest", "difftest/runner.c", "difftest/runner.S");
        var input = new MemoryStream();
        var w = new BinaryWriter(input);
        w.Write(cases);
        for (int c = 0; c < cases; c++)
            writeCase(w, c);
        byte[] bytes = input.ToArray();
        var native = Tests.Run.Native(runner, [], stdinBytes: bytes);
        var emulated = Tests.Run.Emulated(runner, [], stdinBytes: bytes);
        Assert.Equal(0, native.ExitCode);
        return (native.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            emulated.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            emulated.Stderr.Trim());
    }

    /// <summary>Counts the cases whose lines differ; the first <paramref name="shown"/> are described.</summary>
    public static (int Mismatches, string Report) Compare(string[] expected, string[] actual, string emulatedStderr,
        int shown, Func<int, string, string> describe)
    {
        var report = new StringBuilder();
        int mismatches = 0;
        for (int c = 0; c < expected.Length; c++)
        {
            string got = c < actual.Length ? actual[c] : "(missing: " + emulatedStderr + ")";
            if (got == expected[c])
                continue;
            if (++mismatches <= shown)
                report.AppendLine(describe(c, got));
        }
        return (mismatches, report.ToString());
    }
}

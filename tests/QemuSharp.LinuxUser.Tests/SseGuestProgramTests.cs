namespace QemuSharp.LinuxUser.Tests;

/// <summary>Guest C programs of tests/guest/sse, run natively and emulated: the host CPU is the oracle.</summary>
public sealed class SseGuestProgramTests
{
    [Fact]
    public void FloatingPointEdgeCasesShouldMatchTheHostCpu()
    {
        string program = GuestPrograms.Build("sse_edges", "sse/sse_edges.c");
        var native = Run.Native(program, []);
        var emulated = Run.Emulated(program, []);
        Assert.Equal(0, native.ExitCode);
        Assert.Equal(32, native.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        if (native.Stdout != emulated.Stdout)
        {
            // The per-result listing names the operation, MXCSR and operands that differ.
            string[] expected = Run.Native(program, ["-v"]).Stdout.Split('\n');
            string[] actual = Run.Emulated(program, ["-v"]).Stdout.Split('\n');
            var diffs = expected.Zip(actual).Where(p => p.First != p.Second).Take(20).Select(p => $"native   {p.First}\nemulated {p.Second}");
            Assert.Fail($"{expected.Zip(actual).Count(p => p.First != p.Second)} results differ:\n{string.Join('\n', diffs)}");
        }
    }

    /// <summary>
    /// 0-3: an unmasked invalid, divide-by-zero, overflow and precision exception (#XM, SIGFPE);
    /// 4-5: a misaligned operand of MOVAPS and PADDB (#GP, SIGSEGV); 6: MOVUPS at that address.
    /// Where the emulator does not deliver the signal to the guest's handler yet, it must at least
    /// die of the same signal.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void SimdFaultsShouldRaiseTheSignalTheHostRaises(int which)
    {
        string program = GuestPrograms.Build("sse_faults", "sse/sse_faults.c");
        var native = Run.Native(program, [which.ToString()]);
        var emulated = Run.Emulated(program, [which.ToString()]);
        Assert.Equal(0, native.ExitCode);
        if (emulated.Stdout == native.Stdout)
            return;
        string[] lines = native.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("signal ", lines[^1]);
        string signal = lines[^1].Split(' ')[1];
        Assert.Equal(lines[0] + "\n", emulated.Stdout);
        Assert.Contains($"uncaught target signal {signal} ", emulated.Stderr);
    }

    [Fact]
    public void MaskedStoresAndMmxAliasingShouldMatchTheHostCpu()
    {
        string program = GuestPrograms.Build("sse_misc", "sse/sse_misc.c");
        var native = Run.Native(program, []);
        Assert.Equal(0, native.ExitCode);
        Assert.Contains("mmx fsw 0000 ftw ff", native.Stdout);
        Assert.Equal(native.Stdout, Run.Emulated(program, []).Stdout);
    }

    /// <summary>RCP/RSQRT bits differ between vendors; QEMU 7.2's are the contract.</summary>
    [Fact]
    public void ReciprocalApproximationsShouldMatchQemu()
    {
        string program = GuestPrograms.Build("sse_misc", "sse/sse_misc.c");
        var qemu = Run.Process("qemu-x86_64", [program, "rcp"], "");
        Assert.Equal(0, qemu.ExitCode);
        Assert.Equal(36, qemu.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(qemu.Stdout, Run.Emulated(program, ["rcp"]).Stdout);
    }
}

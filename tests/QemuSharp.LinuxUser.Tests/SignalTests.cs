namespace QemuSharp.LinuxUser.Tests;

/// <summary>Guest signal programs of tests/guest/signals, run natively and emulated: Linux is the oracle.</summary>
public sealed class SignalTests
{
    [Theory]
    [InlineData("segv_fixup")]
    [InlineData("fpe_divide")]
    [InlineData("ill_longjmp")]
    [InlineData("raise_kill")]
    [InlineData("altstack")]
    [InlineData("mask_pending")]
    [InlineData("alarm_pause")]
    [InlineData("sigchld")]
    [InlineData("threads")]
    [InlineData("host_kill")]
    [InlineData("trap_int3")]
    [InlineData("sigwait_host")]
    [InlineData("sigpipe")]
    [InlineData("exec_mask")]
    public void ShouldBehaveAsOnLinux(string name)
    {
        string program = GuestPrograms.Build("signals-" + name, $"signals/{name}.c");
        var native = Run.Native(program, []);
        var emulated = Run.Emulated(program, []);
        Assert.Equal(native.Stdout, emulated.Stdout);
        Assert.Equal(native.ExitCode, emulated.ExitCode);
    }

    [Fact]
    public void ShouldRunABusyboxTrapOnKillToItself()
    {
        string[] args = ["sh", "-c", "trap 'echo got USR1' USR1; kill -USR1 $$; echo after; trap - USR1; kill -USR1 $$; echo not reached"];
        var native = Run.Native("/bin/busybox", args);
        var emulated = Run.Emulated("/bin/busybox", args);
        Assert.Equal("got USR1\nafter\n", native.Stdout);
        Assert.Equal(native.Stdout, emulated.Stdout);
        Assert.Equal(native.ExitCode, emulated.ExitCode);
    }

    [Fact]
    public void ShouldRunABusyboxTrapForASignalFromAnotherProcess()
    {
        string[] args = ["sh", "-c", "trap 'echo got TERM; exit 3' TERM; (sleep 0.2; kill -TERM $$) & while :; do :; done"];
        var native = Run.Native("/bin/busybox", args);
        var emulated = Run.Emulated("/bin/busybox", args);
        Assert.Equal("got TERM\n", native.Stdout);
        Assert.Equal(native.Stdout, emulated.Stdout);
        Assert.Equal(native.ExitCode, emulated.ExitCode);
    }

    [Theory]
    [InlineData("fpe_divide")]
    [InlineData("trap_int3")]
    public void ShouldTraceTakenSignalsAsQemuDoes(string name)
    {
        string program = GuestPrograms.Build("signals-" + name, $"signals/{name}.c");
        var qemu = Run.Process("qemu-x86_64", ["-strace", program], "");
        var ours = Run.Process(Run.Emulator, ["x86_64", "-strace", program], "");
        static string[] SignalLines(string log) => [.. log.Split('\n').Where(l => l.StartsWith("--- ", StringComparison.Ordinal))];
        Assert.NotEmpty(SignalLines(qemu.Stderr));
        Assert.Equal(SignalLines(qemu.Stderr), SignalLines(ours.Stderr));
    }

    [Fact]
    public void ShouldDieByAnUnhandledFaultWithQemusMessage()
    {
        string program = GuestPrograms.Build("signals-unhandled", "signals/unhandled.c");
        var native = Run.Native(program, []);
        var emulated = Run.Emulated(program, []);
        Assert.Equal(native.ExitCode, emulated.ExitCode);
        Assert.Equal(native.Stdout, emulated.Stdout);
        Assert.Contains("qemu: uncaught target signal 11 (Segmentation fault) - core dumped", emulated.Stderr);
    }
}

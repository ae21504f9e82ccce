namespace QemuSharp.LinuxUser.Tests;

/// <summary>What a user of qemu-x86_64 sees: environment options, -strace, -ENOSYS, /proc files.</summary>
public sealed class UserModeBehaviourTests
{
    private const string Busybox = "/bin/busybox";

    [Fact]
    public void ShouldSetAndUnsetGuestEnvironmentVariables()
    {
        var r = Run.Process(Run.Emulator, ["x86_64", "-E", "QS_TEST=set", "-U", "HOME", Busybox, "env"], "");
        Assert.Contains("QS_TEST=set\n", r.Stdout);
        Assert.DoesNotContain("\nHOME=", "\n" + r.Stdout);
    }

    [Fact]
    public void ShouldGiveTheProgramTheArgv0OfTheOption()
    {
        // busybox picks its applet from argv[0].
        var r = Run.Process(Run.Emulator, ["x86_64", "-0", "echo", Busybox, "from", "argv0"], "");
        Assert.Equal("from argv0\n", r.Stdout);
    }

    [Fact]
    public void ShouldLogSyscallsWithStrace()
    {
        var r = Run.Process(Run.Emulator, ["x86_64", "-strace", Busybox, "true"], "");
        Assert.Contains(" exit_group(", r.Stderr);
    }

    [Fact]
    public void ShouldReturnEnosysForAnUnknownSyscall()
    {
        string exe = GuestPrograms.Build("enosys", "int/enosys.c");
        var r = Run.Process(Run.Emulator, ["x86_64", "-strace", exe], "");
        Assert.Equal("syscall 1000 returned -1 errno 38\n", r.Stdout);
        Assert.Contains("syscall_1000(", r.Stderr);
        Assert.Contains("errno=38", r.Stderr);
    }

    [Fact]
    public void ShouldDescribeTheEmulatedCpuInProcCpuinfo()
    {
        var r = Run.Process(Run.Emulator, ["x86_64", "-cpu", "qemu64", Busybox, "cat", "/proc/cpuinfo"], "");
        Assert.Contains("model name\t: QEMU Virtual CPU version 2.5+", r.Stdout);
        Assert.DoesNotContain(" sse4_2", r.Stdout);
    }

    [Fact]
    public void ShouldShowTheGuestMappingsInProcSelfMaps()
    {
        var r = Run.Process(Run.Emulator, ["x86_64", Busybox, "cat", "/proc/self/maps"], "");
        Assert.Contains("[stack]", r.Stdout);
        Assert.Contains("/bin/busybox", r.Stdout);
    }
}

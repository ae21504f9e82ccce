namespace QemuSharp.LinuxUser.Tests;

/// <summary>-cpu chooses what CPUID reports, and instructions of extensions the model lacks raise #UD.</summary>
public sealed class CpuModelTests
{
    [Fact]
    public void ShouldRunSsse3WhereTheModelHasIt()
    {
        string exe = GuestPrograms.Build("ssse3", "int/ssse3.c");
        var r = Run.Process(Run.Emulator, ["x86_64", "-cpu", "Nehalem", exe], "");
        Assert.Equal(Run.Native(exe, []).Stdout, r.Stdout);
    }

    [Fact]
    public void ShouldRaiseSigillForSsse3OnQemu64()
    {
        string exe = GuestPrograms.Build("ssse3", "int/ssse3.c");
        var r = Run.Process(Run.Emulator, ["x86_64", "-cpu", "qemu64", exe], "");
        Assert.Equal(128 + 4, r.ExitCode);
        Assert.Contains("uncaught target signal 4 (Illegal instruction)", r.Stderr);
    }
}

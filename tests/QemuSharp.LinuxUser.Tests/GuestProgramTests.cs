namespace QemuSharp.LinuxUser.Tests;

/// <summary>The C programs of tests/guest/int, run natively and under the emulator: the outputs must be identical.</summary>
public sealed class GuestProgramTests
{
    [Theory]
    [InlineData("integer")]
    [InlineData("smc")]
    [InlineData("memory")]
    [InlineData("threads")]
    [InlineData("processes")]
    public void ShouldPrintWhatTheNativeRunPrints(string program)
    {
        string exe = GuestPrograms.Build(program, $"int/{program}.c");
        var native = Run.Native(exe, []);
        var emulated = Run.Emulated(exe, []);
        Assert.Equal(native.Stdout, emulated.Stdout);
        Assert.Equal(native.ExitCode, emulated.ExitCode);
    }
}

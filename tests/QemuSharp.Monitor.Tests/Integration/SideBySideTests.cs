namespace QemuSharp.Monitor.Tests.Integration;

/// <summary>The same client script against Debian's QEMU 7.2 and against us: the same output.</summary>
public class SideBySideTests
{
    [Fact]
    public void ShouldAnswerTheQmpConversationAsQemuDoes()
    {
        var qemu = Emulator.RunScript("python3", "qmp_compare.py", [], [Emulator.Qemu]);
        var ours = Emulator.RunScript("python3", "qmp_compare.py", [], Emulator.Ours);
        Assert.Contains("exit=0", qemu.Stdout);
        Assert.Equal(qemu.Stdout, ours.Stdout);
    }

    [Theory]
    [InlineData("qmp")]
    [InlineData("hmp")]
    public void ShouldTakeDescriptorsByScmRightsAsQemuDoes(string monitor)
    {
        var qemu = Emulator.RunScript("python3", "qmp_getfd.py", [monitor], [Emulator.Qemu]);
        var ours = Emulator.RunScript("python3", "qmp_getfd.py", [monitor], Emulator.Ours);
        Assert.Contains("c1", qemu.Stdout);
        Assert.Equal(qemu.Stdout, ours.Stdout);
    }

    [Fact]
    public void ShouldSurviveBadInputAsQemuDoes()
    {
        var qemu = Emulator.RunScript("python3", "qmp_bad_input.py", [], [Emulator.Qemu]);
        var ours = Emulator.RunScript("python3", "qmp_bad_input.py", [], Emulator.Ours);
        Assert.Contains("exit=0", qemu.Stdout);
        Assert.Equal(qemu.Stdout, ours.Stdout);
    }

    [Fact]
    public void ShouldKeepFdSetsAsQemuDoesInPrettyMode()
    {
        var qemu = Emulator.RunScript("python3", "qmp_fdsets.py", [], [Emulator.Qemu]);
        var ours = Emulator.RunScript("python3", "qmp_fdsets.py", [], Emulator.Ours);
        Assert.Contains("\"opaque\": \"hello\"", qemu.Stdout);
        Assert.Equal(qemu.Stdout, ours.Stdout);
    }
}

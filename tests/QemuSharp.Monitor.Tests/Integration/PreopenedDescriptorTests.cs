namespace QemuSharp.Monitor.Tests.Integration;

/// <summary>perl listens, clears FD_CLOEXEC, execs the emulator with -chardev socket,fd=N, connects once.</summary>
public class PreopenedDescriptorTests
{
    [Theory]
    [InlineData("mon")]
    [InlineData("qmp")]
    public void ShouldServeQmpOnAnInheritedListeningSocket(string monitorOption)
    {
        var result = Emulator.RunScript("perl", "qmp_fd.pl", [monitorOption], Emulator.Ours);
        string[] lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 10, result.Stdout + result.Stderr);
        Assert.StartsWith("{\"QMP\": {\"version\": {\"qemu\": {", lines[0]);
        Assert.Equal("{\"return\": {}}", lines[1]);
        Assert.Equal("{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}, \"id\": \"s1\"}", lines[2]);
        Assert.Matches("^\\{\"timestamp\": \\{\"seconds\": \\d+, \"microseconds\": \\d+\\}, \"event\": \"STOP\"\\}$", lines[3]);
        Assert.Equal("{\"return\": {}}", lines[4]);
        Assert.Matches("^\\{\"return\": \\[\\{\"frontend-open\": true, \"filename\": \"unix:/.*/qmp.sock,server=on\", \"label\": \"mon\"\\}\\]\\}$", lines[5]);
        Assert.EndsWith("\"event\": \"SHUTDOWN\", \"data\": {\"guest\": false, \"reason\": \"host-qmp-quit\"}}", lines[6]);
        Assert.Equal(["{\"return\": {}}", "EOF", "exit=0"], lines[7..]);
    }
}

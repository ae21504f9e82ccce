namespace QemuSharp.Monitor.Tests.Integration;

/// <summary>-daemonize, -pidfile and an inherited monitor socket, compared with Debian's QEMU.</summary>
public class DaemonizeTests
{
    [Fact]
    public void ShouldDaemonizeKeepingTheInheritedSocketAndLockThePidFileAsQemuDoes()
    {
        var qemu = Emulator.RunScript("python3", "daemonize.py", [], [Emulator.Qemu]);
        var ours = Emulator.RunScript("python3", "daemonize.py", [], Emulator.Ours);
        Assert.Contains("pidfile removed: True", qemu.Stdout);
        Assert.Equal(qemu.Stdout, ours.Stdout);
    }
}

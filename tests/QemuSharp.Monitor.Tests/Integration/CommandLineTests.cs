namespace QemuSharp.Monitor.Tests.Integration;

/// <summary>Bad command lines: the same message on stderr and exit status as Debian's QEMU 7.2.</summary>
public class CommandLineTests
{
    [Theory]
    [InlineData("-foo")]
    [InlineData("--foo")]
    [InlineData("-name")]
    [InlineData("-M none -chardev null")]
    [InlineData("-M none -chardev bogus,id=x")]
    [InlineData("-M none -chardev null,id=x -chardev null,id=x")]
    [InlineData("-M none -chardev ringbuf,id=a,size=abc")]
    [InlineData("-M none -chardev ringbuf,id=a,size=3")]
    [InlineData("-M none -chardev ringbuf,id=a,foo=3")]
    [InlineData("-M none -chardev ringbuf,id=a,,b")]
    [InlineData("-M none -chardev ringbuf,id=a,size=99999999999999999999")]
    [InlineData("-M none -chardev socket,id=a,path=/tmp/x.sock,server=maybe")]
    [InlineData("-M none -chardev socket,id=a,path=/tmp/x.sock,reconnect=abc")]
    [InlineData("-M none -chardev socket,id=a,fd=77,server=on,wait=off")]
    [InlineData("-M none -chardev socket,id=a,fd=0,server=on,wait=off")]
    [InlineData("-M none -chardev socket,id=a,fd=x,server=on,wait=off")]
    [InlineData("-M none -chardev socket,id=a,fd=3,path=/x,server=on,wait=off")]
    [InlineData("-M none -chardev socket,id=a,fd=3,reconnect=1")]
    [InlineData("-M none -chardev socket,id=a")]
    [InlineData("-M none -chardev socket,id=a,path=/tmp/x.sock,wait=off")]
    [InlineData("-M none -chardev socket,id=a,host=localhost")]
    [InlineData("-M none -chardev file,id=f")]
    [InlineData("-M none -chardev file,id=f,path=/nonexistent/dir/f")]
    [InlineData("-M none -chardev socket,id=a,path=/tmp/x.sock,server,nowait,foo")]
    [InlineData("-M none -qmp unix:,fd=3")]
    [InlineData("-M none -qmp fd=3")]
    [InlineData("-M none -qmp bogus:x")]
    [InlineData("-M none -mon foo=bar")]
    [InlineData("-M none -mon chardev=nope")]
    [InlineData("-M none -chardev null,id=n -mon chardev=n,mode=bogus")]
    [InlineData("-M none -chardev null,id=n -mon chardev=n,pretty=on")]
    [InlineData("-M none -uuid xyz")]
    [InlineData("-M none -display bogus")]
    [InlineData("-M none -nographic -daemonize")]
    [InlineData("-M none,foo=bar")]
    [InlineData("-M none -accel bogus")]
    [InlineData("-M none -accel kvm -machine none,accel=tcg")]
    [InlineData("-M none,accel=bogus")]
    [InlineData("-M bogus")]
    [InlineData("-M none -monitor stdio -daemonize")]
    [InlineData("-M none -chardev stdio,id=s -daemonize")]
    [InlineData("-M none -pidfile /nonexistent/dir/p.pid")]
    public void ShouldRejectAsQemuDoes(string arguments)
    {
        string[] args = ["-display", "none", .. arguments.Split(' ')];
        var qemu = Emulator.Run([Emulator.Qemu, .. args], stdin: "", timeoutSeconds: 30);
        var ours = Emulator.Run([.. Emulator.Ours, .. args], stdin: "", timeoutSeconds: 30);
        Assert.Equal(1, qemu.ExitCode);
        Assert.Equal((qemu.ExitCode, qemu.Stderr), (ours.ExitCode, ours.Stderr));
    }

    [Theory]
    [InlineData("-version")]
    [InlineData("-chardev help")]
    [InlineData("-M help")]
    public void ShouldPrintInformationAndExitZero(string arguments)
    {
        var ours = Emulator.Run([.. Emulator.Ours, .. arguments.Split(' ')], stdin: "", timeoutSeconds: 30);
        Assert.Equal(0, ours.ExitCode);
        Assert.NotEmpty(ours.Stdout);
    }
}

using QemuSharp.Common.Options;

namespace QemuSharp.Chardev.Tests;

public class ChardevConfigTests
{
    private static ChardevConfig FromCommandLine(string text) =>
        ChardevConfig.FromOpts(QemuOpts.Parse(text, "backend", ChardevConfig.Schema), ChardevConfig.ParseFdNumber);

    [Theory]
    [InlineData("null", "chardev: no id specified")]
    [InlineData("bogus,id=x", "'bogus' is not a valid char driver name")]
    [InlineData("socket,id=a,fd=3,path=/x,server=on", "None or one of 'path', 'fd' or 'host' option required.")]
    [InlineData("socket,id=a,fd=3,host=h,port=1,server=on", "None or one of 'path', 'fd' or 'host' option required.")]
    [InlineData("socket,id=a,fd=3,reconnect=1", "'reconnect' option is incompatible with 'fd' address type")]
    [InlineData("socket,id=a,fd=myfd,server=on", "Unable to parse FD number myfd")]
    [InlineData("socket,id=a", "Unable to parse FD number ")]
    [InlineData("socket,id=a,fd=3,tls-creds=t", "'tls_creds' option is incompatible with 'fd' address type as client")]
    [InlineData("socket,id=a,path=/x,wait=off", "'wait' option is incompatible with socket in client connect mode")]
    [InlineData("socket,id=a,host=localhost", "chardev: socket: no port given")]
    [InlineData("file,id=f", "chardev: file: no filename given")]
    public void ShouldRejectWithQemuMessage(string text, string message)
    {
        var e = Assert.Throws<OptionException>(() => FromCommandLine(text));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void ShouldRejectADescriptorThatIsNotASocket()
    {
        using var file = File.OpenHandle(Path.GetTempFileName(), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.DeleteOnClose);
        int fd = (int)file.DangerousGetHandle();
        var e = Assert.Throws<OptionException>(() => FromCommandLine($"socket,id=a,fd={fd},server=on,wait=off"));
        Assert.Equal($"File descriptor '{fd}' is not a socket", e.Message);
    }

    [Fact]
    public void ShouldReadAUnixServer()
    {
        var config = FromCommandLine("socket,id=mon,path=/tmp/a,,b.sock,server=on,wait=off");
        Assert.Equal(new UnixAddr("/tmp/a,b.sock"), config.Address);
        Assert.True(config.Server);
        Assert.False(config.Wait);
    }

    [Fact]
    public void ShouldReadRingbufSizesWithSuffixes()
    {
        Assert.Equal(4096UL, FromCommandLine("ringbuf,id=r,size=4k").RingSize);
    }
}

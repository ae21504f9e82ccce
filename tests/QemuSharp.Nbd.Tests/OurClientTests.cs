using QemuSharp.Block;
using QemuSharp.Nbd.Client;

namespace QemuSharp.Nbd.Tests;

/// <summary>Our NBD client driver against Debian's qemu-nbd and nbdkit.</summary>
public sealed class OurClientTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ShouldReadAndWriteThroughQemuNbd(bool tcp)
    {
        string dir = Directory.CreateTempSubdirectory("nbdclient").FullName;
        string image = Path.Combine(dir, "a.qcow2");
        Tools.Ok("qemu-img", "create", "-q", "-f", "qcow2", image, "8M");
        Tools.Ok("qemu-io", "-f", "qcow2", "-c", "write -P 0x42 64k 64k", image);
        string socket = Path.Combine(dir, "q.sock");
        int port = 20000 + Random.Shared.Next(20000);
        var server = tcp
            ? Tools.Start("qemu-nbd", "-f", "qcow2", "-x", "ex", "-b", "127.0.0.1", "-p", port.ToString(), "-t", image)
            : Tools.Start("qemu-nbd", "-f", "qcow2", "-x", "ex", "-k", socket, "-t", image);
        try
        {
            string uri = tcp ? $"nbd://127.0.0.1:{port}/ex" : $"nbd+unix:///ex?socket={socket}";
            if (tcp)
                Thread.Sleep(1000);
            else
                Tools.WaitForFile(socket);
            using (var driver = NbdBlockDriver.Open(uri, new OpenOptions { ReadOnly = false }))
            {
                Assert.Equal(8 << 20, driver.Length);
                var buffer = new byte[128 << 10];
                driver.Read(0, buffer);
                Assert.All(buffer.AsSpan(0, 65536).ToArray(), b => Assert.Equal(0, b));
                Assert.All(buffer.AsSpan(65536).ToArray(), b => Assert.Equal(0x42, b));
                Assert.Equal(BlockStatus.Zero, driver.GetStatus(1 << 20, 1 << 20).Status & (BlockStatus.Zero | BlockStatus.Data));
                driver.Write(1 << 20, Enumerable.Repeat((byte)0x77, 4096).ToArray());
                driver.WriteZeroes(64 << 10, 4096, mayUnmap: false);
                driver.Flush();
            }
        }
        finally
        {
            Tools.Stop(server);
        }
        Tools.Ok("qemu-io", "-f", "qcow2", "-r", "-c", "read -P 0x77 1M 4k", "-c", "read -P 0 64k 4k",
            "-c", "read -P 0x42 68k 60k", image);
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData("--no-sr")]
    [InlineData("-o")]
    [InlineData("--mask-handshake=0")]
    public void ShouldWorkWithNbdkitVariants(string variant)
    {
        string dir = Directory.CreateTempSubdirectory("nbdkit").FullName;
        string socket = Path.Combine(dir, "k.sock");
        var server = Tools.Start("nbdkit", variant, "-f", "-U", socket, "memory", "4M");
        try
        {
            Tools.WaitForFile(socket);
            using var driver = NbdBlockDriver.Open($"nbd+unix:///?socket={socket}", new OpenOptions { ReadOnly = false });
            var data = Tools.Pattern(1 << 20, 3);
            driver.Write(4096, data);
            var back = new byte[data.Length];
            driver.Read(4096, back);
            Assert.Equal(data, back);
        }
        finally
        {
            Tools.Stop(server);
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ShouldPassOnTheServersErrnoAsQemuImgDoes()
    {
        string dir = Directory.CreateTempSubdirectory("nbdkiterr").FullName;
        string socket = Path.Combine(dir, "k.sock");
        var server = Tools.Start("nbdkit", "-f", "-U", socket, "--filter=error", "memory", "1M",
            "error-pread-rate=100%", "error-pread=EIO", "error-pwrite-rate=100%", "error-pwrite=ENOSPC");
        try
        {
            Tools.WaitForFile(socket);
            string uri = $"nbd+unix:///?socket={socket}";
            using (var driver = NbdBlockDriver.Open(uri, new OpenOptions { ReadOnly = false }))
            {
                Assert.Equal("No space left on device", Assert.Throws<BlockException>(() => driver.Write(0, new byte[4096])).Message);
                Assert.Equal("Input/output error", Assert.Throws<BlockException>(() => driver.Read(0, new byte[4096])).Message);
            }
            string target = Path.Combine(dir, "out.raw");
            var theirs = Tools.Run("qemu-img", "convert", "-O", "raw", uri, target);
            var ours = Tools.Run(QemuNbdCommandTests.Ours, "img", "convert", "-O", "raw", uri, target);
            Assert.Equal((1, theirs.Err), (ours.Exit, ours.Err));
        }
        finally
        {
            Tools.Stop(server);
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ShouldReportTheServersErrorForAnUnknownExport()
    {
        using var served = new ServedImage();
        var e = Assert.Throws<BlockException>(() => NbdBlockDriver.Open(served.Uri("nope"), new OpenOptions()));
        Assert.Equal("Requested export not available\nserver reported: export 'nope' not present", e.Message);
    }

    [Theory]
    [InlineData("nbd://host:1234/exp", null, "host", 1234, "exp")]
    [InlineData("nbd://host", null, "host", 10809, "")]
    [InlineData("nbd+unix:///exp?socket=/tmp/s", "/tmp/s", null, 0, "exp")]
    [InlineData("nbd:unix:/tmp/s:exportname=e", "/tmp/s", null, 0, "e")]
    [InlineData("nbd:localhost:999", null, "localhost", 999, "")]
    public void ShouldParseQemusNbdNames(string name, string? socket, string? host, int port, string export)
        => Assert.Equal(new NbdAddress(socket, host, port, export), NbdAddress.Parse(name));
}

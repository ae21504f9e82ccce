using System.Text.Json;

namespace QemuSharp.Nbd.Tests;

/// <summary>Debian's nbdinfo, nbdcopy, qemu-img and qemu-io against our server.</summary>
public sealed class DebianClientTests
{
    private static void Fill(string path) => Tools.Ok("qemu-io", "-f", "qcow2", "-c", "write -P 0xaa 0 1M",
        "-c", "write -z 2M 1M", "-c", "write -P 0x5b 5M 192k", path);

    [Fact]
    public void NbdinfoJsonShouldReportSizeAndQemuFlags()
    {
        using var served = new ServedImage(size: "16M");
        using var doc = JsonDocument.Parse(Tools.Ok("nbdinfo", "--json", served.Uri()));
        var export = doc.RootElement.GetProperty("exports")[0];
        Assert.Equal(16 << 20, export.GetProperty("export-size").GetInt64());
        Assert.True(export.GetProperty("can_multi_conn").GetBoolean());
        Assert.True(export.GetProperty("can_fast_zero").GetBoolean());
        Assert.False(export.GetProperty("is_read_only").GetBoolean());
        Assert.Equal(33554432, export.GetProperty("block_size_maximum").GetInt64());
        Assert.Equal("base:allocation", export.GetProperty("contexts")[0].GetString());
    }

    [Fact]
    public void NbdinfoListShouldNameEveryExportWithItsDescription()
    {
        using var served = new ServedImage(names: ["one", "two"]);
        string list = Tools.Ok("nbdinfo", "--list", served.Uri());
        Assert.Contains("export=\"one\"", list);
        Assert.Contains("export=\"two\"", list);
        Assert.Contains("description: export two", list);
    }

    [Fact]
    public void NbdinfoMapShouldEqualQemuNbdsMap()
    {
        using var served = new ServedImage(format: "qcow2", prepare: Fill);
        string ours = Tools.Ok("nbdinfo", "--map", served.Uri());
        served.Stop();
        string socket = Path.Combine(served.Dir, "q.sock");
        var qemu = Tools.Start("qemu-nbd", "-f", "qcow2", "-r", "-k", socket, served.ImagePath);
        try
        {
            Tools.WaitForFile(socket);
            Assert.Equal(Tools.Ok("nbdinfo", "--map", $"nbd+unix:///?socket={socket}"), ours);
        }
        finally
        {
            Tools.Stop(qemu);
        }
    }

    [Theory]
    [InlineData("raw")]
    [InlineData("qcow2")]
    public void NbdcopyShouldCopyOutAndBackByteForByte(string format)
    {
        using var served = new ServedImage(format: format, size: "32M");
        string source = Path.Combine(served.Dir, "source.raw");
        File.WriteAllBytes(source, Tools.Pattern(32 << 20, 7));
        Tools.Ok("nbdcopy", "--flush", source, served.Uri());
        string back = Path.Combine(served.Dir, "back.raw");
        Tools.Ok("nbdcopy", "--connections=4", served.Uri(), back);
        Assert.Equal(Tools.Sha256(source), Tools.Sha256(back));
        served.Stop();
        Tools.Ok("qemu-img", "compare", "-f", "raw", "-F", format, source, served.ImagePath);
    }

    [Fact]
    public void QemuIoWritesShouldLandInTheImage()
    {
        using var served = new ServedImage(format: "qcow2");
        Tools.Ok("qemu-io", "-f", "raw", "-c", "write -P 0x11 0 64k", "-c", "write -z 1M 64k", "-c", "write -z -u 2M 64k",
            "-c", "discard 3M 64k", "-c", "flush", "-c", "read -P 0x11 0 64k", "-c", "read -P 0 1M 64k", served.Uri());
        served.Stop();
        Tools.Ok("qemu-io", "-f", "qcow2", "-r", "-c", "read -P 0x11 0 64k", "-c", "read -P 0 1M 64k", served.ImagePath);
        Tools.Ok("qemu-img", "check", served.ImagePath);
    }

    [Fact]
    public void QemuImgConvertIntoOursShouldMatchTheSource()
    {
        using var served = new ServedImage(format: "qcow2", size: "8M");
        string source = Path.Combine(served.Dir, "source.qcow2");
        Tools.Ok("qemu-img", "create", "-q", "-f", "qcow2", source, "8M");
        Fill(source);
        Tools.Ok("qemu-img", "convert", "-n", "-f", "qcow2", "-O", "raw", source, served.Uri());
        Tools.Ok("qemu-img", "compare", "-f", "qcow2", "-F", "raw", source, served.Uri());
        string map = Tools.Ok("qemu-img", "map", "--output=json", "-f", "raw", served.Uri());
        Assert.Contains("\"data\": true", map);
        Assert.Contains("\"zero\": true", map);
    }

    [Fact]
    public void ReadOnlyExportShouldRefuseWritesFromQemuIo()
    {
        using var served = new ServedImage(readOnly: true);
        var (exit, stdout, stderr) = Tools.Run("qemu-io", "-f", "raw", "-c", "write 0 512", served.Uri());
        Assert.Contains("Permission denied", stdout + stderr + exit);
        Assert.Equal(0, Tools.Run("qemu-io", "-f", "raw", "-r", "-c", "read 0 512", served.Uri()).Exit);
    }
}

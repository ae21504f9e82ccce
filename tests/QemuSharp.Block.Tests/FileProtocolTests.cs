using QemuSharp.Block.Protocols;

namespace QemuSharp.Block.Tests;

public sealed class FileProtocolTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task ShouldReportHolesAsZeroAndDataAsData()
    {
        string path = _dir["f.raw"];
        FileProtocol.Create(path, 4 << 20, PreallocMode.Off);
        using var file = FileProtocol.Open(path, readOnly: false);
        await file.WriteAsync(1 << 20, new byte[] { 1, 2, 3 });
        await file.FlushAsync();
        var hole = file.GetStatus(0, 4 << 20);
        Assert.True(hole.Status.HasFlag(BlockStatus.Zero));
        Assert.Equal(1 << 20, hole.Length);
        var data = file.GetStatus(1 << 20, 3 << 20);
        Assert.True(data.Status.HasFlag(BlockStatus.Data));
        var back = new byte[3];
        await file.ReadAsync(1 << 20, back);
        Assert.Equal([1, 2, 3], back);
    }

    [Fact]
    public void ShouldReadZerosPastTheEndOfTheFile()
    {
        string path = _dir["s.raw"];
        File.WriteAllBytes(path, [9, 9]);
        using var file = FileProtocol.Open(path, readOnly: true);
        var buffer = new byte[8];
        Array.Fill(buffer, (byte)7);
        file.Read(0, buffer);
        Assert.Equal([9, 9, 0, 0, 0, 0, 0, 0], buffer);
    }

    [Fact]
    public void ShouldRefuseASecondWriterWithQemusMessage()
    {
        string path = _dir["w.raw"];
        FileProtocol.Create(path, 1 << 20, PreallocMode.Off);
        using var first = FileProtocol.Open(path, readOnly: false);
        var e = Assert.Throws<BlockException>(() => FileProtocol.Open(path, readOnly: false));
        Assert.Equal($"Failed to get \"write\" lock\nIs another process using the image [{path}]?", e.Message);
    }

    public void Dispose() => _dir.Dispose();
}

using QemuSharp.Block.Tools;

namespace QemuSharp.Block.Tests;

/// <summary>Malformed headers and fuzzed metadata give a clear error, never a crash, hang or huge allocation.</summary>
public sealed class MalformedImageTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData(20, 4, 8L)]
    [InlineData(20, 4, 22L)]
    [InlineData(36, 4, 0x10000000L)]
    [InlineData(4, 4, 4L)]
    [InlineData(72, 8, 32L)]
    [InlineData(96, 4, 7L)]
    [InlineData(100, 4, 96L)]
    [InlineData(16, 4, 1024L)]
    [InlineData(104, 1, 2L)]
    [InlineData(72, 8, 8L)]
    [InlineData(56, 4, 0xFFFFFFFFL)]
    [InlineData(60, 4, 0x7FFFFFFFL)]
    [InlineData(24, 8, long.MaxValue)]
    [InlineData(40, 8, 65537L)]
    [InlineData(36, 4, 0L)]
    public void ShouldRefuseMalformedHeadersWithDebiansMessage(int offset, int length, long value)
    {
        string theirs = Patched("t.qcow2", offset, length, value);
        string ours = Patched("o.qcow2", offset, length, value);
        var t = Oracle.DebianImg("info", theirs);
        var o = Oracle.Ours("info", ours);
        Assert.Equal(t.ExitCode, o.ExitCode);
        Assert.Equal(t.Err.Replace("t.qcow2", "X"), o.Err.Replace("o.qcow2", "X"));
    }

    [Fact]
    public void ShouldRefuseWritesWhenTheRefcountTableOverlapsTheHeader()
    {
        string image = Patched("o.qcow2", 48, 8, 0);
        var r = Oracle.Ours("resize", image, "2G");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Marking image as corrupt", r.Err);
        Assert.Equal(2, File.ReadAllBytes(image)[79] & 2);
    }

    [Fact]
    public void ShouldRefuseReadWriteOpenOfACorruptImage()
    {
        string image = Patched("o.qcow2", 72, 8, 2);
        var r = Oracle.Ours("resize", image, "2G");
        Assert.Equal("qemu-img: Could not open '" + image + "': qcow2: Image is corrupt; cannot be opened read/write\n", r.Err);
    }

    [Fact]
    public async Task ShouldSurviveSeededMetadataCorruption()
    {
        string pristine = _dir["p.qcow2"];
        Oracle.DebianImg("create", "-f", "qcow2", "-o", "cluster_size=4096", pristine, "8M");
        Oracle.Io(pristine, "write -P 1 0 1M", "write -c 2M 64k", "write -z 3M 64k");
        Oracle.DebianImg("snapshot", "-c", "s", pristine);
        byte[] original = File.ReadAllBytes(pristine);
        var rng = new Random(1234);
        for (int round = 0; round < 60; round++)
        {
            byte[] bytes = (byte[])original.Clone();
            int flips = rng.Next(1, 8);
            for (int i = 0; i < flips; i++)
                bytes[rng.Next(0, Math.Min(bytes.Length, 8 * 4096))] ^= (byte)(1 << rng.Next(8));
            if (round % 10 == 9)
                Array.Resize(ref bytes, rng.Next(100, bytes.Length));
            string image = _dir["f.qcow2"];
            File.WriteAllBytes(image, bytes);
            foreach (string[] args in new[]
            {
                new[] { "info", "--output=json", image },
                ["check", image],
                ["map", "--output=json", "--max-length=16M", image],
                ["convert", "-O", "raw", image, _dir["out.raw"]],
                ["check", "-r", "all", image],
            })
            {
                var err = new StringWriter();
                int code = await Task.Run(() => ImgMain.Run(args, TextWriter.Null, err)).WaitAsync(TimeSpan.FromSeconds(60));
                Assert.InRange(code, 0, 63);
                Assert.DoesNotContain("internal error", err.ToString());
                File.Delete(_dir["out.raw"]);
            }
        }
    }

    private string Patched(string name, int offset, int length, long value)
    {
        string image = _dir[name];
        File.Delete(image);
        Oracle.DebianImg("create", "-f", "qcow2", "-u", "-b", "a", "-F", "raw", image, "1G");
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
            bytes[i] = (byte)((ulong)value >> (8 * (length - 1 - i)));
        using var f = new FileStream(image, FileMode.Open);
        f.Position = offset;
        f.Write(bytes);
        return image;
    }

    public void Dispose() => _dir.Dispose();
}

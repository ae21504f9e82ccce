namespace QemuSharp.Block.Tests;

/// <summary>Images ours creates and writes pass Debian's check and read the same with Debian's tools.</summary>
public sealed class WriteInteropTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData("cluster_size=512,refcount_bits=1")]
    [InlineData("cluster_size=4096,refcount_bits=64")]
    [InlineData("cluster_size=65536")]
    [InlineData("cluster_size=2M")]
    [InlineData("compat=0.10")]
    [InlineData("extended_l2=on,cluster_size=32k")]
    [InlineData("lazy_refcounts=on,refcount_bits=8")]
    [InlineData("compression_type=zstd")]
    public void ShouldConvertIntoImagesDebianAccepts(string createOptions)
    {
        string raw = _dir.MakeRaw("src.raw", 3_000_000, 3);
        string image = _dir["o.qcow2"];
        Assert.Equal(0, Oracle.Ours("convert", "-O", "qcow2", "-o", createOptions, raw, image).ExitCode);
        AssertDebianCheckClean(image);
        Assert.Equal(0, Oracle.DebianImg("compare", raw, image).ExitCode);
    }

    [Theory]
    [InlineData("cluster_size=512")]
    [InlineData("cluster_size=65536")]
    [InlineData("compression_type=zstd")]
    [InlineData("refcount_bits=1")]
    public void ShouldWriteCompressedImagesDebianReads(string createOptions)
    {
        string raw = _dir.MakeRaw("src.raw", 3_000_001, 4);
        string image = _dir["c.qcow2"];
        Assert.Equal(0, Oracle.Ours("convert", "-c", "-O", "qcow2", "-o", createOptions, raw, image).ExitCode);
        AssertDebianCheckClean(image);
        Assert.Equal(0, Oracle.DebianImg("compare", raw, image).ExitCode);
        Assert.Contains("compressed", Oracle.DebianImg("check", image).Out);
    }

    [Fact]
    public void ShouldRewriteCompressedAndSnapshottedClustersSafely()
    {
        string raw = _dir.MakeRaw("src.raw", 2_000_000, 5);
        string image = _dir["c.qcow2"];
        Assert.Equal(0, Oracle.Ours("convert", "-c", "-O", "qcow2", raw, image).ExitCode);
        Oracle.DebianImg("snapshot", "-c", "s1", image);
        Assert.Equal(0, Oracle.Ours("convert", "-n", "-f", "raw", "-O", "qcow2", MakePatch(), image).ExitCode);
        AssertDebianCheckClean(image);
        string expected = _dir["patch.raw"];
        Assert.Equal(0, Oracle.DebianImg("compare", "-f", "raw", "-F", "qcow2", expected, image).ExitCode);
        Assert.Equal(0, Oracle.DebianImg("snapshot", "-a", "s1", image).ExitCode);
        Assert.Equal(0, Oracle.DebianImg("compare", "-f", "raw", "-F", "qcow2", raw, image).ExitCode);
    }

    [Fact]
    public void ShouldGrowTheRefcountTableWithSmallClusters()
    {
        string raw = _dir.MakeRaw("big.raw", 20 << 20, 6);
        using (var f = new FileStream(raw, FileMode.Open))
        {
            var junk = new byte[20 << 20];
            new Random(9).NextBytes(junk);
            f.Write(junk);
        }
        string image = _dir["g.qcow2"];
        Assert.Equal(0, Oracle.Ours("convert", "-O", "qcow2", "-o", "cluster_size=512", raw, image).ExitCode);
        AssertDebianCheckClean(image);
        Assert.Equal(0, Oracle.DebianImg("compare", raw, image).ExitCode);
    }

    [Fact]
    public void ShouldGrowTheL1TableOnResize()
    {
        string image = _dir["r.qcow2"];
        Assert.Equal(0, Oracle.Ours("create", "-f", "qcow2", image, "1M").ExitCode);
        Assert.Equal(0, Oracle.Ours("resize", image, "2T").ExitCode);
        Oracle.Io(image, "write -P 5 2047G 1M");
        AssertDebianCheckClean(image);
        Assert.Contains("\"virtual-size\": 2199023255552", Oracle.DebianImg("info", "--output=json", image).Out);
        Assert.Equal(0, Oracle.Ours("resize", "--shrink", image, "1G").ExitCode);
        AssertDebianCheckClean(image);
    }

    private string MakePatch()
    {
        string patch = _dir["patch.raw"];
        var bytes = new byte[2_000_000];
        for (int i = 100_000; i < 300_000; i++)
            bytes[i] = (byte)(i % 251 + 1);
        bytes[1_999_999] = 1;
        File.WriteAllBytes(patch, bytes);
        return patch;
    }

    private static void AssertDebianCheckClean(string image)
    {
        var r = Oracle.DebianImg("check", image);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
    }

    public void Dispose() => _dir.Dispose();
}

namespace QemuSharp.Block.Tests;

/// <summary>Images that Debian's tools make read bit-exactly through ours.</summary>
public sealed class ReadInteropTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData("cluster_size=512")]
    [InlineData("cluster_size=4096")]
    [InlineData("cluster_size=2M")]
    [InlineData("compat=0.10")]
    [InlineData("compression_type=zstd")]
    [InlineData("extended_l2=on")]
    [InlineData("refcount_bits=1")]
    [InlineData("refcount_bits=64")]
    [InlineData("preallocation=metadata")]
    [InlineData("lazy_refcounts=on")]
    public void ShouldReadDebianImagesBitExactly(string createOptions)
    {
        string raw = _dir.MakeRaw("src.raw", 3_000_000, 1);
        string image = _dir["d.qcow2"];
        Assert.Equal(0, Oracle.DebianImg("convert", "-O", "qcow2", "-o", createOptions, raw, image).ExitCode);
        Oracle.Io(image, "write -P 7 8192 100000", "write -z 300000 200000", "write -z -u 600000 131072", "discard 1M 128k");
        AssertSameContent(image);
    }

    [Theory]
    [InlineData("compression_type=zlib")]
    [InlineData("compression_type=zstd")]
    [InlineData("cluster_size=512")]
    [InlineData("cluster_size=2M")]
    public void ShouldReadDebianCompressedImages(string createOptions)
    {
        string raw = _dir.MakeRaw("src.raw", 5_000_000, 2);
        string image = _dir["c.qcow2"];
        Assert.Equal(0, Oracle.DebianImg("convert", "-c", "-O", "qcow2", "-o", createOptions, raw, image).ExitCode);
        AssertSameContent(image);
    }

    [Fact]
    public void ShouldReadBackingChainsWithSmallerBaseAndRelativeNames()
    {
        string baseImage = _dir["base.raw"];
        File.WriteAllBytes(baseImage, Enumerable.Range(0, 3 << 20).Select(i => (byte)(i * 7)).ToArray());
        Assert.Equal(0, Oracle.DebianImg("create", "-f", "qcow2", "-b", "base.raw", "-F", "raw", _dir["mid.qcow2"], "8M").ExitCode);
        Oracle.Io(_dir["mid.qcow2"], "write -P 2 1M 1M", "write -z 2M 64k");
        Assert.Equal(0, Oracle.DebianImg("create", "-f", "qcow2", "-b", "mid.qcow2", "-F", "qcow2", _dir["top.qcow2"]).ExitCode);
        Oracle.Io(_dir["top.qcow2"], "write -P 3 5M 64k", "write -z 1536k 64k");
        AssertSameContent(_dir["top.qcow2"]);
    }

    [Fact]
    public void ShouldReadInternalSnapshotsImageAfterLaterWrites()
    {
        string image = _dir["s.qcow2"];
        Oracle.DebianImg("create", "-f", "qcow2", image, "4M");
        Oracle.Io(image, "write -P 1 0 1M");
        Oracle.DebianImg("snapshot", "-c", "one", image);
        Oracle.Io(image, "write -P 2 512k 1M");
        AssertSameContent(image);
        Assert.Equal(0, Oracle.Ours("check", image).ExitCode);
    }

    private void AssertSameContent(string image)
    {
        string theirs = _dir["theirs.raw"];
        string ours = _dir["ours.raw"];
        File.Delete(theirs);
        File.Delete(ours);
        Assert.Equal(0, Oracle.DebianImg("convert", "-O", "raw", image, theirs).ExitCode);
        var r = Oracle.Ours("convert", "-O", "raw", image, ours);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.True(File.ReadAllBytes(theirs).AsSpan().SequenceEqual(File.ReadAllBytes(ours)), "content differs");
    }

    public void Dispose() => _dir.Dispose();
}

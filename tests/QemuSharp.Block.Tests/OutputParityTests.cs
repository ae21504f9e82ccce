using System.Text.RegularExpressions;

namespace QemuSharp.Block.Tests;

/// <summary>info, map and check print what Debian's qemu-img prints for the same image.</summary>
public sealed class OutputParityTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData("info --output=json")]
    [InlineData("info")]
    [InlineData("info --backing-chain --output=json")]
    [InlineData("info --backing-chain")]
    [InlineData("map --output=json")]
    [InlineData("map")]
    [InlineData("check")]
    [InlineData("check --output=json")]
    public void ShouldPrintWhatDebianPrintsForABackingChain(string command)
    {
        string top = MakeChain();
        AssertSameOutput(command, top);
    }

    [Theory]
    [InlineData("compat=0.10", "info --output=json")]
    [InlineData("compat=0.10", "info")]
    [InlineData("cluster_size=4096,extended_l2=off", "map --output=json")]
    [InlineData("extended_l2=on", "map --output=json")]
    [InlineData("preallocation=metadata", "map --output=json")]
    [InlineData("refcount_bits=64,lazy_refcounts=on", "info --output=json")]
    [InlineData("compression_type=zstd", "info")]
    [InlineData("cluster_size=512", "check --output=json")]
    public void ShouldPrintWhatDebianPrintsForWrittenImages(string createOptions, string command)
    {
        string image = _dir["w.qcow2"];
        Assert.Equal(0, Oracle.DebianImg("create", "-f", "qcow2", "-o", createOptions, image, "3M").ExitCode);
        Oracle.Io(image, "write -P 7 8192 100000", "write -z 300000 200000", "write -z -u 600000 131072", "write -c 2M 64k");
        AssertSameOutput(command, image);
    }

    [Fact]
    public void ShouldPrintWhatDebianPrintsForSnapshotsAndBitmaps()
    {
        string image = _dir["s.qcow2"];
        Oracle.DebianImg("create", "-f", "qcow2", image, "4M");
        Oracle.Io(image, "write -P 1 0 1M");
        Oracle.DebianImg("snapshot", "-c", "first", image);
        Oracle.DebianImg("bitmap", "--add", image, "b0");
        AssertSameOutput("info --output=json", image);
        AssertSameOutput("info", image);
        AssertSameOutput("check --output=json", image);
    }

    [Fact]
    public void ShouldPrintWhatDebianPrintsForRawImages()
    {
        string raw = _dir.MakeRaw("r.raw", 1_000_000, 8);
        AssertSameOutput("info --output=json", raw);
        AssertSameOutput("map --output=json", raw);
        Assert.Equal(63, Oracle.Ours("check", raw).ExitCode);
    }

    [Fact]
    public void ShouldPrintTheCreateLineDebianPrints()
    {
        string[] args = ["create", "-f", "qcow2", "-o", "preallocation=metadata,compat=1.1,lazy_refcounts=on,refcount_bits=64,cluster_size=32k", "-b", "base.qcow2", "-F", "qcow2"];
        Oracle.DebianImg("create", "-f", "qcow2", _dir["base.qcow2"], "10M");
        var theirs = Oracle.DebianImg([.. args, "-u", _dir["t.qcow2"], "10M"]);
        var ours = Oracle.Ours([.. args, "-u", _dir["o.qcow2"], "10M"]);
        Assert.Equal(theirs.Out.Replace("t.qcow2", "o.qcow2"), ours.Out);
        Assert.Equal(theirs.ExitCode, ours.ExitCode);
        Assert.Equal(theirs.Err.Replace("t.qcow2", "o.qcow2"), ours.Err);
    }

    private string MakeChain()
    {
        Oracle.DebianImg("create", "-f", "qcow2", _dir["base.qcow2"], "4M");
        Oracle.Io(_dir["base.qcow2"], "write -P 1 0 4M");
        Oracle.DebianImg("create", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", _dir["mid.qcow2"], "8M");
        Oracle.Io(_dir["mid.qcow2"], "write -P 2 1M 1M");
        Oracle.DebianImg("create", "-f", "qcow2", "-b", "mid.qcow2", "-F", "qcow2", _dir["top.qcow2"]);
        Oracle.Io(_dir["top.qcow2"], "write -z 1536k 64k", "write -P 3 5M 64k");
        return _dir["top.qcow2"];
    }

    private static void AssertSameOutput(string command, string image)
    {
        string[] args = [.. command.Split(' '), image];
        var theirs = Oracle.DebianImg(args);
        var ours = Oracle.Ours(args);
        Assert.Equal(theirs.ExitCode, ours.ExitCode);
        Assert.Equal(Normalize(theirs.Out), Normalize(ours.Out));
        Assert.Equal(theirs.Err, ours.Err);
    }

    /// <summary>Disk usage depends on the host file system's allocation, not on the format.</summary>
    private static string Normalize(string output)
        => Regex.Replace(output, @"(""actual-size"": \d+|disk size: .*)", "<size>");

    public void Dispose() => _dir.Dispose();
}

namespace QemuSharp.Block.Tests;

/// <summary>snapshot, commit, rebase, amend, resize and measure leave images Debian's tools accept.</summary>
public sealed class MaintenanceCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void ShouldCreateApplyAndDeleteSnapshotsDebianAgreesWith()
    {
        string image = _dir["s.qcow2"];
        Oracle.Ours("create", "-f", "qcow2", image, "4M");
        Oracle.Io(image, "write -P 1 0 2M", "write -c -P 4 3M 64k");
        Assert.Equal(0, Oracle.Ours("snapshot", "-c", "one", image).ExitCode);
        AssertClean(image);
        Oracle.Io(image, "write -P 2 512k 1M");
        Assert.Equal(0, Oracle.Ours("snapshot", "-c", "two", image).ExitCode);
        Assert.Equal(Oracle.DebianImg("snapshot", "-l", image).Out, Oracle.Ours("snapshot", "-l", image).Out);
        Assert.Equal(0, Oracle.Ours("snapshot", "-a", "one", image).ExitCode);
        AssertClean(image);
        Assert.Equal(0, Oracle.Io(image, "read -P 1 0 2M", "read -P 4 3M 64k").ExitCode);
        Assert.DoesNotContain("Pattern verification failed", Oracle.Io(image, "read -P 1 0 2M").Out);
        Assert.Equal(0, Oracle.Ours("snapshot", "-d", "one", image).ExitCode);
        AssertClean(image);
        Assert.Equal(0, Oracle.DebianImg("snapshot", "-a", "two", image).ExitCode);
        Assert.DoesNotContain("Pattern verification failed", Oracle.Io(image, "read -P 2 512k 1M").Out);
        Assert.Equal(1, Oracle.Ours("snapshot", "-d", "nope", image).ExitCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ShouldCommitIntoTheBackingImage(bool keepTop)
    {
        string baseImage = _dir["b.qcow2"];
        string top = _dir["t.qcow2"];
        Oracle.DebianImg("create", "-f", "qcow2", baseImage, "4M");
        Oracle.Io(baseImage, "write -P 1 0 4M");
        Oracle.DebianImg("create", "-f", "qcow2", "-b", baseImage, "-F", "qcow2", top, "6M");
        Oracle.Io(top, "write -P 2 1M 1M", "write -z 3M 64k", "write -P 5 5M 64k");
        string expected = _dir["expected.raw"];
        Oracle.DebianImg("convert", "-O", "raw", top, expected);
        var r = keepTop ? Oracle.Ours("commit", "-d", top) : Oracle.Ours("commit", top);
        Assert.Equal("Image committed.\n", r.Out);
        AssertClean(baseImage);
        AssertClean(top);
        Assert.Equal(0, Oracle.DebianImg("compare", "-f", "raw", expected, baseImage).ExitCode);
        Assert.Equal(0, Oracle.DebianImg("compare", "-f", "raw", expected, top).ExitCode);
        Assert.Equal(keepTop, Oracle.DebianImg("map", "--output=json", top).Out.Contains("\"depth\": 0, \"present\": true"));
    }

    [Fact]
    public void ShouldRebaseSafelyUnsafelyAndDetach()
    {
        string oldBase = _dir["old.qcow2"];
        string newBase = _dir["new.qcow2"];
        string top = _dir["t.qcow2"];
        Oracle.DebianImg("create", "-f", "qcow2", oldBase, "4M");
        Oracle.Io(oldBase, "write -P 1 0 4M");
        Oracle.DebianImg("create", "-f", "qcow2", newBase, "4M");
        Oracle.Io(newBase, "write -P 1 0 2M");
        Oracle.DebianImg("create", "-f", "qcow2", "-b", oldBase, "-F", "qcow2", top);
        Oracle.Io(top, "write -P 3 1M 64k");
        string expected = _dir["expected.raw"];
        Oracle.DebianImg("convert", "-O", "raw", top, expected);
        Assert.Equal(0, Oracle.Ours("rebase", "-b", newBase, "-F", "qcow2", top).ExitCode);
        AssertClean(top);
        Assert.Equal(0, Oracle.DebianImg("compare", "-f", "raw", expected, top).ExitCode);
        Assert.Contains(newBase, Oracle.DebianImg("info", top).Out);
        Assert.Equal(0, Oracle.Ours("rebase", "-b", "", top).ExitCode);
        Assert.DoesNotContain("backing", Oracle.DebianImg("info", top).Out);
        Assert.Equal(0, Oracle.DebianImg("compare", "-f", "raw", expected, top).ExitCode);
        Assert.Equal(0, Oracle.Ours("rebase", "-u", "-b", "elsewhere.qcow2", "-F", "qcow2", top).ExitCode);
        Assert.Contains("\"backing-filename\": \"elsewhere.qcow2\"", Oracle.DebianImg("info", "-U", "--output=json", top).Out);
        Assert.Equal(1, Oracle.Ours("rebase", "-b", newBase, top).ExitCode);
    }

    [Theory]
    [InlineData("refcount_bits=64")]
    [InlineData("refcount_bits=1")]
    [InlineData("compat=0.10")]
    [InlineData("lazy_refcounts=on")]
    public void ShouldAmendWithoutChangingContent(string amendOptions)
    {
        string image = _dir["a.qcow2"];
        Oracle.DebianImg("create", "-f", "qcow2", image, "4M");
        Oracle.Io(image, "write -P 1 0 1M", "write -z 2M 128k", "write -z -u 3M 64k", "write -c -P 7 3584k 64k");
        string expected = _dir["expected.raw"];
        Oracle.DebianImg("convert", "-O", "raw", image, expected);
        var r = Oracle.Ours("amend", "-o", amendOptions, image);
        Assert.True(r.ExitCode == 0, r.Err);
        AssertClean(image);
        Assert.Equal(0, Oracle.DebianImg("compare", "-f", "raw", expected, image).ExitCode);
        string key = amendOptions.Split('=')[0].Replace('_', ' ').Replace("compat", "compat:");
        Assert.Contains(amendOptions.Split('=')[1].Replace("on", "true"), Oracle.DebianImg("info", image).Out);
        Assert.NotEmpty(key);
    }

    [Theory]
    [InlineData("amend", "-o", "cluster_size=4k")]
    [InlineData("amend", "-o", "compat=0.10,refcount_bits=64")]
    [InlineData("rebase", "-b", "x.qcow2")]
    [InlineData("resize", "IMAGE", "1M")]
    public void ShouldRefuseAsDebianRefuses(params string[] args)
    {
        string theirs = _dir["t.qcow2"];
        string ours = _dir["o.qcow2"];
        Oracle.DebianImg("create", "-f", "qcow2", theirs, "4M");
        Oracle.DebianImg("create", "-f", "qcow2", ours, "4M");
        var t = Oracle.DebianImg([.. args.Select(a => a == "IMAGE" ? theirs : a), .. args.Contains("IMAGE") ? Array.Empty<string>() : [theirs]]);
        var o = Oracle.Ours([.. args.Select(a => a == "IMAGE" ? ours : a), .. args.Contains("IMAGE") ? Array.Empty<string>() : [ours]]);
        Assert.Equal(t.ExitCode, o.ExitCode);
        Assert.Equal(t.Err.Replace(theirs, "IMG"), o.Err.Replace(ours, "IMG"));
    }

    [Theory]
    [InlineData("--size 1G -O qcow2")]
    [InlineData("--size 10G -O qcow2 -o cluster_size=4k")]
    [InlineData("--size 10G -O qcow2 -o preallocation=metadata")]
    [InlineData("--size 3T -O qcow2 -o refcount_bits=1,cluster_size=512")]
    [InlineData("--output=json -O qcow2 IMAGE")]
    [InlineData("-O raw IMAGE")]
    [InlineData("-O qcow2 -o extended_l2=on IMAGE")]
    [InlineData("--output=json -O qcow2 -o compat=0.10 IMAGE")]
    public void ShouldMeasureAsDebianMeasures(string command)
    {
        string image = _dir["m.qcow2"];
        Oracle.DebianImg("create", "-f", "qcow2", image, "100M");
        Oracle.Io(image, "write -P 1 0 3M", "write -z 10M 1M", "write -P 2 50M 100k");
        Oracle.DebianImg("bitmap", "--add", image, "b0");
        string[] args = ["measure", .. command.Split(' ').Select(a => a == "IMAGE" ? image : a)];
        var theirs = Oracle.DebianImg(args);
        var ours = Oracle.Ours(args);
        Assert.Equal(theirs.Out, ours.Out);
        Assert.Equal(theirs.ExitCode, ours.ExitCode);
    }

    [Fact]
    public void ShouldBenchWritesThatDebianReadsBack()
    {
        string image = _dir["b.qcow2"];
        Oracle.Ours("create", "-f", "qcow2", image, "64M");
        var r = Oracle.Ours("bench", "-w", "-c", "500", "--pattern=5", "--flush-interval=50", "-S", "65536", image);
        Assert.StartsWith("Sending 500 write requests, 4096 bytes each, 64 in parallel (starting at offset 0, step size 65536)\nSending flush every 50 requests\nRun completed in ", r.Out);
        AssertClean(image);
        Assert.DoesNotContain("verification failed", Oracle.Io(image, "read -P 5 0 4k", "read -P 5 32702464 4k").Out);
    }

    [Fact]
    public void ShouldDdAsDebianDoes()
    {
        string image = _dir["d.qcow2"];
        Oracle.DebianImg("create", "-f", "qcow2", image, "4M");
        Oracle.Io(image, "write -P 1 0 3M");
        Assert.Equal(0, Oracle.Ours("dd", "-O", "qcow2", "if=" + image, "of=" + _dir["o.qcow2"], "bs=64k", "skip=1", "count=20").ExitCode);
        Oracle.DebianImg("dd", "-O", "qcow2", "if=" + image, "of=" + _dir["t.qcow2"], "bs=64k", "skip=1", "count=20");
        AssertClean(_dir["o.qcow2"]);
        Assert.Equal(0, Oracle.DebianImg("compare", "-s", _dir["o.qcow2"], _dir["t.qcow2"]).ExitCode);
    }

    private static void AssertClean(string image)
    {
        var r = Oracle.DebianImg("check", image);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
    }

    public void Dispose() => _dir.Dispose();
}

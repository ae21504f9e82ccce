namespace QemuSharp.Block.Tests;

/// <summary>convert round trips and options, and compare's verdicts and exit codes, against Debian's.</summary>
public sealed class ConvertCompareTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void ShouldRoundTripAlternatingTools()
    {
        string raw = _dir.MakeRaw("src.raw", 6_000_000, 11);
        Assert.Equal(0, Oracle.Ours("convert", "-O", "qcow2", raw, _dir["1.qcow2"]).ExitCode);
        Assert.Equal(0, Oracle.DebianImg("convert", "-c", "-O", "qcow2", _dir["1.qcow2"], _dir["2.qcow2"]).ExitCode);
        Assert.Equal(0, Oracle.Ours("convert", "-c", "-O", "qcow2", "-o", "cluster_size=2M", _dir["2.qcow2"], _dir["3.qcow2"]).ExitCode);
        Assert.Equal(0, Oracle.DebianImg("convert", "-O", "raw", _dir["3.qcow2"], _dir["4.raw"]).ExitCode);
        byte[] original = File.ReadAllBytes(raw);
        byte[] back = File.ReadAllBytes(_dir["4.raw"]);
        Assert.Equal((original.Length + 511) & ~511, back.Length);
        Assert.True(original.AsSpan().SequenceEqual(back.AsSpan(0, original.Length)));
        Assert.False(back.AsSpan(original.Length).ContainsAnyExcept((byte)0));
    }

    [Fact]
    public void ShouldFullyAllocateWithSparseSizeZero()
    {
        string raw = _dir["z.raw"];
        File.WriteAllBytes(raw, new byte[1 << 20]);
        Assert.Equal(0, Oracle.Ours("convert", "-S", "0", "-O", "qcow2", raw, _dir["z.qcow2"]).ExitCode);
        Assert.Equal(2, Oracle.DebianImg("map", "--output=json", _dir["z.qcow2"]).Out.Split('\n').Length);
        Assert.Contains("\"data\": true", Oracle.DebianImg("map", "--output=json", _dir["z.qcow2"]).Out);
    }

    [Fact]
    public void ShouldWriteOnlyTheTopLayerOverANewBackingFile()
    {
        string baseImage = _dir["base.qcow2"];
        Oracle.DebianImg("create", "-f", "qcow2", baseImage, "4M");
        Oracle.Io(baseImage, "write -P 1 0 4M");
        Oracle.DebianImg("create", "-f", "qcow2", "-b", baseImage, "-F", "qcow2", _dir["top.qcow2"]);
        Oracle.Io(_dir["top.qcow2"], "write -P 2 1M 64k", "write -z 2M 64k");
        var r = Oracle.Ours("convert", "-B", baseImage, "-F", "qcow2", "-O", "qcow2", _dir["top.qcow2"], _dir["out.qcow2"]);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Equal(0, Oracle.DebianImg("check", _dir["out.qcow2"]).ExitCode);
        Assert.Equal(0, Oracle.DebianImg("compare", _dir["top.qcow2"], _dir["out.qcow2"]).ExitCode);
        Assert.Equal(Oracle.DebianImg("map", "--output=json", _dir["top.qcow2"]).Out.Replace("327680", "X"),
            Oracle.DebianImg("map", "--output=json", _dir["out.qcow2"]).Out.Replace("327680", "X"));
    }

    [Fact]
    public void ShouldConvertIntoAnExistingImageWithNoCreate()
    {
        string raw = _dir.MakeRaw("n.raw", 2 << 20, 12);
        Oracle.DebianImg("create", "-f", "qcow2", _dir["n.qcow2"], "4M");
        Oracle.Io(_dir["n.qcow2"], "write -P 9 0 4M");
        Assert.Equal(0, Oracle.Ours("convert", "-n", "-f", "raw", "-O", "qcow2", raw, _dir["n.qcow2"]).ExitCode);
        Assert.Equal(0, Oracle.DebianImg("check", _dir["n.qcow2"]).ExitCode);
        Assert.Contains("Content mismatch at offset 2097152!", Oracle.DebianImg("compare", "-f", "raw", "-F", "qcow2", raw, _dir["n.qcow2"]).Out);
    }

    [Fact]
    public void ShouldPrintProgressAndRefuseCompressionIntoRaw()
    {
        string raw = _dir.MakeRaw("p.raw", 1 << 20, 13);
        var r = Oracle.Ours("convert", "-p", "-O", "qcow2", raw, _dir["p.qcow2"]);
        Assert.StartsWith("    (0.00/100%)\r", r.Out);
        Assert.EndsWith("    (100.00/100%)\r\n", r.Out);
        var theirs = Oracle.DebianImg("convert", "-c", "-O", "raw", raw, _dir["c1.raw"]);
        var ours = Oracle.Ours("convert", "-c", "-O", "raw", raw, _dir["c2.raw"]);
        Assert.Equal(theirs.ExitCode, ours.ExitCode);
        Assert.Equal(theirs.Err, ours.Err);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("write -P 1 70000 1", "")]
    [InlineData("", "write -z 0 64k")]
    [InlineData("write -P 3 1M 512", "write -P 3 1M 512")]
    public void ShouldCompareAsDebianCompares(string first, string second)
    {
        string a = _dir["a.qcow2"];
        string b = _dir["b.qcow2"];
        Oracle.DebianImg("create", "-f", "qcow2", a, "2M");
        Oracle.DebianImg("create", "-f", "qcow2", b, "3M");
        if (first.Length > 0)
            Oracle.Io(a, first);
        if (second.Length > 0)
            Oracle.Io(b, second);
        foreach (string[] args in new[] { new[] { "compare", a, b }, ["compare", "-s", a, b] })
        {
            var theirs = Oracle.DebianImg(args);
            var ours = Oracle.Ours(args);
            Assert.Equal(theirs.ExitCode, ours.ExitCode);
            Assert.Equal(theirs.Out, ours.Out);
        }
        Assert.Equal(2, Oracle.Ours("compare", a, _dir["missing.qcow2"]).ExitCode);
    }

    public void Dispose() => _dir.Dispose();
}

using QemuSharp.Block.Tools;

namespace QemuSharp.Block.Tests;

public sealed class ToolSyntaxTests
{
    [Theory]
    [InlineData(0L, "0 B")]
    [InlineData(1000L, "0.977 KiB")]
    [InlineData(200704L, "196 KiB")]
    [InlineData(1073741824L, "1 GiB")]
    [InlineData(1245184L, "1.19 MiB")]
    [InlineData(67043328L, "63.9 MiB")]
    public void ShouldPrintSizesAsQemuDoes(long bytes, string text) => Assert.Equal(text, Sizes.Human(bytes));

    [Theory]
    [InlineData("512", 512L)]
    [InlineData("64k", 65536L)]
    [InlineData("1.5M", 1572864L)]
    [InlineData("2T", 2199023255552L)]
    public void ShouldParseQemuSizes(string text, long bytes)
    {
        Assert.True(Sizes.TryParse(text, out long value));
        Assert.Equal(bytes, value);
    }

    [Theory]
    [InlineData("1Q")]
    [InlineData("")]
    [InlineData("k")]
    public void ShouldRejectMalformedSizes(string text) => Assert.False(Sizes.TryParse(text, out _));

    [Fact]
    public void ShouldSplitOptionListsWithEscapedCommas()
    {
        var list = OptionString.Parse("backing_file=a,,b.img,lazy_refcounts,cluster_size=4k");
        Assert.Equal(
            [new("backing_file", "a,b.img"), new("lazy_refcounts", "on"), new("cluster_size", "4k")],
            list);
    }

    [Fact]
    public void ShouldAcceptOptionsAfterOperandsAndGroupedFlags()
    {
        var (options, operands) = new GetOpt("f:qc", new() { ["output"] = ("output", true) })
            .Parse(["img.qcow2", "-qc", "-fqcow2", "--output=json", "1G"]);
        Assert.Equal([("q", null), ("c", null), ("f", "qcow2"), ("output", "json")], options);
        Assert.Equal(["img.qcow2", "1G"], operands);
    }

    [Fact]
    public void ShouldReportUnknownOptionsAsQemuImgDoes()
    {
        var r = Oracle.Ours("info", "-Z", "x");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("qemu-img: invalid option -- 'Z'\nTry 'qemu-img --help' for more information\n", r.Err);
    }
}

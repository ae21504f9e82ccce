using QemuSharp.Common.Options;

namespace QemuSharp.Common.Tests.Options;

public class QemuValueParserTests
{
    [Theory]
    [InlineData("0", 0UL)]
    [InlineData("16", 16UL)]
    [InlineData("16B", 16UL)]
    [InlineData("4k", 4096UL)]
    [InlineData("4K", 4096UL)]
    [InlineData("2M", 2UL << 20)]
    [InlineData("1G", 1UL << 30)]
    [InlineData("1T", 1UL << 40)]
    [InlineData("1P", 1UL << 50)]
    [InlineData("1E", 1UL << 60)]
    [InlineData("1.5k", 1536UL)]
    [InlineData("0x10", 16UL)]
    public void ShouldParseSizesWithQemuSuffixes(string text, ulong expected)
    {
        Assert.Equal(expected, QemuValueParser.ParseSize("size", text));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("1Q")]
    [InlineData("")]
    public void ShouldRejectMalformedSizesWithQemuMessage(string text)
    {
        var e = Assert.Throws<OptionException>(() => QemuValueParser.ParseSize("size", text));
        Assert.Equal(
            "Parameter 'size' expects a non-negative number below 2^64\n" +
            "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\nand exabytes, respectively.",
            e.Message);
    }

    [Theory]
    [InlineData("99999999999999999999")]
    [InlineData("16E")]
    public void ShouldRejectSizesOutOfRangeWithQemuMessage(string text)
    {
        var e = Assert.Throws<OptionException>(() => QemuValueParser.ParseSize("size", text));
        Assert.Equal($"Value '{text}' is out of range for parameter 'size'", e.Message);
    }

    [Theory]
    [InlineData("10", 10UL)]
    [InlineData("0x1f", 31UL)]
    [InlineData("010", 8UL)]
    [InlineData("-1", ulong.MaxValue)]
    public void ShouldParseNumbersAsStrtoull(string text, ulong expected)
    {
        Assert.Equal(expected, QemuValueParser.ParseNumber("n", text));
    }
}

using QemuSharp.Block.Formats.Qcow2;

namespace QemuSharp.Block.Tests;

public sealed class Qcow2HeaderTests
{
    [Fact]
    public void ShouldKeepUnknownExtensionsAndBackingNamesAcrossARewrite()
    {
        var header = new Qcow2Header
        {
            Size = 1 << 30,
            L1Size = 2,
            L1TableOffset = 3 << 16,
            RefcountTableOffset = 1 << 16,
            RefcountTableClusters = 1,
            BackingFile = "base.img",
            BackingFormat = "raw",
        };
        header.Extensions.Add(new HeaderExtension(0x12345678, [1, 2, 3]));
        var parsed = Qcow2Header.Parse(Pad(header.Serialize()));
        Assert.Equal("base.img", parsed.BackingFile);
        Assert.Equal("raw", parsed.BackingFormat);
        var unknown = Assert.Single(parsed.Extensions);
        Assert.Equal(0x12345678u, unknown.Type);
        Assert.Equal([1, 2, 3], unknown.Data);
        Assert.Equal(Pad(header.Serialize()), Pad(parsed.Serialize()));
    }

    [Theory]
    [InlineData(0, 1L << 30, 2)]
    [InlineData(0, (1L << 30) + 1, 3)]
    [InlineData(1, 1L << 30, 4)]
    public void ShouldSizeTheL1TableForTheVirtualSize(int extendedL2, long size, long entries)
    {
        Assert.Equal(entries, Qcow2Header.MinL1Size(size, 16, extendedL2 == 1));
    }

    private static byte[] Pad(byte[] bytes)
    {
        Array.Resize(ref bytes, 65536);
        return bytes;
    }
}

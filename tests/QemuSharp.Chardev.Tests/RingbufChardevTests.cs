using QemuSharp.Common.Options;

namespace QemuSharp.Chardev.Tests;

public class RingbufChardevTests
{
    [Theory]
    [InlineData(0UL)]
    [InlineData(3UL)]
    [InlineData(1000UL)]
    public void ShouldRejectSizesThatAreNotPowersOfTwo(ulong size)
    {
        var e = Assert.Throws<OptionException>(() => new RingbufChardev("r", size));
        Assert.Equal("size of ringbuf chardev must be power of two", e.Message);
    }

    [Fact]
    public void ShouldKeepOnlyTheLastBytesWritten()
    {
        using var ring = new RingbufChardev("r", 4);
        ring.Write("abcdef"u8);
        Assert.Equal("cdef"u8.ToArray(), ring.Contents());
    }
}

using QemuSharp.Hw.Acpi;

namespace QemuSharp.Hw.Tests.Acpi;

public sealed class AmlTests
{
    [Theory]
    [InlineData(0ul, new byte[] { 0x00 })]
    [InlineData(1ul, new byte[] { 0x01 })]
    [InlineData(0x0aul, new byte[] { 0x0a, 0x0a })]
    [InlineData(0x1234ul, new byte[] { 0x0b, 0x34, 0x12 })]
    [InlineData(0xfed00000ul, new byte[] { 0x0c, 0x00, 0x00, 0xd0, 0xfe })]
    [InlineData(0x1_0000_0000ul, new byte[] { 0x0e, 0, 0, 0, 0, 1, 0, 0, 0 })]
    public void ShouldEncodeIntegersInTheShortestForm(ulong value, byte[] expected)
    {
        Assert.Equal(expected, Aml.Integer(value));
    }

    [Theory]
    [InlineData("PNP0A03", new byte[] { 0x0c, 0x41, 0xd0, 0x0a, 0x03 })]
    [InlineData("PNP0501", new byte[] { 0x0c, 0x41, 0xd0, 0x05, 0x01 })]
    public void ShouldCompressEisaIdsAsIaslDoes(string id, byte[] expected)
    {
        Assert.Equal(expected, Aml.EisaId(id));
    }

    [Theory]
    [InlineData("_HID", new byte[] { 0x5f, 0x48, 0x49, 0x44 })]
    [InlineData("ISA", new byte[] { 0x49, 0x53, 0x41, 0x5f })]
    [InlineData("\\_SB", new byte[] { 0x5c, 0x5f, 0x53, 0x42, 0x5f })]
    [InlineData("\\_SB.PCI0", new byte[] { 0x5c, 0x2e, 0x5f, 0x53, 0x42, 0x5f, 0x50, 0x43, 0x49, 0x30 })]
    [InlineData("A.B.C", new byte[] { 0x2f, 3, 0x41, 0x5f, 0x5f, 0x5f, 0x42, 0x5f, 0x5f, 0x5f, 0x43, 0x5f, 0x5f, 0x5f })]
    public void ShouldEncodeNamePathsWithRootAndSegmentPrefixes(string path, byte[] expected)
    {
        Assert.Equal(expected, Aml.NameString(path));
    }

    [Theory]
    [InlineData(0, new byte[] { 0x01 })]
    [InlineData(62, new byte[] { 0x3f })]
    [InlineData(63, new byte[] { 0x41, 0x04 })]
    [InlineData(4093, new byte[] { 0x4f, 0xff })]
    [InlineData(4094, new byte[] { 0x81, 0x00, 0x01 })]
    public void ShouldCountThePackageLengthBytesInThePackageLength(int bodyLength, byte[] expectedHead)
    {
        byte[] encoded = Aml.PackageLength(new byte[bodyLength]);
        Assert.Equal(expectedHead, encoded[..expectedHead.Length]);
        Assert.Equal(bodyLength + expectedHead.Length, encoded.Length);
    }

    [Fact]
    public void ShouldEncodeAnIoDescriptorAndEndTagInAResourceTemplate()
    {
        byte[] expected = [0x11, 0x0d, 0x0a, 0x0a, 0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x00, 0x08, 0x79, 0x00];
        Assert.Equal(expected, AmlResources.Template(AmlResources.Io(0x3f8, 0x3f8, 0, 8)));
    }

    [Fact]
    public void ShouldRejectNameSegmentsLongerThanFourCharacters()
    {
        Assert.Throws<ArgumentException>(() => Aml.NameString("TOOLONG"));
    }
}

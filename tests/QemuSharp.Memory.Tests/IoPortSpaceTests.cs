using QemuSharp.Memory;

namespace QemuSharp.Memory.Tests;

public sealed class IoPortSpaceTests
{
    private readonly IoPortSpace _io = new();
    private readonly List<(ulong Offset, int Size, ulong Value)> _writes = [];

    private IIoHandler Recorder() => new IoHandler((o, s) => 0xa0 + o, (o, s, v) => _writes.Add((o, s, v)));

    [Fact]
    public void ShouldFloatHighOnPortsNobodyDecodes() => Assert.Equal(0xffffffffu, _io.Read(0x1234, 4));

    [Fact]
    public void ShouldPassOffsetAndWidthToTheOwningWindow()
    {
        _io.Map(0x3f8, 8, Recorder(), "serial");
        _io.Write(0x3fb, 1, 0x83);
        Assert.Equal((3UL, 1, 0x83UL), _writes.Single());
        Assert.Equal(0xa5u, _io.Read(0x3fd, 1));
    }

    [Fact]
    public void ShouldSplitAWideAccessThatLeavesTheWindow()
    {
        _io.Map(0x80, 1, Recorder(), "post");
        Assert.Equal(0xffffffa0u, _io.Read(0x80, 4));
        _io.Write(0x7f, 2, 0x1234);
        Assert.Equal((0UL, 1, 0x12UL), _writes.Single());
    }

    [Fact]
    public void ShouldRefuseOverlappingWindows()
    {
        _io.Map(0x60, 1, Recorder(), "kbd");
        Assert.Throws<InvalidOperationException>(() => _io.Map(0x5f, 2, Recorder(), "other"));
    }
}

using QemuSharp.Memory;

namespace QemuSharp.Memory.Tests;

public sealed class PhysicalMemoryTests : IDisposable
{
    private readonly RamBlock _ram = new("pc.ram", 0x20000);
    private readonly PhysicalMemory _memory = new();
    private readonly List<(ulong Offset, int Size, ulong Value)> _writes = [];

    public PhysicalMemoryTests() => _memory.Map(0, MemoryRegion.Ram("ram", _ram));

    public void Dispose() => _ram.Dispose();

    private MemoryRegion Device(ulong size) =>
        MemoryRegion.Mmio("dev", size, new IoHandler((o, s) => o * 0x100 + (ulong)s, (o, s, v) => _writes.Add((o, s, v))));

    [Fact]
    public void ShouldLetALaterMappingCoverPartOfAnEarlierOne()
    {
        _memory.Map(0x10000, Device(0x1000));
        Assert.Equal(3, _memory.FlatView.Count);
        Assert.Equal(RegionKind.Io, _memory.Find(0x10800)!.Value.Region.Kind);
        Assert.Equal(0x11000UL, _memory.Find(0x11000)!.Value.RegionOffset);
    }

    [Fact]
    public void ShouldKeepTheHigherPriorityMappingOnTop()
    {
        _memory.Map(0x1000, Device(0x1000), priority: -1);
        Assert.Equal(RegionKind.Ram, _memory.Find(0x1800)!.Value.Region.Kind);
    }

    [Fact]
    public void ShouldSendMmioAccessesWithTheirWidthAndOffset()
    {
        _memory.Map(0x10000, Device(0x1000));
        _memory.Write(0x10010, 4, 0xdeadbeef);
        Assert.Equal((0x10UL, 4, 0xdeadbeefUL), _writes.Single());
        Assert.Equal(0x404UL, _memory.Read(0x10004, 4));
    }

    [Fact]
    public unsafe void ShouldRefuseHostPagesThatAreNotWholeRam()
    {
        _memory.Map(0x10800, Device(0x100));
        Assert.True(_memory.HostPage(0x10000, out _) == null);
        Assert.True(_memory.HostPage(0xf000, out bool writable) == _ram.Host + 0xf000);
        Assert.True(writable);
    }

    [Fact]
    public void ShouldReadZeroAndDropWritesWhereNothingIsMapped()
    {
        _memory.Write(0x900000, 8, ulong.MaxValue);
        Assert.Equal(0UL, _memory.Read(0x900000, 8));
    }

    [Theory]
    [InlineData(0x1fff0UL, 16, true)]
    [InlineData(0x1fff0UL, 17, false)]
    [InlineData(0xffffffffffffff00UL, 0x200, false)]
    public void ShouldAllowDmaOnlyInsideRam(ulong address, int length, bool allowed)
    {
        Assert.Equal(allowed, _memory.TryWrite(address, new byte[length]));
        Assert.Equal(allowed, _memory.TryRead(address, new byte[length]));
    }

    [Fact]
    public void ShouldRefuseDmaWritesIntoRomAndLeaveItUnchanged()
    {
        using var rom = new RamBlock("bios", 0x1000);
        rom.Slice(0, 1)[0] = 0x5a;
        _memory.Map(0xf0000, MemoryRegion.Rom("bios", rom));
        Assert.False(_memory.TryWrite(0xf0000, [1]));
        var b = new byte[1];
        Assert.True(_memory.TryRead(0xf0000, b));
        Assert.Equal(0x5a, b[0]);
    }

    [Fact]
    public void ShouldCopyDmaAcrossAdjacentRamRegions()
    {
        using var high = new RamBlock("high", 0x1000);
        _memory.Map(0x20000, MemoryRegion.Ram("high", high));
        byte[] data = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
        Assert.True(_memory.TryWrite(0x1fff0, data));
        var back = new byte[32];
        Assert.True(_memory.TryRead(0x1fff0, back));
        Assert.Equal(data, back);
        Assert.Equal(17, high.Slice(0, 1)[0]);
    }

    [Fact]
    public void ShouldChangeGenerationWhenTheMapChanges()
    {
        int before = _memory.Generation;
        var dev = Device(0x1000);
        _memory.Map(0x30000, dev);
        _memory.Unmap(dev);
        Assert.Equal(before + 2, _memory.Generation);
        Assert.Null(_memory.Find(0x30000));
    }
}

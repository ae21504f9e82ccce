using QemuSharp.Hw.Pci;

namespace QemuSharp.Hw.Tests;

public sealed class PciDeviceTests
{
    private readonly PciBus _bus = new();
    private readonly TestFunction _device = new();

    public PciDeviceTests() => _bus.Add(3, 0, _device);

    [Theory]
    [InlineData(0, 0xffffffe1u)]
    [InlineData(1, 0xfffff000u)]
    [InlineData(2, 0xfff0000cu)]
    [InlineData(3, 0xffffffffu)]
    [InlineData(4, 0x00000000u)]
    public void ShouldReportBarSizeWhenAllOnesAreWritten(int bar, uint expected)
    {
        _device.WriteConfig(0x10 + 4 * bar, 4, 0xffffffff);
        Assert.Equal(expected, _device.ReadConfig(0x10 + 4 * bar, 4));
    }

    [Fact]
    public void ShouldCombineBothHalvesOf64BitBar()
    {
        _device.WriteConfig(0x18, 4, 0xfe000000);
        _device.WriteConfig(0x1c, 4, 0x00000001);
        Assert.Equal(0x1_fe00_0000ul, _device.BarAddress(2));
    }

    [Fact]
    public void ShouldProtectReadOnlyHeaderFields()
    {
        _device.WriteConfig(0x00, 4, 0);
        _device.WriteConfig(0x08, 4, 0);
        _device.WriteConfig(0x3d, 1, 7);
        Assert.Equal(0x5678abcdu, _device.ReadConfig(0x00, 4));
        Assert.Equal(0xff000001u, _device.ReadConfig(0x08, 4));
        Assert.Equal(1u, _device.ReadConfig(0x3d, 1));
    }

    [Fact]
    public void ShouldClearStatusErrorBitsByWritingOnes()
    {
        _device.Config[0x07] = 0xf9;
        _device.WriteConfig(0x06, 2, 0x2000);
        Assert.Equal(0xd9u, _device.ReadConfig(0x07, 1));
    }

    [Fact]
    public void ShouldRouteIntxThroughSlotRotationAndHonourInterruptDisable()
    {
        var seen = new List<(int, bool)>();
        _bus.PirqChanged = (pirq, level) => seen.Add((pirq, level));
        _device.Assert(true);
        _device.WriteConfig(0x04, 2, 0x0400);
        Assert.Equal([(2, true), (2, false)], seen);
        Assert.Equal(0x08u, _device.ReadConfig(0x06, 1) & 0x08);
    }

    [Fact]
    public void ShouldRestorePowerOnValuesOnReset()
    {
        _device.WriteConfig(0x10, 4, 0xffffffff);
        _device.WriteConfig(0x40, 1, 0x12);
        _device.Reset();
        Assert.Equal(0x1u, _device.ReadConfig(0x10, 4));
        Assert.Equal(0u, _device.ReadConfig(0x40, 1));
        Assert.Equal("03.0", _device.Properties["addr"]);
    }

    private sealed class TestFunction : PciDevice
    {
        public TestFunction()
            : base(vendor: 0xabcd, device: 0x5678, revision: 1, classCode: 0xff0000)
        {
            DefineBar(0, 32, PciBarKind.Io);
            DefineBar(1, 4096, PciBarKind.Memory32);
            DefineBar(2, 1 << 20, PciBarKind.PrefetchableMemory64);
            SetInterruptPin(1);
        }

        public override string TypeName => "test";

        protected override string ClassName => "Class ff00";

        public void Assert(bool level) => SetIrq(level);
    }
}

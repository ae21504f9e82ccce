using QemuSharp.Common.Irq;
using QemuSharp.Hw.Pci;

namespace QemuSharp.Hw.Tests;

public sealed class Piix3IsaBridgeTests
{
    private readonly PciBus _bus = new();
    private readonly IrqLine[] _isa = new IrqLine[16];
    private readonly Piix3IsaBridge _piix3;

    public Piix3IsaBridgeTests()
    {
        for (int i = 0; i < 16; i++)
            _isa[i] = new IrqLine(_ => { });
        _piix3 = new Piix3IsaBridge(_bus, irq => _isa[irq], () => { });
        _bus.Add(1, 0, _piix3);
    }

    [Theory]
    [InlineData(0x04, 0x00)]
    [InlineData(0x07, 0x02)]
    [InlineData(0x4c, 0x4d)]
    [InlineData(0x4e, 0x03)]
    [InlineData(0x60, 0x80)]
    [InlineData(0x63, 0x80)]
    [InlineData(0x69, 0x02)]
    [InlineData(0x70, 0x80)]
    [InlineData(0x76, 0x0c)]
    [InlineData(0xa0, 0x08)]
    [InlineData(0xa8, 0x0f)]
    public void ShouldPowerOnWithDataSheetDefaults(int register, int expected)
    {
        Assert.Equal((uint)expected, _piix3.ReadConfig(register, 1));
    }

    [Fact]
    public void ShouldRouteAssertedPirqToProgrammedIsaIrq()
    {
        _bus.WriteConfig(0x08, 0x61, 1, 0x0b);
        _bus.PirqChanged!(1, true);
        Assert.True(_isa[11].Level);
        _bus.WriteConfig(0x08, 0x61, 1, 0x8b);
        Assert.False(_isa[11].Level);
        Assert.Equal(-1, _piix3.PirqRoute(1));
    }

    [Fact]
    public void ShouldRestoreDisabledRoutingOnReset()
    {
        _bus.WriteConfig(0x08, 0x60, 4, 0x0b0b0a0a);
        _bus.Reset();
        Assert.Equal(0x80808080u, _piix3.ReadConfig(0x60, 4));
    }

    [Fact]
    public void ShouldDescribeItselfAsMultifunctionIsaBridge()
    {
        Assert.Equal("true", _piix3.Properties["multifunction"]);
        Assert.Equal(["class ISA bridge, addr 00:01.0, pci id 8086:7000 (sub 1af4:1100)"], _piix3.Details);
    }
}

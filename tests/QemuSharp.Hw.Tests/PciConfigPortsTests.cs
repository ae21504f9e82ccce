using QemuSharp.Common.Irq;
using QemuSharp.Hw.Pci;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Tests;

public sealed class PciConfigPortsTests
{
    private readonly IoPortSpace _io = new();
    private readonly PciBus _bus = new();
    private int _resets;

    public PciConfigPortsTests()
    {
        _bus.Add(0, 0, new I440fxHostBridge());
        var piix3 = new Piix3IsaBridge(_bus, _ => NullIrqLine.Instance, () => _resets++);
        _bus.Add(1, 0, piix3);
        new PciConfigPorts(_bus, piix3.ResetControl).Attach(_io);
    }

    private static uint Address(int bus, int device, int function, int register) =>
        0x80000000u | (uint)(bus << 16 | device << 11 | function << 8 | (register & 0xfc));

    private uint Read(int device, int function, int register, int size)
    {
        _io.Write(0xcf8, 4, Address(0, device, function, register));
        return _io.Read((ushort)(0xcfc + (register & 3)), size);
    }

    [Fact]
    public void ShouldPassLinuxType1Check()
    {
        _io.Write(0xcfb, 1, 0x01);
        uint saved = _io.Read(0xcf8, 4);
        _io.Write(0xcf8, 4, 0x80000000);
        Assert.Equal(0x80000000u, _io.Read(0xcf8, 4));
        _io.Write(0xcf8, 4, saved);
        Assert.Equal(0x0600u, Read(0, 0, 0x0a, 2));
    }

    [Theory]
    [InlineData(0, 0, 0x00, 4, 0x12378086u)]
    [InlineData(0, 0, 0x02, 2, 0x1237u)]
    [InlineData(0, 0, 0x0b, 1, 0x06u)]
    [InlineData(1, 0, 0x00, 4, 0x70008086u)]
    [InlineData(1, 0, 0x0e, 1, 0x80u)]
    [InlineData(1, 0, 0x61, 1, 0x80u)]
    [InlineData(0, 0, 0x2c, 4, 0x11001af4u)]
    [InlineData(2, 0, 0x00, 4, 0xffffffffu)]
    [InlineData(1, 1, 0x00, 2, 0xffffu)]
    public void ShouldReadConfigurationSpaceWithEveryAccessSize(int device, int function, int register, int size, uint expected)
    {
        Assert.Equal(expected, Read(device, function, register, size));
    }

    [Fact]
    public void ShouldFindNothingWhenEnableBitIsClearOrBusIsNotZero()
    {
        _io.Write(0xcf8, 4, 0x00000000);
        Assert.Equal(0xffffffffu, _io.Read(0xcfc, 4));
        _io.Write(0xcf8, 4, Address(1, 0, 0, 0));
        Assert.Equal(0xffffffffu, _io.Read(0xcfc, 4));
    }

    [Fact]
    public void ShouldWriteConfigurationBytesThroughTheDataWindow()
    {
        _io.Write(0xcf8, 4, Address(0, 1, 0, 0x60));
        _io.Write(0xcfe, 1, 0x0b);
        Assert.Equal(0x800b8080u, _io.Read(0xcfc, 4));
    }

    [Fact]
    public void ShouldIgnoreReservedAddressBitsWhenDecoding()
    {
        _io.Write(0xcf8, 4, 0xff000003);
        Assert.Equal(0xff000003u, _io.Read(0xcf8, 4));
        Assert.Equal(0x12378086u, _io.Read(0xcfc, 4));
    }

    [Fact]
    public void ShouldResetSystemWhenRcpuIsWrittenToCf9()
    {
        _io.Write(0xcf9, 1, 0x02);
        Assert.Equal(0, _resets);
        Assert.Equal(0x02u, _io.Read(0xcf9, 1));
        _io.Write(0xcf9, 1, 0x06);
        Assert.Equal(1, _resets);
    }

    [Fact]
    public void ShouldMatchQemuWritableBitsOfBothFunctions()
    {
        var script = new QemuPortScript();
        foreach (int devfn in new[] { 0x00, 0x08 })
        {
            for (int register = 0x04; register < 0x40; register += 4)
            {
                script.PciRead(devfn, register).PciWrite(devfn, register, 0xffffffff).PciRead(devfn, register)
                    .PciWrite(devfn, register, 0).PciRead(devfn, register);
            }
        }
        script.PciWrite(0x08, 0x60, 0xffffffff).PciRead(0x08, 0x60).PciWrite(0x08, 0x60, 0x80808080)
            .Out32(0xcf8, 0x80000070).Out8(0xcfe, 0x4d).In32(0xcfc).Out8(0xcfe, 0x0a).In32(0xcfc)
            .Out32(0xcf8, 0xff000003).In32(0xcf8).Out8(0xcfb, 0x01).In32(0xcf8)
            .Out32(0xcf8, 0x80000000).In8(0xcfc).In8(0xcfd).In8(0xcfe).In8(0xcff)
            .Out32(0xcf8, 0x80010000).In32(0xcfc)
            .Out32(0xcf8, 0x00000000).In32(0xcfc);
        script.AssertSameAsQemu(new PcDevices().Io);
    }
}

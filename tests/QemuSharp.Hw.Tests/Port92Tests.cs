using QemuSharp.Hw.Misc;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Tests;

public sealed class Port92Tests
{
    private readonly IoPortSpace _io = new();
    private readonly List<bool> _a20 = [];
    private int _resets;

    public Port92Tests() => new Port92(() => _resets++, _a20.Add).Attach(_io);

    [Fact]
    public void ShouldGateA20WithBit1AndReadItBack()
    {
        _io.Write(0x92, 1, 0x02);
        Assert.Equal(0x02u, _io.Read(0x92, 1));
        _io.Write(0x92, 1, 0x00);
        Assert.Equal([true, false], _a20);
        Assert.Equal(0, _resets);
    }

    [Fact]
    public void ShouldResetOnlyOnRisingEdgeOfBit0()
    {
        _io.Write(0x92, 1, 0x03);
        _io.Write(0x92, 1, 0x03);
        Assert.Equal(1, _resets);
        _io.Write(0x92, 1, 0x02);
        _io.Write(0x92, 1, 0x03);
        Assert.Equal(2, _resets);
    }

    [Fact]
    public void ShouldKeepA20BitAcrossSystemReset()
    {
        var port92 = new Port92(() => _resets++, _a20.Add);
        port92.Write(0, 1, 0x03);
        port92.Reset();
        Assert.Equal(0x02u, port92.Read(0, 1));
    }

    [Fact]
    public void ShouldFloatPort80ReadsAndIgnoreWrites()
    {
        new DebugPort80().Attach(_io);
        _io.Write(0x80, 1, 0x12);
        Assert.Equal(0xffu, _io.Read(0x80, 1));
    }

    [Fact]
    public void ShouldMatchQemuPort92AndPort61Writes()
    {
        // Port 0x61 bit 5 is PIT channel 2's OUT, which depends on time; bit 4 toggles on every read
        // in both. Bits 2 and 3 (SERR# and IOCHK# enables) are read/write in the PIIX, QEMU drops them.
        var script = new QemuPortScript()
            .In8(0x92).Out8(0x92, 0x02).In8(0x92).Out8(0x92, 0x00).In8(0x92)
            .Out8(0x61, 0xff).In8(0x61, 0xd3).Out8(0x61, 0x00).In8(0x61, 0xd3).In8(0x61, 0xd3);
        script.AssertSameAsQemu(new PcDevices().Io);
    }
}

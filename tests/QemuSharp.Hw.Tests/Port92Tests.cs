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
    public void ShouldFloatPort80ReadsAndIgnoreWrites()
    {
        new DebugPort80().Attach(_io);
        _io.Write(0x80, 1, 0x12);
        Assert.Equal(0xffu, _io.Read(0x80, 1));
    }
}

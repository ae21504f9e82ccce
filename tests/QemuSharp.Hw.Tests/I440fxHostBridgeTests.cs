using QemuSharp.Hw.Pci;

namespace QemuSharp.Hw.Tests;

public sealed class I440fxHostBridgeTests
{
    private readonly I440fxHostBridge _host = new();

    [Fact]
    public void ShouldStoreAndReportPamRegisters()
    {
        _host.WriteConfig(0x59, 4, 0x33333330);
        Assert.Equal(0x30, _host.Pam(0));
        Assert.Equal(0x33333330u, _host.ReadConfig(0x59, 4));
    }

    [Fact]
    public void ShouldStoreSmramControl()
    {
        Assert.Equal(0x02u, _host.ReadConfig(0x72, 1));
        _host.WriteConfig(0x72, 1, 0x4d);
        Assert.Equal(0x4du, _host.ReadConfig(0x72, 1));
    }

    [Fact]
    public void ShouldStartWithCommandClearAndKeepItsRevision()
    {
        Assert.Equal(0x0000u, _host.ReadConfig(0x04, 2));
        _host.WriteConfig(0x08, 1, 0x55);
        Assert.Equal(0x02u, _host.ReadConfig(0x08, 1));
    }
}

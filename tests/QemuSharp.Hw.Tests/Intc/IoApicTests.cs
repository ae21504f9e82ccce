using QemuSharp.Common.Irq;
using QemuSharp.Hw.Intc;

namespace QemuSharp.Hw.Tests.Intc;

public sealed class IoApicTests
{
    private readonly List<ApicMessage> _sent = [];
    private readonly IoApic _ioapic;

    public IoApicTests() => _ioapic = new IoApic(_sent.Add);

    private uint ReadIndirect(byte index)
    {
        _ioapic.Write(0x00, 4, index);
        return (uint)_ioapic.Read(0x10, 4);
    }

    private void WriteIndirect(byte index, uint value)
    {
        _ioapic.Write(0x00, 4, index);
        _ioapic.Write(0x10, 4, value);
    }

    private void Route(int pin, uint low, byte destination = 0)
    {
        WriteIndirect((byte)(0x10 + 2 * pin + 1), (uint)destination << 24);
        WriteIndirect((byte)(0x10 + 2 * pin), low);
    }

    [Fact]
    public void ShouldReportVersion0x20With24Entries()
    {
        Assert.Equal(0x00170020u, ReadIndirect(0x01));
    }

    [Fact]
    public void ShouldResetWithEveryEntryMasked()
    {
        for (byte pin = 0; pin < IoApic.PinCount; pin++)
            Assert.Equal(0x10000u, ReadIndirect((byte)(0x10 + 2 * pin)));
    }

    [Fact]
    public void ShouldKeepTheFourBitIdInBits24To27()
    {
        WriteIndirect(0x00, 0xff000000);
        Assert.Equal(0x0f000000u, ReadIndirect(0x00));
    }

    [Fact]
    public void ShouldSendAnEdgeEntryOncePerRisingEdge()
    {
        Route(2, 0x30, destination: 1);
        IIrqLine pin = _ioapic.Input(2);
        pin.Raise();
        pin.Raise();
        pin.Lower();
        Assert.Equal([new ApicMessage(0x30, ApicDeliveryMode.Fixed, false, 1, false)], _sent);
    }

    [Fact]
    public void ShouldSendAnEdgeThatArrivedWhileMaskedWhenUnmasked()
    {
        Route(4, 0x10034);
        _ioapic.Input(4).Pulse();
        Assert.Empty(_sent);
        Route(4, 0x34);
        Assert.Single(_sent);
    }

    [Fact]
    public void ShouldSendALevelEntryAgainOnlyAfterEoiWhileTheInputStaysAsserted()
    {
        Route(9, 0x8000 | 0x39);
        IIrqLine pin = _ioapic.Input(9);
        pin.Raise();
        Assert.Single(_sent);
        Assert.NotEqual(0u, ReadIndirect(0x10 + 18) & 1 << 14);
        _ioapic.EndOfInterrupt(0x39);
        Assert.Equal(2, _sent.Count);
        pin.Lower();
        _ioapic.EndOfInterrupt(0x39);
        Assert.Equal(2, _sent.Count);
        Assert.Equal(0u, ReadIndirect(0x10 + 18) & 1 << 14);
    }

    [Fact]
    public void ShouldTakeADirectedEoiAtOffset0x40()
    {
        Route(10, 0x8000 | 0x3a);
        _ioapic.Input(10).Raise();
        _ioapic.Write(0x40, 4, 0x3a);
        Assert.Equal(2, _sent.Count);
    }

    [Fact]
    public void ShouldCarryDeliveryModeAndLogicalDestinationInTheMessage()
    {
        Route(1, 0x800 | 0x100 | 0x31, destination: 0x01);
        _ioapic.Input(1).Pulse();
        Assert.Equal(new ApicMessage(0x31, ApicDeliveryMode.LowestPriority, false, 1, true), _sent.Single());
    }

    [Fact]
    public void ShouldDeliverToALocalApic()
    {
        var apic = new LocalApic(new QemuSharp.Common.Time.TimerQueue(new QemuSharp.Common.Time.ManualClock()));
        apic.Write(0xf0, 4, 0x1ff);
        var ioapic = new IoApic(apic.Accept);
        apic.EoiBroadcast = ioapic.EndOfInterrupt;
        ioapic.Write(0x00, 4, 0x10 + 2 * 9);
        ioapic.Write(0x10, 4, 0x8000 | 0x49);
        ioapic.Input(9).Raise();
        Assert.Equal(0x49, apic.Acknowledge());
        apic.Write(0xb0, 4, 0);
        Assert.True(apic.HasInterrupt);
    }
}

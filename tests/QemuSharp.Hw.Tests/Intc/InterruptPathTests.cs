using QemuSharp.Common.Irq;
using QemuSharp.Common.Time;
using QemuSharp.Hw.Acpi;
using QemuSharp.Hw.Intc;
using QemuSharp.Hw.Timer;

namespace QemuSharp.Hw.Tests.Intc;

/// <summary>The platform chips wired as the pc machine wires them, programmed as Linux programs them.</summary>
public sealed class InterruptPathTests
{
    private readonly ManualClock _clock = new();
    private readonly TimerQueue _timers;
    private readonly LocalApic _apic;
    private readonly IoApic _ioapic;

    public InterruptPathTests()
    {
        _timers = new TimerQueue(_clock);
        _apic = new LocalApic(_timers);
        _ioapic = new IoApic(_apic.Accept);
        _apic.EoiBroadcast = _ioapic.EndOfInterrupt;
        _apic.Write(0xf0, 4, 0x1ff);
    }

    private void Redirect(int pin, uint low)
    {
        _ioapic.Write(0, 4, (uint)(0x10 + 2 * pin));
        _ioapic.Write(0x10, 4, low);
    }

    private void AdvanceTo(long ns)
    {
        _clock.NowNs = ns;
        _timers.RunExpired();
    }

    [Fact]
    public void ShouldDeliverHpetLegacyTicksToTheCpuThroughIoApicInput2()
    {
        var hpet = new Hpet(_timers, _ioapic.Input(2), _ioapic.Input(8), _ioapic.Input);
        Redirect(2, 0x30);
        hpet.Write(0x100, 4, 1 << 2 | 1 << 3 | 1 << 6 | 1 << 8);
        hpet.Write(0x108, 4, 100_000);
        hpet.Write(0x10, 4, 3);
        for (int tick = 1; tick <= 3; tick++)
        {
            AdvanceTo(tick * 1_000_000L);
            Assert.Equal(0x30, _apic.Acknowledge());
            Assert.False(_apic.HasInterrupt);
            _apic.Write(0xb0, 4, 0);
        }
    }

    [Fact]
    public void ShouldKeepDeliveringTheSciUntilThePowerButtonStatusIsCleared()
    {
        var pm = new Piix4Pm(_timers, _ioapic.Input(Piix4Pm.SciIrq));
        Redirect(Piix4Pm.SciIrq, 1 << 15 | 0x39);
        pm.Pm.Write(2, 2, 1 << 8);
        pm.PressPowerButton();
        Assert.Equal(0x39, _apic.Acknowledge());
        _apic.Write(0xb0, 4, 0);
        Assert.Equal(0x39, _apic.Acknowledge());
        pm.Pm.Write(0, 2, 1 << 8);
        _apic.Write(0xb0, 4, 0);
        Assert.False(_apic.HasInterrupt);
    }

    [Fact]
    public void ShouldWakeTheCpuForTheLocalTimerInOneShotMode()
    {
        int kicks = 0;
        _apic.Kick = () => kicks++;
        _apic.Write(0x3e0, 4, 0xb);
        _apic.Write(0x320, 4, 0xec);
        _apic.Write(0x380, 4, 1000);
        AdvanceTo(_timers.NextDeadline!.Value);
        Assert.Equal(1, kicks);
        Assert.Equal(0xec, _apic.Acknowledge());
    }
}

using QemuSharp.Common.Irq;
using QemuSharp.Common.Time;
using QemuSharp.Hw.Timer;

namespace QemuSharp.Hw.Tests.Timer;

public sealed class HpetTests
{
    private const ulong Config = 0x10, Status = 0x20, Counter = 0xf0, T0Config = 0x100, T0Compare = 0x108, T1Config = 0x120;
    private const uint Enable = 1, LegacyRoute = 2;
    private const uint TnLevel = 1 << 1, TnEnable = 1 << 2, TnPeriodic = 1 << 3, TnSetValue = 1 << 6, Tn32Bit = 1 << 8;

    private readonly ManualClock _clock = new();
    private readonly TimerQueue _timers;
    private readonly Probe _irq0 = new(), _irq8 = new(), _gsi2 = new();
    private readonly Hpet _hpet;
    private readonly List<bool> _pitEnabled = [];

    private sealed class Probe : IIrqLine
    {
        public bool Level { get; private set; }
        public int RisingEdges { get; private set; }

        public void Set(bool level)
        {
            if (level && !Level)
                RisingEdges++;
            Level = level;
        }
    }

    public HpetTests()
    {
        _timers = new TimerQueue(_clock);
        _hpet = new Hpet(_timers, _irq0, _irq8, pin => pin == 2 ? _gsi2 : NullIrqLine.Instance);
        _hpet.PitEnabledChanged = _pitEnabled.Add;
    }

    private uint Read32(ulong offset) => (uint)_hpet.Read(offset, 4);

    private void Write32(ulong offset, uint value) => _hpet.Write(offset, 4, value);

    private void AdvanceTo(long ns)
    {
        _clock.NowNs = ns;
        _timers.RunExpired();
    }

    [Fact]
    public void ShouldDescribeThreeTimersAt100MHzWithIntelVendorAndLegacyRoute()
    {
        Assert.Equal(0x8086a201u, Read32(0x0));
        Assert.Equal(10_000_000u, Read32(0x4));
    }

    [Fact]
    public void ShouldOfferRouteToIoApicInput2AndPeriodicAnd64BitOnEveryTimer()
    {
        for (ulong t = 0; t < 3; t++)
        {
            Assert.Equal(0x30u, Read32(T0Config + 0x20 * t));
            Assert.Equal(1u << 2, Read32(T0Config + 0x20 * t + 4));
        }
    }

    [Fact]
    public void ShouldCountAt100MHzOnlyWhileEnabled()
    {
        AdvanceTo(1000);
        Assert.Equal(0u, Read32(Counter));
        Write32(Config, Enable);
        AdvanceTo(2000);
        Assert.Equal(100u, Read32(Counter));
        Write32(Config, 0);
        AdvanceTo(5000);
        Assert.Equal(100u, Read32(Counter));
    }

    [Fact]
    public void ShouldPulseTheRoutedInputWhenTheCounterReachesAOneShotComparator()
    {
        Write32(T0Config, TnEnable | 2 << 9);
        _hpet.Write(T0Compare, 8, 50);
        Write32(Config, Enable);
        AdvanceTo(499);
        Assert.Equal(0, _gsi2.RisingEdges);
        AdvanceTo(500);
        Assert.Equal(1, _gsi2.RisingEdges);
        Assert.False(_gsi2.Level);
        AdvanceTo(100_000);
        Assert.Equal(1, _gsi2.RisingEdges);
    }

    [Fact]
    public void ShouldRepeatAPeriodicTimerWhoseComparatorWasSetWithValSet()
    {
        Write32(Config, LegacyRoute);
        Write32(T0Config, TnEnable | TnPeriodic | TnSetValue | Tn32Bit);
        Write32(T0Compare, 100);
        Write32(Config, LegacyRoute | Enable);
        AdvanceTo(1000);
        AdvanceTo(2000);
        AdvanceTo(3000);
        Assert.Equal(3, _irq0.RisingEdges);
        Assert.Equal(400u, Read32(T0Compare));
    }

    [Fact]
    public void ShouldTakeIrq0FromThePitInLegacyReplacementMode()
    {
        Write32(Config, LegacyRoute);
        Write32(Config, 0);
        Assert.Equal([false, true], _pitEnabled);
    }

    [Fact]
    public void ShouldHoldALevelInterruptUntilItsStatusBitIsWritten()
    {
        Write32(T0Config, TnEnable | TnLevel | Tn32Bit | 2 << 9);
        Write32(T0Compare, 10);
        Write32(Config, Enable);
        AdvanceTo(100);
        Assert.True(_gsi2.Level);
        Assert.Equal(1u, Read32(Status));
        Write32(Status, 1);
        Assert.False(_gsi2.Level);
        Assert.Equal(0u, Read32(Status));
    }

    [Fact]
    public void ShouldTruncateTheComparatorTo32BitsIn32BitMode()
    {
        Write32(T0Config, Tn32Bit);
        _hpet.Write(T0Compare, 8, 0x1_2345_6789);
        Assert.Equal(0x2345_6789ul, _hpet.Read(T0Compare, 8));
    }

    [Fact]
    public void ShouldForwardTheRtcInterruptToIrq8OnlyOutsideLegacyMode()
    {
        _hpet.RtcIrqInput.Raise();
        Assert.True(_irq8.Level);
        Write32(Config, LegacyRoute);
        Assert.False(_irq8.Level);
        _hpet.RtcIrqInput.Lower();
        _hpet.RtcIrqInput.Raise();
        Assert.False(_irq8.Level);
    }

    [Fact]
    public void ShouldRouteTimer1ToIrq8InLegacyMode()
    {
        Write32(T1Config, TnEnable | Tn32Bit);
        _hpet.Write(T1Config + 8, 4, 5);
        Write32(Config, LegacyRoute | Enable);
        AdvanceTo(50);
        Assert.Equal(1, _irq8.RisingEdges);
    }

    [Fact]
    public void ShouldKeepTheCounterWrittenWhileHalted()
    {
        _hpet.Write(Counter, 8, 1000);
        Write32(Config, Enable);
        AdvanceTo(100);
        Assert.Equal(1010ul, _hpet.Read(Counter, 8));
    }

    [Fact]
    public void ShouldFireOnTheNextTickWhenTheComparatorIsAlreadyBehindTheCounter()
    {
        Write32(Config, Enable);
        AdvanceTo(1000);
        Write32(T0Config, TnEnable | Tn32Bit | 2 << 9);
        Write32(T0Compare, 50);
        AdvanceTo(1009);
        Assert.Equal(0, _gsi2.RisingEdges);
        AdvanceTo(1010);
        Assert.Equal(1, _gsi2.RisingEdges);
    }

    [Fact]
    public void ShouldDropInterruptsRoutedBeyondTheIoApicsInputs()
    {
        Write32(T0Config, TnEnable | Tn32Bit | 31 << 9);
        Write32(T0Compare, 1);
        Write32(Config, Enable);
        AdvanceTo(100);
        Assert.Equal(0, _gsi2.RisingEdges + _irq0.RisingEdges);
    }
}

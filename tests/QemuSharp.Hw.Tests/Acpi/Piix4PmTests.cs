using QemuSharp.Common.Irq;
using QemuSharp.Common.Time;
using QemuSharp.Hw.Acpi;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Tests.Acpi;

public sealed class Piix4PmTests
{
    private readonly ManualClock _clock = new();
    private readonly TimerQueue _timers;
    private readonly IrqLine _sci = new(_ => { });
    private readonly IoPortSpace _io = new();
    private readonly Piix4Pm _pm;
    private int _powerOffs;

    public Piix4PmTests()
    {
        _timers = new TimerQueue(_clock);
        _pm = new Piix4Pm(_timers, _sci) { PowerOff = () => _powerOffs++ };
        _pm.Map(_io);
    }

    [Fact]
    public void ShouldCountThePmTimerAt3579545HzIn24Bits()
    {
        _clock.NowNs = 1_000_000_000;
        Assert.Equal(3_579_545u, _io.Read(0x608, 4));
        _clock.NowNs = 10_000_000_000;
        Assert.Equal(35_795_450u & 0xffffff, _io.Read(0x608, 4));
    }

    [Theory]
    [InlineData(0xf1, 1)]
    [InlineData(0xf0, 0)]
    public void ShouldToggleSciEnWithTheAcpiEnableAndDisableCommands(byte command, uint sciEn)
    {
        _io.Write(0xb2, 1, 0xf1);
        _io.Write(0xb2, 1, command);
        Assert.Equal(sciEn, _io.Read(0x604, 2) & 1);
    }

    [Fact]
    public void ShouldRaiseTheSciForAnEnabledPowerButtonPressUntilItsStatusIsCleared()
    {
        _pm.PressPowerButton();
        Assert.False(_sci.Level);
        _io.Write(0x602, 2, 1 << 8);
        Assert.True(_sci.Level);
        Assert.Equal(1u << 8, _io.Read(0x600, 2) & 1 << 8);
        _io.Write(0x600, 2, 1 << 8);
        Assert.False(_sci.Level);
        Assert.Equal(0u, _io.Read(0x600, 2) & 1 << 8);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    [InlineData(5, 0)]
    public void ShouldPowerOffOnlyForSleepType0WithSleepEnable(int sleepType, int powerOffs)
    {
        _io.Write(0x604, 2, (uint)(sleepType << 10 | 1 << 13 | 1));
        Assert.Equal(powerOffs, _powerOffs);
        Assert.Equal(0u, _io.Read(0x604, 2) & 1 << 13);
    }

    [Fact]
    public void ShouldSetTimerStatusWhenBit23OfTheTimerChanges()
    {
        long overflowNs = (long)Math.Ceiling((1 << 23) * 1e9 / 3_579_545);
        _clock.NowNs = overflowNs - 1;
        Assert.Equal(0u, _io.Read(0x600, 2) & 1);
        _clock.NowNs = overflowNs;
        Assert.Equal(1u, _io.Read(0x600, 2) & 1);
        _io.Write(0x600, 2, 1);
        Assert.Equal(0u, _io.Read(0x600, 2) & 1);
    }

    [Fact]
    public void ShouldRaiseTheSciAtTimerOverflowWhenTmrEnIsSet()
    {
        _io.Write(0x602, 2, 1);
        Assert.False(_sci.Level);
        _clock.NowNs = _timers.NextDeadline!.Value;
        _timers.RunExpired();
        Assert.True(_sci.Level);
    }

    [Fact]
    public void ShouldKeepGpe0EnableBitsAndDecodeTheWholeBlock()
    {
        _io.Write(0xafe2, 2, 0x0004);
        Assert.Equal(0x0004_0000u, _io.Read(0xafe0, 4));
    }

    [Fact]
    public void ShouldAnswerTheApmStatusPortAsScratch()
    {
        _io.Write(0xb3, 1, 0x5a);
        Assert.Equal(0x5au, _io.Read(0xb3, 1));
    }
}

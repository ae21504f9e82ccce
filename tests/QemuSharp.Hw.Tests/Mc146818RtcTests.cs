using QemuSharp.Common.Irq;
using QemuSharp.Common.Time;
using QemuSharp.Hw.Timer;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Tests;

public sealed class Mc146818RtcTests
{
    private static readonly DateTime Start = new(2026, 11, 25, 15, 50, 29, DateTimeKind.Utc);

    private readonly ManualClock _clock = new();
    private readonly TimerQueue _timers;
    private readonly IoPortSpace _io = new();
    private readonly IrqLine _irq8 = new(_ => { });
    private Mc146818Rtc _rtc;

    public Mc146818RtcTests()
    {
        _timers = new TimerQueue(_clock);
        _rtc = new Mc146818Rtc(_timers, _irq8, Start);
        _rtc.Attach(_io);
    }

    private byte Cmos(int index)
    {
        _io.Write(0x70, 1, (uint)index);
        return (byte)_io.Read(0x71, 1);
    }

    private void SetCmos(int index, byte value)
    {
        _io.Write(0x70, 1, (uint)index);
        _io.Write(0x71, 1, value);
    }

    private void Advance(long ns)
    {
        _clock.Advance(ns);
        _timers.RunExpired();
    }

    [Theory]
    [InlineData(0x00, 0x29)]
    [InlineData(0x02, 0x50)]
    [InlineData(0x04, 0x15)]
    [InlineData(0x06, 0x04)]
    [InlineData(0x07, 0x25)]
    [InlineData(0x08, 0x11)]
    [InlineData(0x09, 0x26)]
    [InlineData(0x32, 0x20)]
    [InlineData(0x0a, 0x26)]
    [InlineData(0x0b, 0x02)]
    [InlineData(0x0d, 0x80)]
    public void ShouldPowerOnWithHostTimeInBcdAnd24HourMode(int index, int expected)
    {
        Assert.Equal((byte)expected, Cmos(index));
    }

    [Theory]
    [InlineData(0x00, 29)]
    [InlineData(0x02, 50)]
    [InlineData(0x04, 15)]
    [InlineData(0x09, 26)]
    [InlineData(0x32, 20)]
    public void ShouldReportBinaryValuesWhenDmIsSet(int index, int expected)
    {
        SetCmos(0x0b, 0x06);
        Assert.Equal((byte)expected, Cmos(index));
    }

    [Theory]
    [InlineData(0, 0x12)]
    [InlineData(1, 0x01)]
    [InlineData(11, 0x11)]
    [InlineData(12, 0x92)]
    [InlineData(15, 0x83)]
    [InlineData(23, 0x91)]
    public void ShouldEncodeHoursWithPmBitIn12HourMode(int hour, int expected)
    {
        _rtc = new Mc146818Rtc(_timers, _irq8, new DateTime(2026, 1, 1, hour, 0, 0, DateTimeKind.Utc));
        _rtc.SetCmos(0x0b, 0x00);
        _rtc.Write(0, 1, 0x04);
        Assert.Equal((byte)expected, (byte)_rtc.Read(1, 1));
    }

    [Fact]
    public void ShouldFollowTheGuestClock()
    {
        Advance(61_000_000_000);
        Assert.Equal(0x30, Cmos(0x00));
        Assert.Equal(0x51, Cmos(0x02));
    }

    [Fact]
    public void ShouldSetUpdateInProgressOnlyIn244MicrosecondsBeforeEachUpdate()
    {
        Advance(1_000_000_000 - 300_000);
        Assert.Equal(0, Cmos(0x0a) & 0x80);
        Advance(100_000);
        Assert.Equal(0x80, Cmos(0x0a) & 0x80);
        Advance(200_000);
        Assert.Equal(0, Cmos(0x0a) & 0x80);
        Assert.Equal(0x30, Cmos(0x00));
    }

    [Fact]
    public void ShouldReadTimeAsLinuxDoesAfterWaitingForUipToClear()
    {
        Advance(1_000_000_000 - 100_000);
        int polls = 0;
        while ((Cmos(0x0a) & 0x80) != 0)
        {
            Advance(10_000);
            polls++;
        }
        Assert.InRange(polls, 1, 10);
        Assert.Equal(0x30, Cmos(0x00));
        Assert.Equal(0x20, Cmos(0x32));
    }

    [Fact]
    public void ShouldHoldTimeWhileSetAndRunFromWrittenTimeAfterwards()
    {
        SetCmos(0x0b, 0x82);
        SetCmos(0x00, 0x59);
        SetCmos(0x02, 0x59);
        SetCmos(0x04, 0x23);
        SetCmos(0x07, 0x31);
        SetCmos(0x08, 0x12);
        SetCmos(0x09, 0x99);
        SetCmos(0x32, 0x19);
        Advance(5_000_000_000);
        Assert.Equal(0x59, Cmos(0x00));
        SetCmos(0x0b, 0x02);
        Advance(1_000_000_000);
        Assert.Equal(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), _rtc.Now);
        Assert.Equal(0x00, Cmos(0x09));
        Assert.Equal(0x20, Cmos(0x32));
    }

    [Fact]
    public void ShouldClearUieWhenSetIsWritten()
    {
        SetCmos(0x0b, 0x92);
        Assert.Equal(0x82, Cmos(0x0b));
    }

    [Fact]
    public void ShouldRaisePeriodicInterruptAt1024HzAndClearItWhenRegisterCIsRead()
    {
        SetCmos(0x0b, 0x42);
        Advance(976_000);
        Assert.False(_irq8.Level);
        Advance(1_000);
        Assert.True(_irq8.Level);
        Assert.Equal(0xc0, Cmos(0x0c));
        Assert.False(_irq8.Level);
        Assert.Equal(0x00, Cmos(0x0c));
    }

    [Fact]
    public void ShouldStopTimersUntilRegisterCIsReadAgain()
    {
        SetCmos(0x0b, 0x52);
        Advance(1_000_000_000);
        Assert.True(_irq8.Level);
        Assert.Null(_timers.NextDeadline);
        Cmos(0x0c);
        Assert.NotNull(_timers.NextDeadline);
    }

    [Theory]
    [InlineData(0x03, 122_071)]
    [InlineData(0x01, 3_906_250)]
    [InlineData(0x0f, 500_000_000)]
    public void ShouldUseTheDataSheetPeriodForEachRate(int rate, long periodNs)
    {
        SetCmos(0x0a, (byte)(0x20 | rate));
        SetCmos(0x0b, 0x42);
        Advance(periodNs - 2);
        Assert.False(_irq8.Level);
        Advance(2);
        Assert.True(_irq8.Level);
    }

    [Fact]
    public void ShouldSetPeriodicFlagWithoutInterruptWhenPieIsClear()
    {
        Advance(2_000_000);
        Assert.False(_irq8.Level);
        Assert.Equal(0x40, Cmos(0x0c) & 0xc0);
    }

    [Fact]
    public void ShouldRaiseUpdateEndedInterruptAtTheNextSecond()
    {
        Advance(500_000_000);
        SetCmos(0x0b, 0x12);
        Advance(499_999_999);
        Assert.False(_irq8.Level);
        Advance(1);
        Assert.True(_irq8.Level);
        // PF is set too: the periodic flag runs whether or not PIE is set.
        Assert.Equal(0xd0, Cmos(0x0c));
    }

    [Fact]
    public void ShouldRaiseAlarmInterruptWhenTimeMatchesWithDontCareHours()
    {
        SetCmos(0x01, 0x31);
        SetCmos(0x03, 0x50);
        SetCmos(0x05, 0xc0);
        SetCmos(0x0b, 0x22);
        Advance(1_000_000_000);
        Assert.False(_irq8.Level);
        Advance(1_000_000_000);
        Assert.True(_irq8.Level);
        Assert.Equal(0xf0, Cmos(0x0c));
    }

    [Fact]
    public void ShouldKeepNmiMaskBitOutOfTheIndex()
    {
        _io.Write(0x70, 1, 0x8b);
        Assert.True(_rtc.NmiMasked);
        Assert.Equal(0x02u, _io.Read(0x71, 1));
    }

    [Fact]
    public void ShouldClearInterruptEnablesOnResetButKeepCmosRam()
    {
        SetCmos(0x40, 0x5a);
        SetCmos(0x0b, 0x72);
        _rtc.Reset();
        Assert.Equal(0x02, Cmos(0x0b));
        Assert.Equal(0x5a, Cmos(0x40));
    }

    [Theory]
    [InlineData(256L << 20, 0L, new byte[] { 0x80, 0x02, 0xff, 0xff, 0xff, 0xff, 0x00, 0x0f, 0x00, 0x00, 0x00 })]
    [InlineData(3L << 30, 5L << 30, new byte[] { 0x80, 0x02, 0xff, 0xff, 0xff, 0xff, 0x00, 0xbf, 0x00, 0x40, 0x01 })]
    [InlineData(8L << 20, 0L, new byte[] { 0x80, 0x02, 0x00, 0x1c, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00 })]
    public void ShouldFillQemuMemorySizeBytes(long below, long above, byte[] expected)
    {
        _rtc.SetMemorySize((ulong)below, (ulong)above);
        int[] indices = [0x15, 0x16, 0x17, 0x18, 0x30, 0x31, 0x34, 0x35, 0x5b, 0x5c, 0x5d];
        Assert.Equal(expected, indices.Select(i => Cmos(i)).ToArray());
    }

    [Fact]
    public void ShouldMatchQemuRegisterWrites()
    {
        var script = new QemuPortScript()
            .Out8(0x70, 0x0a).Out8(0x71, 0xaf).In8(0x71, 0x7f).Out8(0x71, 0x26).In8(0x71, 0x7f)
            .Out8(0x70, 0x0b).Out8(0x71, 0x92).In8(0x71).Out8(0x71, 0x06).In8(0x71).Out8(0x71, 0x02).In8(0x71)
            .Out8(0x70, 0x0d).Out8(0x71, 0x00).In8(0x71)
            .Out8(0x70, 0x40).Out8(0x71, 0x5a).In8(0x71)
            .Out8(0x70, 0x8b).In8(0x71)
            .Out8(0x70, 0x7f).Out8(0x71, 0xa5).In8(0x71);
        script.AssertSameAsQemu(new PcDevices().Io);
    }
}

using QemuSharp.Common.Irq;
using QemuSharp.Common.Time;
using QemuSharp.Hw.Misc;
using QemuSharp.Hw.Timer;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Tests;

public sealed class I8254PitTests
{
    private readonly ManualClock _clock = new();
    private readonly TimerQueue _timers;
    private readonly IoPortSpace _io = new();
    private readonly List<bool> _irq0Levels = [];
    private readonly IrqLine _irq0;
    private readonly I8254Pit _pit;

    public I8254PitTests()
    {
        _clock.NowNs = 1_000_000;
        _timers = new TimerQueue(_clock);
        _irq0 = new IrqLine(_irq0Levels.Add);
        _pit = new I8254Pit(_timers, _irq0);
        _pit.Attach(_io);
        new PcSpeaker(_pit).Attach(_io);
    }

    private void Out(ushort port, uint value) => _io.Write(port, 1, value);

    private uint In(ushort port) => _io.Read(port, 1);

    /// <summary>Moves the clock to the first nanosecond of the given PIT clock count after <paramref name="start"/>.</summary>
    private void AtTick(long start, long tick) =>
        _clock.NowNs = start + (long)Math.Ceiling(tick * 1e9 / I8254Pit.Frequency);

    private int RisingEdges()
    {
        int edges = 0;
        for (int i = 1; i < _irq0Levels.Count; i++)
            if (_irq0Levels[i] && !_irq0Levels[i - 1])
                edges++;
        return edges;
    }

    [Theory]
    [InlineData(0, 4, "0000111")]
    [InlineData(2, 4, "111011101")]
    [InlineData(3, 4, "110011001")]
    [InlineData(3, 5, "11100111001")]
    [InlineData(4, 3, "1110111")]
    public void ShouldDriveChannelOutputWithTheDataSheetWaveform(int mode, int count, string expected)
    {
        Out(0x61, 0x01);
        Out(0x43, (uint)(0x80 | 0x30 | mode << 1));
        Out(0x42, (uint)count);
        Out(0x42, 0);
        long start = _clock.NowNs;
        var seen = new char[expected.Length];
        for (int d = 0; d < expected.Length; d++)
        {
            AtTick(start, d);
            seen[d] = _pit.GetOutput(2) ? '1' : '0';
        }
        Assert.Equal(expected, new string(seen));
    }

    [Fact]
    public void ShouldRaiseIrq0OncePerPeriodInRateGeneratorModeEvenWhenTimersRunLate()
    {
        Out(0x43, 0x34);
        Out(0x40, 1193 & 0xff);
        Out(0x40, 1193 >> 8);
        _irq0Levels.Clear();
        _irq0Levels.Add(_irq0.Level);
        _clock.Advance(10_000_000);
        _timers.RunExpired();
        Assert.Equal(10, RisingEdges());
        Assert.True(_timers.NextDeadline > _clock.NowNs);
    }

    [Fact]
    public void ShouldRaiseIrq0OnceAtTerminalCountInMode0()
    {
        Out(0x43, 0x30);
        Out(0x40, 100);
        Out(0x40, 0);
        Assert.False(_irq0.Level);
        _clock.Advance(1_000_000);
        _timers.RunExpired();
        Assert.True(_irq0.Level);
        Assert.Equal(1, RisingEdges());
        Assert.Null(_timers.NextDeadline);
    }

    [Theory]
    [InlineData(0x34)]
    [InlineData(0x36)]
    public void ShouldArmNoTimerForTheIllegalCountOfOneInPeriodicModes(int control)
    {
        Out(0x43, (uint)control);
        Out(0x40, 1);
        Out(0x40, 0);
        Assert.Null(_timers.NextDeadline);
    }

    [Fact]
    public void ShouldLeaveIrq0AloneWhileHpetOwnsIt()
    {
        Out(0x43, 0x34);
        Out(0x40, 0x00);
        Out(0x40, 0x10);
        _pit.Irq0Enabled = false;
        _irq0Levels.Clear();
        _clock.Advance(10_000_000);
        _timers.RunExpired();
        Assert.Empty(_irq0Levels);
        Assert.Null(_timers.NextDeadline);
        _pit.Irq0Enabled = true;
        Assert.NotNull(_timers.NextDeadline);
    }

    [Fact]
    public void ShouldFreezeLatchedCountUntilBothBytesAreRead()
    {
        Out(0x43, 0x34);
        Out(0x40, 0x00);
        Out(0x40, 0x10);
        long start = _clock.NowNs;
        AtTick(start, 0x10);
        Out(0x43, 0x00);
        AtTick(start, 0x200);
        uint low = In(0x40);
        uint high = In(0x40);
        Assert.Equal(0x1000u - 0x10, high << 8 | low);
        low = In(0x40);
        high = In(0x40);
        Assert.Equal(0x1000u - 0x200, high << 8 | low);
    }

    [Fact]
    public void ShouldReportModeAccessAndOutputInReadBackStatus()
    {
        Out(0x43, 0xb1);
        Out(0x42, 0x00);
        Out(0x43, 0xe8);
        Assert.Equal(0x40u | 0x30 | 0x01, In(0x42));
        Out(0x42, 0x10);
        Out(0x43, 0xe8);
        Assert.Equal(0x30u | 0x01, In(0x42));
    }

    [Fact]
    public void ShouldCountDownInBcd()
    {
        Out(0x61, 0x01);
        Out(0x43, 0xb1);
        Out(0x42, 0x00);
        Out(0x42, 0x10);
        AtTick(_clock.NowNs, 1);
        Out(0x43, 0x80);
        Assert.Equal(0x99u, In(0x42));
        Assert.Equal(0x09u, In(0x42));
    }

    [Fact]
    public void ShouldUseLowByteOnlyAccess()
    {
        Out(0x43, 0x50);
        Out(0x41, 0x80);
        long start = _clock.NowNs;
        AtTick(start, 0x10);
        Assert.Equal(0x70u, In(0x41));
        Assert.Equal(0x70u, In(0x41));
    }

    [Fact]
    public void ShouldSetPort61Bit5WhenLinuxPitCalibrationLatchExpires()
    {
        const int latch = 1193182 / 100;
        Out(0x61, (In(0x61) & ~0x02u) | 0x01);
        Out(0x43, 0xb0);
        Out(0x42, latch & 0xff);
        Out(0x42, latch >> 8);
        long start = _clock.NowNs;
        AtTick(start, latch - 1);
        Assert.Equal(0u, In(0x61) & 0x20);
        AtTick(start, latch);
        Assert.Equal(0x20u, In(0x61) & 0x20);
    }

    [Fact]
    public void ShouldDecrementMsbEvery256TicksAsQuickPitCalibrationExpects()
    {
        Out(0x61, 0x01);
        Out(0x43, 0xb0);
        Out(0x42, 0xff);
        Out(0x42, 0xff);
        long start = _clock.NowNs;
        for (int k = 1; k <= 3; k++)
        {
            AtTick(start, 256 * k);
            In(0x42);
            Assert.Equal((uint)(0xff - k), In(0x42));
        }
    }

    [Fact]
    public void ShouldHoldMode0CountWhileGateIsLow()
    {
        Out(0x61, 0x01);
        Out(0x43, 0xb0);
        Out(0x42, 0x00);
        Out(0x42, 0x01);
        long start = _clock.NowNs;
        AtTick(start, 0x10);
        Out(0x61, 0x00);
        AtTick(start, 0x80);
        Out(0x43, 0x80);
        Assert.Equal(0xf0u, In(0x42));
        Assert.Equal(0x00u, In(0x42));
    }

    [Fact]
    public void ShouldToggleRefreshBitOnEveryRead()
    {
        uint first = In(0x61) & 0x10;
        uint second = In(0x61) & 0x10;
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void ShouldKeepSpeakerBitsWritable()
    {
        Out(0x61, 0x03);
        Assert.Equal(0x03u, In(0x61) & 0x0f);
        Assert.True(_pit.GetGate(2));
    }

    [Fact]
    public void ShouldMatchQemuReadBackStatusForEveryMode()
    {
        var script = new QemuPortScript();
        for (int mode = 0; mode < 8; mode++)
        {
            foreach (int access in new[] { 1, 2, 3 })
            {
                int control = 0x40 | access << 4 | mode << 1 | (mode & 1);
                // OUT depends on time; QEMU does not model the null count flag.
                script.Out8(0x43, control).Out8(0x43, 0xe4).In8(0x41, 0x3f)
                    .Out8(0x41, 0x34).Out8(0x41, 0x12).Out8(0x43, 0xe4).In8(0x41, 0x3f);
            }
        }
        script.Out8(0x43, 0x70).Out8(0x41, 0x00).Out8(0x41, 0x10).Out8(0x43, 0xd4).In8(0x41, 0x3f).In8(0x41, 0x00);
        script.AssertSameAsQemu(new PcDevices().Io);
    }
}

using QemuSharp.Common.Irq;
using QemuSharp.Common.Time;
using QemuSharp.Hw.Intc;

namespace QemuSharp.Hw.Tests.Intc;

public sealed class LocalApicTests
{
    private const ulong Svr = 0xf0, Tpr = 0x80, Eoi = 0xb0, Esr = 0x280, IcrLow = 0x300;
    private const ulong LvtTimer = 0x320, LvtLint0 = 0x350, LvtLint1 = 0x360, InitialCount = 0x380, CurrentCount = 0x390, Divide = 0x3e0;

    private readonly ManualClock _clock = new();
    private readonly TimerQueue _timers;
    private readonly LocalApic _apic;

    public LocalApicTests()
    {
        _timers = new TimerQueue(_clock);
        _apic = new LocalApic(_timers, apicId: 0);
    }

    private uint Reg(ulong offset) => (uint)_apic.Read(offset, 4);

    private void Set(ulong offset, uint value) => _apic.Write(offset, 4, value);

    private void EnableSoftware() => Set(Svr, 0x1ff);

    private void AdvanceTo(long ns)
    {
        _clock.NowNs = ns;
        _timers.RunExpired();
    }

    [Fact]
    public void ShouldResetToQemusVersionIdAndDisabledSpuriousVector()
    {
        var apic = new LocalApic(_timers, apicId: 3, bsp: false);
        Assert.Equal(0x00050014u, (uint)apic.Read(0x30, 4));
        Assert.Equal(3u << 24, (uint)apic.Read(0x20, 4));
        Assert.Equal(0xffu, (uint)apic.Read(Svr, 4));
        Assert.Equal(0xfee00800ul, apic.BaseMsr);
        Assert.Equal(0x10000u, (uint)apic.Read(LvtLint0, 4));
    }

    [Fact]
    public void ShouldStartTheBspWithLint0InExtIntMode()
    {
        Assert.Equal(0xfee00900ul, _apic.BaseMsr);
        Assert.Equal(0x700u, Reg(LvtLint0));
    }

    [Fact]
    public void ShouldDeliverASelfIpiAndTrackItInServiceUntilEoi()
    {
        EnableSoftware();
        Set(IcrLow, 1 << 18 | 0x41);
        Assert.True(_apic.HasInterrupt);
        Assert.Equal(0x41, _apic.Acknowledge());
        Assert.Equal(1u << 1, Reg(0x100 + 0x20));
        Assert.Equal(0x40u, Reg(0xa0));
        Assert.False(_apic.HasInterrupt);
        Set(Eoi, 0);
        Assert.Equal(0u, Reg(0x100 + 0x20));
    }

    [Fact]
    public void ShouldHoldVectorsWhosePriorityClassIsNotAboveTheTaskPriority()
    {
        EnableSoftware();
        Set(Tpr, 0x50);
        Set(IcrLow, 1 << 18 | 0x5f);
        Assert.False(_apic.HasInterrupt);
        Set(IcrLow, 1 << 18 | 0x61);
        Assert.True(_apic.HasInterrupt);
        Assert.Equal(0x61, _apic.Acknowledge());
    }

    [Fact]
    public void ShouldNotDeliverFixedInterruptsWhileSoftwareDisabled()
    {
        Set(IcrLow, 1 << 18 | 0x41);
        Assert.False(_apic.HasInterrupt);
        EnableSoftware();
        Assert.True(_apic.HasInterrupt);
    }

    [Fact]
    public void ShouldFireTheOneShotTimerAfterInitialCountTimesTheDivisor()
    {
        EnableSoftware();
        Set(LvtTimer, 0x30);
        Set(Divide, 0x3);
        Set(InitialCount, 100);
        AdvanceTo(800);
        Assert.Equal(50u, Reg(CurrentCount));
        AdvanceTo(1599);
        Assert.False(_apic.HasInterrupt);
        AdvanceTo(1600);
        Assert.Equal(0x30, _apic.Acknowledge());
        Assert.Equal(0u, Reg(CurrentCount));
        Assert.Null(_timers.NextDeadline);
    }

    [Fact]
    public void ShouldReloadThePeriodicTimerEveryInitialCountPlusOneTicks()
    {
        EnableSoftware();
        Set(LvtTimer, 1 << 17 | 0x31);
        Set(Divide, 0xb);
        Set(InitialCount, 9);
        AdvanceTo(10);
        Assert.Equal(0x31, _apic.Acknowledge());
        Set(Eoi, 0);
        AdvanceTo(19);
        Assert.False(_apic.HasInterrupt);
        AdvanceTo(20);
        Assert.True(_apic.HasInterrupt);
    }

    [Fact]
    public void ShouldFireTheTscDeadlineTimerAtTheDeadlineAndDisarm()
    {
        EnableSoftware();
        Set(LvtTimer, 2 << 17 | 0x32);
        _apic.TscDeadline = 5000;
        AdvanceTo(4999);
        Assert.False(_apic.HasInterrupt);
        AdvanceTo(5000);
        Assert.Equal(0x32, _apic.Acknowledge());
        Assert.Equal(0ul, _apic.TscDeadline);
    }

    [Fact]
    public void ShouldNotCountWhileTheTimerIsMasked()
    {
        EnableSoftware();
        Set(LvtTimer, 0x10030);
        Set(Divide, 0xb);
        Set(InitialCount, 10);
        AdvanceTo(20);
        Assert.False(_apic.HasInterrupt);
    }

    [Fact]
    public void ShouldPassThePicVectorThroughLint0InExtIntMode()
    {
        int inta = 0;
        _apic.PicAcknowledge = () => { inta++; return 0x28; };
        _apic.Lint0.Raise();
        Assert.True(_apic.HasInterrupt);
        Assert.Equal(0x28, _apic.Acknowledge());
        Assert.Equal(1, inta);
    }

    [Fact]
    public void ShouldBlockThePicWhenLint0IsMasked()
    {
        EnableSoftware();
        Set(LvtLint0, 0x10700);
        _apic.Lint0.Raise();
        Assert.False(_apic.HasInterrupt);
    }

    [Fact]
    public void ShouldConnectThePicDirectlyWhenTheApicIsGloballyDisabled()
    {
        EnableSoftware();
        Set(LvtLint0, 0x10700);
        _apic.WriteBaseMsr(LocalApic.DefaultBase);
        _apic.Lint0.Raise();
        Assert.False(_apic.HardwareEnabled);
        Assert.True(_apic.HasInterrupt);
    }

    [Fact]
    public void ShouldKeepTheBspFlagAndStayDisabledOnceTheEnableBitIsCleared()
    {
        _apic.WriteBaseMsr(LocalApic.DefaultBase);
        _apic.WriteBaseMsr(LocalApic.DefaultBase | LocalApic.BaseMsrEnable);
        Assert.Equal(LocalApic.DefaultBase | LocalApic.BaseMsrBsp, _apic.BaseMsr);
    }

    [Fact]
    public void ShouldRaiseAnNmiOnLint1InNmiMode()
    {
        EnableSoftware();
        Set(LvtLint1, 0x400);
        _apic.Lint1.Raise();
        Assert.True(_apic.HasNmi);
        _apic.AcknowledgeNmi();
        Assert.False(_apic.HasNmi);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public void ShouldBroadcastEoiOnlyForLevelTriggeredVectors(bool level, int broadcasts)
    {
        EnableSoftware();
        var seen = new List<byte>();
        _apic.EoiBroadcast = seen.Add;
        _apic.Accept(new ApicMessage(0x51, ApicDeliveryMode.Fixed, level, 0, false));
        Assert.Equal(0x51, _apic.Acknowledge());
        Set(Eoi, 0);
        Assert.Equal(broadcasts, seen.Count);
    }

    [Theory]
    [InlineData(0x01, true)]
    [InlineData(0x02, false)]
    [InlineData(0xff, true)]
    public void ShouldAcceptLogicalMessagesThatMatchTheFlatLogicalId(byte destination, bool accepted)
    {
        EnableSoftware();
        Set(0xd0, 0x01000000);
        _apic.Accept(new ApicMessage(0x60, ApicDeliveryMode.LowestPriority, false, destination, true));
        Assert.Equal(accepted, _apic.HasInterrupt);
    }

    [Fact]
    public void ShouldLatchAnIllegalVectorErrorWhenTheStatusRegisterIsWritten()
    {
        EnableSoftware();
        Set(IcrLow, 1 << 18 | 0x05);
        Assert.Equal(0u, Reg(Esr));
        Set(Esr, 0);
        Assert.Equal(0x20u, Reg(Esr));
        Assert.False(_apic.HasInterrupt);
    }

    [Fact]
    public void ShouldKickTheCpuWhenAnInterruptBecomesDeliverable()
    {
        EnableSoftware();
        int kicks = 0;
        _apic.Kick = () => kicks++;
        Set(LvtTimer, 0x30);
        Set(Divide, 0xb);
        Set(InitialCount, 5);
        Assert.Equal(0, kicks);
        AdvanceTo(5);
        Assert.True(kicks > 0);
    }

    [Fact]
    public void ShouldKeepLvtMaskBitsSetWhileSoftwareDisabled()
    {
        Set(LvtLint1, 0x400);
        Assert.Equal(0x10400u, Reg(LvtLint1));
    }

    [Theory]
    [InlineData(0x2f0ul, 0x80u)]
    [InlineData(0x390ul, 0u)]
    public void ShouldFlagWritesToUndefinedRegistersButNotToReadOnlyOnes(ulong offset, uint esr)
    {
        EnableSoftware();
        Set(offset, 1);
        Set(Esr, 0);
        Assert.Equal(esr, Reg(Esr));
    }

    /// <summary>A clock that moves on by a microsecond each time it is read, as a slow emulated CPU sees host time.</summary>
    private sealed class RacingClock : IClock
    {
        private long _now;

        public long NowNs => _now += 1000;
    }

    [Fact]
    public void ShouldFireAOneShotCountThatRanOutWhileItWasBeingWritten()
    {
        var clock = new RacingClock();
        var timers = new TimerQueue(clock);
        var apic = new LocalApic(timers, apicId: 0);
        apic.Write(Svr, 4, 0x1ff);
        apic.Write(Divide, 4, 0x3);
        apic.Write(LvtTimer, 4, 0xec);
        apic.Write(InitialCount, 4, 0x3e);
        for (int i = 0; i < 4 && !apic.HasInterrupt; i++)
            timers.RunExpired();
        Assert.True(apic.HasInterrupt);
        Assert.Equal(0xec, apic.Acknowledge());
    }
}

using QemuSharp.Common.Irq;
using QemuSharp.Hw.Intc;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Tests;

public sealed class I8259PicTests
{
    private readonly IoPortSpace _io = new();
    private readonly IrqLine _cpu = new(_ => { });
    private readonly I8259Pic _pic;

    public I8259PicTests()
    {
        _pic = new I8259Pic(_cpu);
        _pic.Attach(_io);
    }

    /// <summary>Linux's init_8259A: masks, ICW1-ICW4 for both chips with vectors 0x30 and 0x38.</summary>
    private void InitLikeLinux(bool autoEoi = false)
    {
        Out(0x21, 0xff);
        Out(0xa1, 0xff);
        Out(0x20, 0x11);
        Out(0x21, 0x30);
        Out(0x21, 0x04);
        Out(0x21, autoEoi ? 0x03u : 0x01u);
        Out(0xa0, 0x11);
        Out(0xa1, 0x38);
        Out(0xa1, 0x02);
        Out(0xa1, 0x01);
        Out(0x21, 0x00);
        Out(0xa1, 0x00);
    }

    private void Out(ushort port, uint value) => _io.Write(port, 1, value);

    private uint In(ushort port) => _io.Read(port, 1);

    private uint ReadIsr(ushort command)
    {
        Out(command, 0x0b);
        uint isr = In(command);
        Out(command, 0x0a);
        return isr;
    }

    [Fact]
    public void ShouldPassLinuxProbeByReadingBackTheMask()
    {
        Out(0xa1, 0xff);
        Out(0x21, 0xfb);
        Assert.Equal(0xfbu, In(0x21));
    }

    [Fact]
    public void ShouldDeliverTimerVectorAfterLinuxInitAndClearItWithNonSpecificEoi()
    {
        InitLikeLinux();
        _pic.Input(0).Raise();
        Assert.True(_cpu.Level);
        Assert.Equal(0x30, _pic.Acknowledge());
        Assert.False(_cpu.Level);
        Assert.Equal(0x01u, ReadIsr(0x20));
        Out(0x20, 0x20);
        Assert.Equal(0x00u, ReadIsr(0x20));
    }

    [Fact]
    public void ShouldDeliverSlaveIrqThroughCascadeOnIrq2()
    {
        InitLikeLinux();
        _pic.Input(8).Raise();
        Assert.True(_cpu.Level);
        Assert.Equal(0x38, _pic.Acknowledge());
        Assert.Equal(0x04u, ReadIsr(0x20));
        Assert.Equal(0x01u, ReadIsr(0xa0));
    }

    [Fact]
    public void ShouldHoldMaskedEdgeInIrrUntilUnmasked()
    {
        InitLikeLinux();
        Out(0x21, 0x02);
        _pic.Input(1).Pulse();
        Assert.False(_cpu.Level);
        Assert.Equal(0x02u, In(0x20) & 0x02);
        Out(0x21, 0x00);
        Assert.True(_cpu.Level);
        Assert.Equal(0x31, _pic.Acknowledge());
    }

    [Fact]
    public void ShouldNotRetriggerEdgeInputThatStaysHigh()
    {
        InitLikeLinux();
        _pic.Input(3).Raise();
        Assert.Equal(0x33, _pic.Acknowledge());
        Out(0x20, 0x20);
        Assert.False(_cpu.Level);
    }

    [Fact]
    public void ShouldRetriggerLevelInputSelectedInElcrAfterEoi()
    {
        InitLikeLinux();
        Out(0x4d1, 0x08);
        _pic.Input(11).Raise();
        Assert.Equal(0x3b, _pic.Acknowledge());
        Out(0xa0, 0x20);
        Out(0x20, 0x20);
        Assert.True(_cpu.Level);
    }

    [Theory]
    [InlineData(0x4d0, 0xf8)]
    [InlineData(0x4d1, 0xde)]
    public void ShouldKeepTimerKeyboardCascadeRtcAndFpuEdgeTriggered(int port, uint expected)
    {
        Out((ushort)port, 0xff);
        Assert.Equal(expected, In((ushort)port));
    }

    [Fact]
    public void ShouldAnswerSpuriousIrq7WhenLevelRequestIsWithdrawnBeforeAcknowledge()
    {
        InitLikeLinux();
        Out(0x4d0, 0x20);
        _pic.Input(5).Raise();
        _pic.Input(5).Lower();
        Assert.Equal(0x37, _pic.Acknowledge());
        Assert.Equal(0x00u, ReadIsr(0x20));
    }

    [Fact]
    public void ShouldAnswerSpuriousIrq15WhenSlaveRequestIsWithdrawn()
    {
        InitLikeLinux();
        Out(0x4d1, 0x02);
        _pic.Input(9).Raise();
        Assert.True(_cpu.Level);
        // The slave's request goes away after the master latched the cascade edge.
        Out(0xa1, 0x02);
        Assert.Equal(0x3f, _pic.Acknowledge());
        Assert.Equal(0x00u, ReadIsr(0xa0));
    }

    [Fact]
    public void ShouldLeaveIsrEmptyInAutoEoiMode()
    {
        InitLikeLinux(autoEoi: true);
        _pic.Input(4).Pulse();
        Assert.Equal(0x34, _pic.Acknowledge());
        Assert.Equal(0x00u, ReadIsr(0x20));
    }

    [Fact]
    public void ShouldServeLowerIrqFirstAndLetHigherPriorityPreempt()
    {
        InitLikeLinux();
        _pic.Input(3).Pulse();
        _pic.Input(1).Pulse();
        Assert.Equal(0x31, _pic.Acknowledge());
        Assert.False(_cpu.Level);
        _pic.Input(0).Pulse();
        Assert.True(_cpu.Level);
        Assert.Equal(0x30, _pic.Acknowledge());
        Out(0x20, 0x20);
        Out(0x20, 0x20);
        Assert.Equal(0x33, _pic.Acknowledge());
    }

    [Fact]
    public void ShouldMakeServedIrqLowestPriorityAfterRotateOnSpecificEoi()
    {
        InitLikeLinux();
        _pic.Input(1).Pulse();
        Assert.Equal(0x31, _pic.Acknowledge());
        Out(0x20, 0xe1);
        _pic.Input(1).Pulse();
        _pic.Input(6).Pulse();
        Assert.Equal(0x36, _pic.Acknowledge());
    }

    [Fact]
    public void ShouldReturnHighestRequestWithBit7WhenPolled()
    {
        InitLikeLinux();
        _pic.Input(6).Pulse();
        Out(0x20, 0x0c);
        Assert.Equal(0x86u, In(0x20));
        Assert.Equal(0x40u, ReadIsr(0x20));
        Out(0x20, 0x0c);
        Assert.Equal(0x00u, In(0x20));
    }

    [Fact]
    public void ShouldLetLowerPriorityThroughInSpecialMaskMode()
    {
        InitLikeLinux();
        _pic.Input(1).Pulse();
        Assert.Equal(0x31, _pic.Acknowledge());
        _pic.Input(3).Pulse();
        Assert.False(_cpu.Level);
        Out(0x21, 0x02);
        Out(0x20, 0x68);
        Assert.True(_cpu.Level);
        Assert.Equal(0x33, _pic.Acknowledge());
    }

    [Fact]
    public void ShouldClearRequestsAndMaskOnIcw1ButKeepElcr()
    {
        InitLikeLinux();
        Out(0x4d0, 0x08);
        Out(0x21, 0x55);
        Out(0x20, 0x11);
        Assert.Equal(0x00u, In(0x21));
        Assert.Equal(0x08u, In(0x4d0));
    }

    [Fact]
    public void ShouldSplitWordAccessIntoCommandAndDataBytes()
    {
        InitLikeLinux();
        _io.Write(0x20, 2, 0x5a0b);
        Assert.Equal(0x5a00u, _io.Read(0x20, 2));
    }

    [Fact]
    public void ShouldDescribeStateAsHmpInfoPic()
    {
        InitLikeLinux();
        Out(0x21, 0xb8);
        Out(0x4d1, 0x0c);
        _pic.Input(4).Raise();
        Assert.Equal(
        [
            "pic1: irr=00 imr=00 isr=00 hprio=0 irq_base=38 rr_sel=0 elcr=0c fnm=0",
            "pic0: irr=10 imr=b8 isr=00 hprio=0 irq_base=30 rr_sel=0 elcr=00 fnm=0",
        ], _pic.InfoPic());
    }

    [Fact]
    public void ShouldDropEverythingOnReset()
    {
        InitLikeLinux();
        Out(0x4d0, 0x08);
        _pic.Input(0).Raise();
        _pic.Reset();
        Assert.False(_cpu.Level);
        Assert.Equal(0x00u, In(0x4d0));
        Assert.Equal("isa-i8259", _pic.Master.TypeName);
        Assert.Equal("false", _pic.Slave.Properties["master"]);
    }

    [Fact]
    public void ShouldMatchQemuWhenLinuxInitialisesAndPollsBothChips()
    {
        var script = new QemuPortScript()
            .Out8(0x43, 0x30).Out8(0x40, 0xff).Out8(0x40, 0xff)
            .Out8(0x21, 0xff).Out8(0xa1, 0xff)
            .Out8(0x20, 0x11).Out8(0x21, 0x30).Out8(0x21, 0x04).Out8(0x21, 0x01)
            .Out8(0xa0, 0x11).Out8(0xa1, 0x38).Out8(0xa1, 0x02).Out8(0xa1, 0x01)
            .In8(0x21).In8(0xa1).In8(0x20).In8(0xa0)
            .Out8(0x21, 0xfa).Out8(0xa1, 0xef)
            .Out8(0x4d0, 0xff).Out8(0x4d1, 0xff).In8(0x4d0).In8(0x4d1).Out8(0x4d0, 0x00).Out8(0x4d1, 0x00)
            // IRQ4 from the UART's THRE interrupt, found by polling the master.
            .Out8(0x3fc, 0x08).Out8(0x3f9, 0x02)
            .In8(0x20).Out8(0x20, 0x0c).In8(0x20)
            .Out8(0x20, 0x0b).In8(0x20).Out8(0x20, 0x64).In8(0x20).Out8(0x20, 0x0a).In8(0x20)
            .Out8(0x3f9, 0x00)
            // IRQ12 from the 8042's auxiliary loopback, through the cascade.
            .Out8(0x64, 0xd3).Out8(0x60, 0x5a)
            .In8(0x20).In8(0xa0).Out8(0xa0, 0x0c).In8(0xa0)
            .Out8(0xa0, 0x0b).In8(0xa0).Out8(0x20, 0x0b).In8(0x20)
            .Out8(0xa0, 0x20).Out8(0x20, 0x20).In8(0xa0).In8(0x20).In8(0x60)
            .Out8(0x20, 0x0a).Out8(0xa0, 0x0a).In8(0x20).In8(0xa0)
            .Out8(0x20, 0xc7).Out8(0x21, 0xff).In8(0x21);
        script.AssertSameAsQemu(new PcDevices().Io);
    }
}

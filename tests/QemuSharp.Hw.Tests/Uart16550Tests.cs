using QemuSharp.Common.Irq;
using QemuSharp.Common.Time;
using QemuSharp.Hw.Char;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Tests;

public sealed class Uart16550Tests
{
    private const ushort Com1 = 0x3f8;
    private const ushort Thr = Com1, Ier = Com1 + 1, Iir = Com1 + 2, Fcr = Com1 + 2, Lcr = Com1 + 3;
    private const ushort Mcr = Com1 + 4, Lsr = Com1 + 5, Msr = Com1 + 6, Scr = Com1 + 7;

    private readonly ManualClock _clock = new();
    private readonly TimerQueue _timers;
    private readonly IoPortSpace _io = new();
    private readonly IrqLine _irq4 = new(_ => { });
    private readonly FakeBackend _backend = new();
    private readonly Uart16550 _uart;
    private int _lockedRuns;

    public Uart16550Tests()
    {
        _timers = new TimerQueue(_clock);
        _uart = new Uart16550(_timers, _irq4, action =>
        {
            _lockedRuns++;
            action();
        });
        _uart.Attach(_io, Com1);
        _uart.Connect(_backend);
    }

    private void Out(ushort port, uint value) => _io.Write(port, 1, value);

    private uint In(ushort port) => _io.Read(port, 1);

    /// <summary>What serial8250_do_startup leaves: FIFO on with an 8-byte trigger, OUT2, DTR, RTS, RX interrupts.</summary>
    private void OpenLikeLinux()
    {
        Out(Fcr, 0x81);
        Out(Lcr, 0x03);
        Out(Mcr, 0x0b);
        Out(Ier, 0x05);
    }

    [Fact]
    public void ShouldPassLinuxAutoconfigScratchAndIerTests()
    {
        Out(Scr, 0xa5);
        Assert.Equal(0xa5u, In(Scr));
        Out(Ier, 0x00);
        Assert.Equal(0x00u, In(Ier) & 0x0f);
        Out(Ier, 0x0f);
        Assert.Equal(0x0fu, In(Ier));
        Out(Ier, 0xff);
        Assert.Equal(0x0fu, In(Ier));
    }

    [Fact]
    public void ShouldIdentifyAs16550AWhenFifoIsEnabled()
    {
        Out(Fcr, 0x01);
        Assert.Equal(3u, In(Iir) >> 6);
        Out(Lcr, 0xbf);
        Assert.NotEqual(0u, In(Iir));
        Out(Lcr, 0x80);
        Out(Fcr, 0x21);
        Assert.Equal(6u, In(Iir) >> 5);
    }

    [Fact]
    public void ShouldLoopModemControlOutputsToStatusInputs()
    {
        Out(Mcr, 0x1a);
        Assert.Equal(0x90u, In(Msr) & 0xf0);
        Out(Mcr, 0x00);
        Assert.Equal(0xb0u, In(Msr) & 0xf0);
    }

    [Fact]
    public void ShouldReassertThreWhenIerEnablesItAgain()
    {
        Out(Fcr, 0x01);
        Out(Ier, 0x02);
        uint iir1 = In(Iir);
        Out(Ier, 0x00);
        Out(Ier, 0x02);
        uint iir = In(Iir);
        Out(Ier, 0x00);
        Assert.Equal(0xc2u, iir1);
        Assert.Equal(0xc2u, iir);
    }

    [Fact]
    public void ShouldNotLookLikeUartBugTxen()
    {
        Out(Ier, 0x02);
        uint lsr = In(Lsr);
        uint iir = In(Iir);
        Out(Ier, 0x00);
        Assert.Equal(0x40u, lsr & 0x40);
        Assert.Equal(0u, iir & 0x01);
    }

    [Fact]
    public void ShouldClearThreInterruptWhenIirReportsIt()
    {
        OpenLikeLinux();
        Out(Ier, 0x07);
        Assert.True(_irq4.Level);
        Assert.Equal(0xc2u, In(Iir));
        Assert.False(_irq4.Level);
        Assert.Equal(0xc1u, In(Iir));
    }

    [Fact]
    public void ShouldSendTransmittedBytesToTheBackendAndRaiseThre()
    {
        OpenLikeLinux();
        Out(Ier, 0x07);
        In(Iir);
        foreach (char c in "hi\n")
            Out(Thr, c);
        Assert.Equal("hi\n", _backend.Written);
        Assert.True(_irq4.Level);
        Assert.Equal(0x60u, In(Lsr) & 0x60);
    }

    [Fact]
    public void ShouldRaiseIrqWhenFifoReachesTriggerLevel()
    {
        OpenLikeLinux();
        _backend.Push("1234567"u8);
        Assert.False(_irq4.Level);
        _backend.Push("8"u8);
        Assert.True(_irq4.Level);
        Assert.Equal(0xc4u, In(Iir));
    }

    [Fact]
    public void ShouldRaiseCharacterTimeoutForABytesBelowTheTrigger()
    {
        OpenLikeLinux();
        _backend.Push("x"u8);
        Assert.False(_irq4.Level);
        // 4 characters of 10 bits at 9600 baud: 4.17 ms.
        _clock.Advance(4_100_000);
        _timers.RunExpired();
        Assert.False(_irq4.Level);
        _clock.Advance(100_000);
        _timers.RunExpired();
        Assert.True(_irq4.Level);
        Assert.Equal(0xccu, In(Iir));
        Assert.Equal((uint)'x', In(Thr));
        Assert.False(_irq4.Level);
        Assert.Equal(0xc1u, In(Iir));
    }

    [Fact]
    public void ShouldLoseNoByteWhenTheBackendSendsMoreThanTheFifoHolds()
    {
        OpenLikeLinux();
        byte[] data = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        _backend.Push(data);
        var read = new List<byte>();
        while ((In(Lsr) & 0x01) != 0)
            read.Add((byte)In(Thr));
        Assert.Equal(data, read);
        Assert.Equal(0u, In(Lsr) & 0x02);
        Assert.Equal(1, _lockedRuns);
    }

    [Fact]
    public void ShouldHoldOneByteAtATimeWithFifoDisabled()
    {
        Out(Ier, 0x01);
        Out(Mcr, 0x08);
        _backend.Push("ab"u8);
        Assert.True(_irq4.Level);
        Assert.Equal(0x04u, In(Iir));
        Assert.Equal((uint)'a', In(Thr));
        Assert.Equal((uint)'b', In(Thr));
        Assert.False(_irq4.Level);
    }

    [Fact]
    public void ShouldGateInterruptWithOut2()
    {
        Out(Mcr, 0x00);
        Out(Ier, 0x02);
        Assert.False(_irq4.Level);
        Assert.Equal(0x02u, In(Iir));
        Out(Ier, 0x00);
        Out(Mcr, 0x08);
        Out(Ier, 0x02);
        Assert.True(_irq4.Level);
    }

    [Fact]
    public void ShouldReportOverrunWhenLoopbackFillsTheFifo()
    {
        Out(Fcr, 0x01);
        Out(Mcr, 0x10);
        for (int i = 0; i < 17; i++)
            Out(Thr, (uint)i);
        Assert.Equal(0x03u, In(Lsr) & 0x03);
        Assert.Equal(0x01u, In(Lsr) & 0x03);
        Assert.Equal("", _backend.Written);
        Assert.Equal(0u, In(Thr));
    }

    [Fact]
    public void ShouldKeepBackendInputQueuedDuringLoopback()
    {
        Out(Mcr, 0x10);
        _backend.Push("z"u8);
        Assert.Equal(0u, In(Lsr) & 0x01);
        Out(Mcr, 0x00);
        Assert.Equal((uint)'z', In(Thr));
    }

    [Fact]
    public void ShouldExposeDivisorLatchWithDlab()
    {
        Out(Lcr, 0x80);
        Out(Thr, 0x01);
        Out(Ier, 0x00);
        Assert.Equal(0x01u, In(Thr));
        Out(Lcr, 0x03);
        Assert.Equal(0x00u, In(Ier));
    }

    [Fact]
    public void ShouldRecordModemStatusDeltasAndRaiseModemInterrupt()
    {
        Out(Mcr, 0x18);
        Out(Ier, 0x08);
        In(Msr);
        Out(Mcr, 0x1c);
        Out(Mcr, 0x18);
        Assert.Equal(0x00u, In(Iir));
        Assert.Equal(0x84u, In(Msr));
        Assert.Equal(0x80u, In(Msr));
    }

    [Fact]
    public void ShouldDescribeItselfAsIsaSerial()
    {
        Assert.Equal("isa-serial", _uart.TypeName);
        Assert.Equal("1016 (0x3f8)", _uart.Properties["iobase"]);
        Assert.Equal(["index", "iobase", "irq"], _uart.Properties.Keys);
    }

    [Fact]
    public void ShouldMatchQemuThroughLinuxAutoconfigAndStartup()
    {
        // MSR delta bits are left out: the 16550A sets them for changes of the looped-back inputs,
        // QEMU does not.
        const int msrMask = 0xf0;
        var script = new QemuPortScript()
            .In8(Ier).Out8(Ier, 0x00).In8(Ier).Out8(Ier, 0x0f).In8(Ier).Out8(Ier, 0x00)
            .In8(Mcr).In8(Lcr)
            .Out8(Mcr, 0x1a).In8(Msr, msrMask).Out8(Mcr, 0x08)
            .Out8(Lcr, 0xbf).Out8(Iir, 0x00).Out8(Lcr, 0x00).Out8(Fcr, 0x01).In8(Iir)
            .Out8(Lcr, 0x80).In8(Iir).Out8(Lcr, 0xbf).In8(Iir)
            .Out8(Lcr, 0x00).In8(Mcr).Out8(Lcr, 0xe0).In8(Iir).Out8(Lcr, 0x00)
            .Out8(Fcr, 0x21).In8(Iir).Out8(Fcr, 0x01).Out8(Lcr, 0x80).Out8(Fcr, 0x21).In8(Iir).Out8(Fcr, 0x01).Out8(Lcr, 0x00)
            .Out8(Ier, 0x40).In8(Ier).Out8(Ier, 0x00)
            .Out8(Lcr, 0x80).Out8(Thr, 0x01).Out8(Ier, 0x00).In8(Thr).In8(Ier).Out8(Lcr, 0x03)
            .Out8(Fcr, 0x07).Out8(Fcr, 0x00).In8(Lsr).In8(Thr).In8(Iir).In8(Msr, msrMask).In8(Lsr)
            .Out8(Ier, 0x02).In8(Iir).Out8(Ier, 0x00).Out8(Ier, 0x02).In8(Iir).Out8(Ier, 0x00)
            .Out8(Ier, 0x02).In8(Lsr).In8(Iir).Out8(Ier, 0x00)
            .Out8(Fcr, 0x81).Out8(Mcr, 0x1b).Out8(Ier, 0x05).In8(Iir)
            .Out8(Thr, 0x41).In8(Lsr).In8(Iir).In8(Thr).In8(Lsr).In8(Iir);
        for (int i = 0; i < 9; i++)
            script.Out8(Thr, 0x30 + i);
        script.In8(Iir).In8(Lsr);
        for (int i = 0; i < 9; i++)
            script.In8(Thr);
        script.In8(Lsr).In8(Iir);
        for (int i = 0; i < 17; i++)
            script.Out8(Thr, 0x61 + i);
        script.In8(Lsr).In8(Lsr).Out8(Fcr, 0x83).In8(Lsr)
            .Out8(Mcr, 0x18).In8(Msr, msrMask).Out8(Mcr, 0x1f).In8(Msr, msrMask).Out8(Mcr, 0x18).In8(Msr, msrMask)
            .In8(Msr).Out8(Mcr, 0x08).In8(Msr, msrMask).In8(Msr).In8(Scr);
        script.AssertSameAsQemu(new PcDevices().Io);
    }

    private sealed class FakeBackend() : Chardev.Chardev("fake")
    {
        private readonly List<byte> _written = [];

        public override string Driver => "fake";

        public override string Filename => "fake";

        public string Written => System.Text.Encoding.Latin1.GetString(_written.ToArray());

        public override void Write(ReadOnlySpan<byte> data) => _written.AddRange(data.ToArray());

        public void Push(ReadOnlySpan<byte> data) => Deliver(data);
    }
}

using QemuSharp.Common.Irq;
using QemuSharp.Common.Time;
using QemuSharp.Hw.Char;
using QemuSharp.Hw.Input;
using QemuSharp.Hw.Intc;
using QemuSharp.Hw.Misc;
using QemuSharp.Hw.Pci;
using QemuSharp.Hw.Timer;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Tests;

/// <summary>The legacy chips of QEMU's pc wired at their usual ports and IRQs, for comparisons with QEMU.</summary>
internal sealed class PcDevices
{
    public PcDevices(ulong ramBytes = 128 << 20)
    {
        Timers = new TimerQueue(Clock);
        Pic = new I8259Pic(NullIrqLine.Instance);
        Pic.Attach(Io);
        Pit = new I8254Pit(Timers, Pic.Input(0));
        Pit.Attach(Io);
        new PcSpeaker(Pit).Attach(Io);
        Rtc = new Mc146818Rtc(Timers, Pic.Input(8));
        ulong below = ramBytes >= 0xe0000000 ? 0xc0000000 : ramBytes;
        Rtc.SetMemorySize(below, ramBytes - below);
        Rtc.Attach(Io);
        Uart = new Uart16550(Timers, Pic.Input(4), action => action());
        Uart.Attach(Io, 0x3f8);
        new I8042(Pic.Input(1), Pic.Input(12), () => { }, _ => { }).Attach(Io);
        new Port92(() => { }, _ => { }).Attach(Io);
        new DebugPort80().Attach(Io);
        var bus = new PciBus();
        bus.Add(0, 0, new I440fxHostBridge());
        var piix3 = new Piix3IsaBridge(bus, irq => Pic.Input(irq), () => { });
        bus.Add(1, 0, piix3);
        new PciConfigPorts(bus, piix3.ResetControl).Attach(Io);
        // QEMU resets the PICs after the PIT has raised IRQ0, so the first edge is not latched.
        Pic.Reset();
    }

    public ManualClock Clock { get; } = new();

    public TimerQueue Timers { get; }

    public IoPortSpace Io { get; } = new();

    public I8259Pic Pic { get; }

    public I8254Pit Pit { get; }

    public Mc146818Rtc Rtc { get; }

    public Uart16550 Uart { get; }
}

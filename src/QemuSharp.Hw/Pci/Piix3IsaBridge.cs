using QemuSharp.Common.Irq;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Pci;

/// <summary>
/// The Intel 82371SB PIIX3 function 01.0: the PCI-to-ISA bridge. Its PIRQ route control
/// registers steer PCI interrupts PIRQA#-PIRQD# onto ISA IRQs, and it owns the reset control
/// register at I/O port 0xcf9. The chip is multi-function (IDE at 01.1, USB at 01.2 and, in
/// QEMU's pc, a PIIX4 power management function at 01.3).
/// </summary>
public sealed class Piix3IsaBridge : PciDevice
{
    public enum Register
    {
        /// <summary>ISA I/O recovery timer.</summary>
        Iort = 0x4c,

        /// <summary>X-bus chip select.</summary>
        Xbcs = 0x4e,

        /// <summary>PIRQ route control A-D: bit 7 disables routing, bits 3-0 name the ISA IRQ.</summary>
        PirqRouteA = 0x60,
        PirqRouteD = 0x63,

        /// <summary>Top of memory.</summary>
        Tom = 0x69,

        /// <summary>Motherboard device IRQ route control 0.</summary>
        Mbirq0 = 0x70,
        Mbdma0 = 0x76,
        Mbdma1 = 0x77,

        /// <summary>Programmable chip select control.</summary>
        Pcsc = 0x78,

        /// <summary>SMI control.</summary>
        Smicntl = 0xa0,

        /// <summary>SMI enable.</summary>
        Smien = 0xa2,

        /// <summary>System event enable.</summary>
        See = 0xa4,

        /// <summary>Fast off timer.</summary>
        Ftmr = 0xa8,
    }

    private const int RoutingDisabled = 0x80;

    /// <summary>Reset control register bits at port 0xcf9: RCPU resets the CPU, SRST picks a hard reset.</summary>
    private const int RcrResetCpu = 0x04, RcrSystemReset = 0x02;

    private readonly Func<int, IIrqLine> _isaIrq;
    private readonly Action _resetRequest;
    private readonly bool[] _pirqLevel = new bool[4];
    private readonly bool[] _isaLevel = new bool[16];
    private int _rcr;

    /// <param name="isaIrq">The ISA IRQ inputs of the interrupt controllers, by number.</param>
    public Piix3IsaBridge(PciBus bus, Func<int, IIrqLine> isaIrq, Action resetRequest)
        : base(vendor: 0x8086, device: 0x7000, revision: 0x00, classCode: 0x060100, multifunction: true)
    {
        _isaIrq = isaIrq;
        _resetRequest = resetRequest;
        // DEVSEL# timing: medium.
        SetWord(Header.Status, 0x0200);
        Config[(int)Register.Iort] = 0x4d;
        Config[(int)Register.Xbcs] = 0x03;
        for (int i = 0; i < 4; i++)
            Config[(int)Register.PirqRouteA + i] = RoutingDisabled;
        Config[(int)Register.Tom] = 0x02;
        Config[(int)Register.Mbirq0] = RoutingDisabled;
        Config[(int)Register.Mbdma0] = 0x0c;
        Config[(int)Register.Mbdma1] = 0x0c;
        Config[(int)Register.Pcsc] = 0x02;
        Config[(int)Register.Smicntl] = 0x08;
        Config[(int)Register.Ftmr] = 0x0f;
        bus.PirqChanged = SetPirq;
        ResetControl = new IoHandler((_, _) => (ulong)_rcr, (_, _, v) => WriteResetControl((int)v));
    }

    public override string TypeName => "PIIX3";

    protected override string ClassName => "ISA bridge";

    /// <summary>The reset control register, for the configuration ports to place at 0xcf9.</summary>
    public IIoHandler ResetControl { get; }

    /// <summary>The ISA IRQ a PIRQ line (0-3 for A-D) is routed to, or -1 when routing is off.</summary>
    public int PirqRoute(int pirq)
    {
        int route = Config[(int)Register.PirqRouteA + pirq];
        return (route & RoutingDisabled) != 0 ? -1 : route & 0x0f;
    }

    public override void Reset()
    {
        _rcr = 0;
        base.Reset();
    }

    protected override void OnConfigWritten(int offset, int size)
    {
        if (offset <= (int)Register.PirqRouteD && offset + size > (int)Register.PirqRouteA)
            UpdateInterrupts();
    }

    private void SetPirq(int pirq, bool level)
    {
        _pirqLevel[pirq] = level;
        UpdateInterrupts();
    }

    /// <summary>Each ISA IRQ that PCI drives is the OR of the PIRQ lines routed to it.</summary>
    private void UpdateInterrupts()
    {
        Span<bool> level = stackalloc bool[16];
        for (int pirq = 0; pirq < 4; pirq++)
        {
            int irq = PirqRoute(pirq);
            if (irq >= 0 && _pirqLevel[pirq])
                level[irq] = true;
        }
        for (int irq = 0; irq < 16; irq++)
        {
            if (level[irq] != _isaLevel[irq])
            {
                _isaLevel[irq] = level[irq];
                _isaIrq(irq).Set(level[irq]);
            }
        }
    }

    /// <summary>A write with RCPU set resets the system; SRST is kept for the next one.</summary>
    private void WriteResetControl(int value)
    {
        if ((value & RcrResetCpu) != 0)
        {
            _resetRequest();
            return;
        }
        _rcr = value & RcrSystemReset;
    }
}

using QemuSharp.Common.Irq;
using QemuSharp.Hw.Intc;

namespace QemuSharp.Hw.Pc;

/// <summary>
/// The ISA interrupt wires of the pc machine: each IRQ goes to the 8259 pair and to the IOAPIC,
/// IRQ0 on IOAPIC pin 2 (the MADT's interrupt source override says so), every other IRQ on the
/// pin of its own number.
/// </summary>
public sealed class IsaIrqRouter
{
    private readonly IIrqLine[] _lines = new IIrqLine[16];

    public IsaIrqRouter(I8259Pic pic, IoApic ioApic)
    {
        for (int irq = 0; irq < 16; irq++)
        {
            IIrqLine toPic = pic.Input(irq);
            IIrqLine toIoApic = ioApic.Input(irq == 0 ? 2 : irq);
            _lines[irq] = new IrqLine(level =>
            {
                toPic.Set(level);
                toIoApic.Set(level);
            });
        }
    }

    public IIrqLine this[int irq] => _lines[irq];
}

namespace QemuSharp.Hw.Acpi;

/// <summary>
/// Resource data descriptors (ACPI 6.4, section 6.4) for _CRS buffers: small I/O and IRQ
/// descriptors, large fixed-memory and address-space descriptors, and the end tag.
/// </summary>
public static class AmlResources
{
    private const byte IoTag = 0x47, IrqNoFlagsTag = 0x22, EndTag = 0x79;
    private const byte Memory32FixedTag = 0x86, DWordAddressTag = 0x87, WordAddressTag = 0x88;
    private const byte MemorySpace = 0, IoSpace = 1, BusNumberSpace = 2;

    /// <summary>General flags of an address-space descriptor: producer, positive decode, minimum and maximum fixed.</summary>
    private const byte FixedProducer = 0x0c;

    /// <summary>A ResourceTemplate: the descriptors followed by an end tag, as a Buffer object.</summary>
    public static byte[] Template(params byte[][] descriptors) =>
        Aml.Buffer([.. Aml.Concat(descriptors), EndTag, 0]);

    /// <summary>An I/O port range with 16-bit decode.</summary>
    public static byte[] Io(ushort minimum, ushort maximum, byte alignment, byte length) =>
        [IoTag, 1, (byte)minimum, (byte)(minimum >> 8), (byte)maximum, (byte)(maximum >> 8), alignment, length];

    /// <summary>Edge-triggered, active-high ISA interrupts (IRQNoFlags).</summary>
    public static byte[] IrqNoFlags(params int[] irqs)
    {
        int mask = irqs.Aggregate(0, (m, irq) => m | 1 << irq);
        return [IrqNoFlagsTag, (byte)mask, (byte)(mask >> 8)];
    }

    public static byte[] Memory32Fixed(bool writable, uint address, uint length) =>
        [Memory32FixedTag, 9, 0, (byte)(writable ? 1 : 0), .. Aml.LittleEndian(address, 4), .. Aml.LittleEndian(length, 4)];

    public static byte[] WordBusNumber(ushort minimum, ushort maximum) =>
        WordAddress(BusNumberSpace, 0, minimum, maximum);

    /// <summary>An I/O window decoded for the whole ISA and non-ISA range (EntireRange).</summary>
    public static byte[] WordIo(ushort minimum, ushort maximum) =>
        WordAddress(IoSpace, 3, minimum, maximum);

    /// <summary>A read-write memory window of address range memory.</summary>
    public static byte[] DWordMemory(bool cacheable, uint minimum, uint maximum)
    {
        byte typeFlags = (byte)(1 | (cacheable ? 1 << 1 : 0));
        uint length = maximum - minimum + 1;
        return [DWordAddressTag, 23, 0, MemorySpace, FixedProducer, typeFlags,
            .. Aml.LittleEndian(0, 4), .. Aml.LittleEndian(minimum, 4), .. Aml.LittleEndian(maximum, 4), .. Aml.LittleEndian(0, 4), .. Aml.LittleEndian(length, 4)];
    }

    private static byte[] WordAddress(byte space, byte typeFlags, ushort minimum, ushort maximum)
    {
        ushort length = (ushort)(maximum - minimum + 1);
        return [WordAddressTag, 13, 0, space, FixedProducer, typeFlags,
            .. Aml.LittleEndian(0, 2), .. Aml.LittleEndian(minimum, 2), .. Aml.LittleEndian(maximum, 2), .. Aml.LittleEndian(0, 2), .. Aml.LittleEndian(length, 2)];
    }
}

using System.Buffers.Binary;
using System.Text;
using QemuSharp.Hw.Intc;
using QemuSharp.Hw.Timer;

namespace QemuSharp.Hw.Acpi;

/// <summary>What the tables describe: the pc machine's CPUs, RAM split, serial ports and HPET.</summary>
public sealed record AcpiPlatform
{
    public int CpuCount { get; init; } = 1;

    /// <summary>RAM below 4 GiB; the PCI memory window starts here.</summary>
    public ulong RamBelow4G { get; init; }

    /// <summary>ISA serial ports present, from COM1 (0x3f8, IRQ4) up to COM4.</summary>
    public int SerialPorts { get; init; } = 1;

    public bool Hpet { get; init; } = true;

    /// <summary>The GSI behind each of the PIIX3's PIRQA-D lines: 10, 10, 11, 11 as SeaBIOS routes them.</summary>
    public IReadOnlyList<byte> PirqGsi { get; init; } = [10, 10, 11, 11];
}

/// <summary>The tables laid out for one guest-physical address, and where the RSDP is.</summary>
public sealed record AcpiImage(uint Address, byte[] Bytes, uint RsdpAddress);

/// <summary>
/// Builds the ACPI tables of QEMU's pc machine: RSDP (revision 2), RSDT and XSDT, an ACPI 2.0
/// FADT pointing at the PIIX4 PM blocks, FACS, MADT, HPET and a DSDT.
/// </summary>
public static class AcpiTables
{
    public const string OemId = "BOCHS ", OemTableId = "BXPC    ", CreatorId = "BXPC";

    /// <summary>CMOS index of the century byte (the FADT's CENTURY field).</summary>
    public const byte RtcCenturyIndex = 0x32;

    /// <summary>FADT flags: WBINVD, PROC_C1, SLP_BUTTON (no fixed sleep button), RTC_S4, RESET_REG_SUP, USE_PLATFORM_CLOCK.</summary>
    public const uint FadtFlags = 1 << 0 | 1 << 2 | 1 << 5 | 1 << 7 | 1 << 10 | 1 << 15;

    /// <summary>IAPC_BOOT_ARCH: 8042 present, as QEMU's q35 FADT (without it Linux skips the keyboard controller).</summary>
    public const ushort BootArchitecture = 0x0002;

    /// <summary>The PIIX3 reset control register and the value QEMU's q35 FADT writes (bit 2 starts the reset).</summary>
    public const ushort ResetPort = 0xcf9;
    public const byte ResetValue = 0x0f;

    private static readonly (ushort Port, int Irq)[] SerialResources = [(0x3f8, 4), (0x2f8, 3), (0x3e8, 4), (0x2e8, 3)];

    public static AcpiImage Build(AcpiPlatform platform, uint address)
    {
        var image = new List<byte>();
        uint Place(byte[] table, int alignment)
        {
            while (image.Count % alignment != 0)
                image.Add(0);
            uint at = address + (uint)image.Count;
            image.AddRange(table);
            return at;
        }

        int rsdpOffset = 0;
        image.AddRange(new byte[36]);
        uint facs = Place(Facs(), 64);
        uint dsdt = Place(Dsdt(platform), 16);
        var entries = new List<uint>
        {
            Place(Fadt(facs, dsdt), 16),
            Place(Madt(platform), 16),
        };
        if (platform.Hpet)
            entries.Add(Place(HpetTable(), 16));
        uint rsdt = Place(Table("RSDT", 1, [.. entries.SelectMany(e => Aml.LittleEndian(e, 4))]), 16);
        uint xsdt = Place(Table("XSDT", 1, [.. entries.SelectMany(e => Aml.LittleEndian(e, 8))]), 16);
        byte[] bytes = [.. image];
        Rsdp(rsdt, xsdt).CopyTo(bytes, rsdpOffset);
        return new AcpiImage(address, bytes, address + (uint)rsdpOffset);
    }

    /// <summary>RSDP revision 2: the ACPI 1.0 checksum covers 20 bytes, the extended one all 36.</summary>
    public static byte[] Rsdp(uint rsdt, ulong xsdt)
    {
        var b = new byte[36];
        Encoding.ASCII.GetBytes("RSD PTR ").CopyTo(b, 0);
        Encoding.ASCII.GetBytes(OemId).CopyTo(b, 9);
        b[15] = 2;
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(16), rsdt);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(20), 36);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(24), xsdt);
        b[8] = Checksum(b.AsSpan(0, 20));
        b[32] = Checksum(b);
        return b;
    }

    public static byte[] Facs()
    {
        var b = new byte[64];
        Encoding.ASCII.GetBytes("FACS").CopyTo(b, 0);
        b[4] = 64;
        b[32] = 1;
        return b;
    }

    /// <summary>
    /// The ACPI 2.0 FADT (revision 3, 244 bytes, as QEMU's q35 builds it): QEMU's pc uses the
    /// ACPI 1.0 FADT, which cannot hold the reset register or be listed in an XSDT.
    /// </summary>
    public static byte[] Fadt(uint facs, uint dsdt)
    {
        var b = new byte[244 - 36];
        void U8(int offset, byte v) => b[offset - 36] = v;
        void U16(int offset, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(offset - 36), v);
        void U32(int offset, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(offset - 36), v);
        void U64(int offset, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(offset - 36), v);
        void Gas(int offset, byte width, ulong port)
        {
            if (port == 0)
                return;
            U8(offset, 1);
            U8(offset + 1, width);
            U64(offset + 4, port);
        }

        U32(36, facs);
        U32(40, dsdt);
        U8(44, 1);
        U16(46, Piix4Pm.SciIrq);
        U32(48, Piix4Pm.SmiCommandPort);
        U8(52, Piix4Pm.AcpiEnableCommand);
        U8(53, Piix4Pm.AcpiDisableCommand);
        U32(56, Piix4Pm.DefaultBase);
        U32(64, Piix4Pm.DefaultBase + 4u);
        U32(76, Piix4Pm.DefaultBase + 8u);
        U32(80, Piix4Pm.Gpe0Base);
        U8(88, 4);
        U8(89, 2);
        U8(91, 4);
        U8(92, Piix4Pm.Gpe0Length);
        U16(96, 0xfff);
        U16(98, 0xfff);
        U8(108, RtcCenturyIndex);
        U16(109, BootArchitecture);
        U32(112, FadtFlags);
        Gas(116, 8, ResetPort);
        U8(128, ResetValue);
        U64(132, facs);
        U64(140, dsdt);
        Gas(148, 32, Piix4Pm.DefaultBase);
        Gas(172, 16, Piix4Pm.DefaultBase + 4u);
        Gas(208, 32, Piix4Pm.DefaultBase + 8u);
        Gas(220, Piix4Pm.Gpe0Length * 8, Piix4Pm.Gpe0Base);
        return Table("FACP", 3, b);
    }

    /// <summary>
    /// MADT as QEMU's pc: one local APIC per CPU, the IOAPIC at GSI 0, ISA IRQ0 on GSI 2, the
    /// PCI link IRQs 5, 9, 10 and 11 level-triggered active-high, and LINT1 as NMI on every CPU.
    /// </summary>
    public static byte[] Madt(AcpiPlatform platform)
    {
        var b = new List<byte>();
        b.AddRange(Aml.LittleEndian(LocalApic.DefaultBase, 4));
        b.AddRange(Aml.LittleEndian(1, 4));
        for (int cpu = 0; cpu < platform.CpuCount; cpu++)
            b.AddRange([0, 8, (byte)cpu, (byte)cpu, 1, 0, 0, 0]);
        b.AddRange([1, 12, 0, 0, .. Aml.LittleEndian(IoApic.DefaultBase, 4), .. Aml.LittleEndian(0, 4)]);
        b.AddRange(SourceOverride(0, 2, 0));
        foreach (byte irq in new byte[] { 5, 9, 10, 11 })
            b.AddRange(SourceOverride(irq, irq, 0x000d));
        b.AddRange([4, 6, 0xff, 0, 0, 1]);
        return Table("APIC", 1, [.. b]);
    }

    public static byte[] HpetTable()
    {
        var b = new byte[56 - 36];
        BinaryPrimitives.WriteUInt32LittleEndian(b, unchecked((uint)Hpet.CapabilitiesValue));
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(8), Hpet.DefaultBase);
        return Table("HPET", 1, b);
    }

    /// <summary>
    /// The DSDT: the PCI root bridge with its windows and the PIIX3's ISA devices (keyboard, mouse,
    /// serial ports, RTC), the HPET, one Processor object per CPU and the S5 sleep package.
    /// The power button is the FADT's fixed-feature button and needs no object.
    /// </summary>
    public static byte[] Dsdt(AcpiPlatform platform)
    {
        uint pciHoleStart = (uint)Math.Min(platform.RamBelow4G, 0xfec00000);
        var isa = new List<byte[]>
        {
            Aml.Name("_ADR", Aml.Integer(0x00010000)),
            Aml.Device("KBD", Aml.Name("_HID", Aml.EisaId("PNP0303")), Aml.Name("_STA", Aml.Integer(0xf)),
                Aml.Name("_CRS", AmlResources.Template(AmlResources.Io(0x60, 0x60, 1, 1), AmlResources.Io(0x64, 0x64, 1, 1),
                    AmlResources.IrqNoFlags(1)))),
            Aml.Device("MOU", Aml.Name("_HID", Aml.EisaId("PNP0F13")), Aml.Name("_STA", Aml.Integer(0xf)),
                Aml.Name("_CRS", AmlResources.Template(AmlResources.IrqNoFlags(12)))),
            Aml.Device("RTC", Aml.Name("_HID", Aml.EisaId("PNP0B00")),
                Aml.Name("_CRS", AmlResources.Template(AmlResources.Io(0x70, 0x70, 1, 8), AmlResources.IrqNoFlags(8)))),
        };
        for (int i = 0; i < Math.Min(platform.SerialPorts, SerialResources.Length); i++)
        {
            var (port, irq) = SerialResources[i];
            isa.Add(Aml.Device($"COM{i + 1}", Aml.Name("_HID", Aml.EisaId("PNP0501")), Aml.Name("_UID", Aml.Integer((ulong)i + 1)),
                Aml.Name("_STA", Aml.Integer(0xf)),
                Aml.Name("_CRS", AmlResources.Template(AmlResources.Io(port, port, 0, 8), AmlResources.IrqNoFlags(irq)))));
        }
        var pci = Aml.Device("PCI0",
            Aml.Name("_HID", Aml.EisaId("PNP0A03")),
            Aml.Name("_ADR", Aml.Integer(0)),
            Aml.Name("_UID", Aml.Integer(0)),
            Aml.Name("_CRS", AmlResources.Template(
                AmlResources.WordBusNumber(0, 0xff),
                AmlResources.Io(0xcf8, 0xcf8, 1, 8),
                AmlResources.WordIo(0, 0xcf7),
                AmlResources.WordIo(0xd00, 0xffff),
                AmlResources.DWordMemory(true, 0xa0000, 0xbffff),
                AmlResources.DWordMemory(false, pciHoleStart, 0xfebfffff))),
            Aml.Name("_PRT", PciRoutingTable(platform)),
            Aml.Device("ISA", [.. isa]));
        var system = new List<byte[]> { pci };
        if (platform.Hpet)
        {
            system.Add(Aml.Device("HPET", Aml.Name("_HID", Aml.EisaId("PNP0103")), Aml.Name("_UID", Aml.Integer(0)),
                Aml.Name("_STA", Aml.Integer(0xf)),
                Aml.Name("_CRS", AmlResources.Template(AmlResources.Memory32Fixed(false, (uint)Hpet.DefaultBase, (uint)Hpet.MmioSize)))));
        }
        for (int cpu = 0; cpu < platform.CpuCount; cpu++)
            system.Add(Aml.Processor($"C{cpu:X3}", (byte)cpu, 0, 0));
        byte[] body = Aml.Concat(
        [
            Aml.Scope("\\_SB", [.. system]),
            Aml.Name("\\_S5", Aml.Package(Aml.Integer(Piix4Pm.SoftOffSleepType), Aml.Integer(Piix4Pm.SoftOffSleepType),
                Aml.Integer(0), Aml.Integer(0))),
        ]);
        return Table("DSDT", 1, body);
    }

    /// <summary>
    /// _PRT in GSI form (source 0): on the i440FX, INTx pin P of slot S drives PIRQ (P + S - 1) mod 4,
    /// except INTA of slot 1 (the PIIX function that QEMU wires to the SCI, GSI 9).
    /// </summary>
    private static byte[] PciRoutingTable(AcpiPlatform platform)
    {
        var entries = new List<byte[]>();
        for (uint slot = 1; slot < 32; slot++)
        {
            for (uint pin = 0; pin < 4; pin++)
            {
                uint gsi = slot == 1 && pin == 0 ? Piix4Pm.SciIrq : platform.PirqGsi[(int)((pin + slot - 1) & 3)];
                entries.Add(Aml.Package(Aml.Integer(slot << 16 | 0xffff), Aml.Integer(pin), Aml.Integer(0), Aml.Integer(gsi)));
            }
        }
        return Aml.Package([.. entries]);
    }

    private static byte[] SourceOverride(byte irq, uint gsi, ushort flags) =>
        [2, 10, 0, irq, .. Aml.LittleEndian(gsi, 4), (byte)flags, (byte)(flags >> 8)];

    /// <summary>The 36-byte system description header followed by the body, with the checksum making the sum zero.</summary>
    public static byte[] Table(string signature, byte revision, byte[] body)
    {
        var b = new byte[36 + body.Length];
        Encoding.ASCII.GetBytes(signature).CopyTo(b, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), (uint)b.Length);
        b[8] = revision;
        Encoding.ASCII.GetBytes(OemId).CopyTo(b, 10);
        Encoding.ASCII.GetBytes(OemTableId).CopyTo(b, 16);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(24), 1);
        Encoding.ASCII.GetBytes(CreatorId).CopyTo(b, 28);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(32), 1);
        body.CopyTo(b, 36);
        b[9] = Checksum(b);
        return b;
    }

    /// <summary>The byte that makes the sum of all bytes zero modulo 256 (with the checksum field itself zero).</summary>
    public static byte Checksum(ReadOnlySpan<byte> bytes)
    {
        byte sum = 0;
        foreach (byte x in bytes)
            sum += x;
        return (byte)-sum;
    }
}

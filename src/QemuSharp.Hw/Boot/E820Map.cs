namespace QemuSharp.Hw.Boot;

/// <summary>BIOS INT 15h E820 address range types.</summary>
public enum E820Type : uint
{
    Ram = 1,
    Reserved = 2,
    AcpiReclaimable = 3,
    AcpiNvs = 4,
}

public readonly record struct E820Entry(ulong Address, ulong Size, E820Type Type);

/// <summary>How QEMU's pc machine splits guest RAM around the 32-bit PCI hole, and the memory map the firmware reports.</summary>
public static class E820Map
{
    /// <summary>QEMU's default max-ram-below-4g for pc: 3.5 GiB.</summary>
    public const ulong MaxRamBelow4G = 0xe0000000;

    /// <summary>With gigabyte alignment (pc machines since 2.1) RAM of 3.5 GiB or more keeps only 3 GiB below 4 GiB.</summary>
    public const ulong GigabyteAlignedBelow4G = 0xc0000000;

    /// <summary>The extended BIOS data area: the last KiB of conventional memory.</summary>
    public const ulong EbdaStart = 0x9fc00;

    /// <summary>The system BIOS segment, where the RSDP and our ACPI tables live.</summary>
    public const ulong BiosAreaStart = 0xf0000;

    public const ulong HighMemoryStart = 0x100000;

    public const ulong FourGiB = 0x1_0000_0000;

    public static (ulong Below4G, ulong Above4G) SplitRam(ulong ramSize)
    {
        ulong below = ramSize >= MaxRamBelow4G ? GigabyteAlignedBelow4G : ramSize;
        return (below, ramSize - below);
    }

    /// <summary>
    /// Conventional memory up to the EBDA, the BIOS segment reserved, RAM from 1 MiB to the PCI
    /// hole and the rest of RAM from 4 GiB.
    /// </summary>
    public static IReadOnlyList<E820Entry> ForRam(ulong ramSize)
    {
        var (below, above) = SplitRam(ramSize);
        var map = new List<E820Entry>
        {
            new(0, Math.Min(EbdaStart, below), E820Type.Ram),
            new(EbdaStart, 0xa0000 - EbdaStart, E820Type.Reserved),
            new(BiosAreaStart, HighMemoryStart - BiosAreaStart, E820Type.Reserved),
        };
        if (below > HighMemoryStart)
            map.Add(new(HighMemoryStart, below - HighMemoryStart, E820Type.Ram));
        if (above > 0)
            map.Add(new(FourGiB, above, E820Type.Ram));
        return map;
    }
}

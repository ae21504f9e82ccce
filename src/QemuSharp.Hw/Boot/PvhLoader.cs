using System.Buffers.Binary;
using System.Text;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Boot;

/// <summary>Offsets in struct hvm_start_info, version 1 (Xen's public arch-x86/hvm/start_info.h).</summary>
public enum StartInfoField : byte
{
    Magic = 0x00,
    Version = 0x04,
    Flags = 0x08,
    ModuleCount = 0x0c,
    ModuleListAddress = 0x10,
    CommandLineAddress = 0x18,
    RsdpAddress = 0x20,
    MemoryMapAddress = 0x28,
    MemoryMapEntries = 0x30,
}

/// <summary>
/// Direct boot of an ELF kernel through its PVH entry (the XEN_ELFNOTE_PHYS32_ENTRY note), as
/// QEMU does for -kernel vmlinux: segments at their physical addresses, an hvm_start_info with
/// the command line, the initrd as module 0 and the e820 map, and 32-bit protected mode with
/// paging off and the start info's address in EBX.
/// </summary>
public static class PvhLoader
{
    public const uint Phys32EntryNote = 18;

    /// <summary>"xEn3" with the top bit of the 'E' set.</summary>
    public const uint StartInfoMagic = 0x336ec578;

    public const ulong StartInfoAddress = 0x7000, ModuleListAddress = 0x7040, MemoryMapAddress = 0x7080;
    private const int StartInfoSize = 56, ModuleEntrySize = 32, MemoryMapEntrySize = 24;

    /// <summary>The 32-bit entry point of an ELF kernel, or null when the file is not ELF or has no PVH note.</summary>
    public static uint? FindEntry(ReadOnlySpan<byte> file)
    {
        if (!ElfImage.HasElfMagic(file))
            return null;
        foreach (var (name, type, descriptor) in ElfImage.Parse(file).Notes)
            if (name == "Xen" && type == Phys32EntryNote && descriptor.Length >= 4)
                return BinaryPrimitives.ReadUInt32LittleEndian(descriptor);
        return null;
    }

    public static LinuxBootResult Load(PhysicalMemory memory, ReadOnlySpan<byte> file, LinuxBootOptions options)
    {
        uint entryPoint = FindEntry(file) ?? throw new LinuxBootException("the ELF kernel has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)");
        var (below4G, _) = E820Map.SplitRam(options.RamSize);
        foreach (ElfSegment s in ElfImage.Parse(file).Segments)
        {
            LinuxLoader.Store(memory, s.PhysicalAddress, file.Slice((int)s.FileOffset, (int)s.FileSize), "ELF segment");
            if (s.MemorySize - s.FileSize > options.RamSize)
                throw new LinuxBootException("an ELF segment is larger than guest RAM");
            byte[] zeros = new byte[1 << 20];
            for (ulong at = s.FileSize; at < s.MemorySize; at += (ulong)zeros.Length)
                LinuxLoader.Store(memory, s.PhysicalAddress + at, zeros.AsSpan(0, (int)Math.Min((ulong)zeros.Length, s.MemorySize - at)), "ELF segment");
        }

        ulong initrdAddress = 0;
        uint initrdSize = 0;
        if (options.Initrd is { } initrd)
        {
            ulong max = below4G - LinuxLoader.AcpiDataSize - 1;
            if ((ulong)initrd.Length >= max)
                throw new LinuxBootException($"qemu: initrd is too large, cannot support. (max: {max}, need {initrd.Length})");
            initrdSize = (uint)initrd.Length;
            initrdAddress = (max - initrdSize) & ~0xffful;
            LinuxLoader.Store(memory, initrdAddress, initrd, "initrd");
        }

        byte[] commandLine = Encoding.UTF8.GetBytes(options.CommandLine + "\0");
        if ((ulong)commandLine.Length > LinuxLoader.CommandLineLimit)
            throw new LinuxBootException("the kernel command line is too long");
        LinuxLoader.Store(memory, LinuxLoader.CommandLineAddress, commandLine, "command line");
        IReadOnlyList<E820Entry> map = E820Map.ForRam(options.RamSize);
        LinuxLoader.Store(memory, StartInfoAddress, StartInfo(options.AcpiRsdpAddress, initrdSize > 0, map.Count), "hvm_start_info");
        if (initrdSize > 0)
            LinuxLoader.Store(memory, ModuleListAddress, Module(initrdAddress, initrdSize), "module list");
        LinuxLoader.Store(memory, MemoryMapAddress, MemoryMap(map), "memory map");
        LinuxLoader.Store(memory, LinuxLoader.GdtAddress, LinuxLoader.Gdt(), "GDT");
        LinuxLoader.WriteBiosDataArea(memory);

        var entry = new CpuEntryState
        {
            Rip = entryPoint,
            Rbx = StartInfoAddress,
            Cr0 = CpuEntryState.Cr0ProtectionEnable | CpuEntryState.Cr0ExtensionType,
            Cr4 = 0,
            Efer = 0,
            GdtBase = LinuxLoader.GdtAddress,
            GdtLimit = 4 * 8 - 1,
            Cs = SegmentState.FromDescriptor(LinuxLoader.Boot32Cs, LinuxLoader.Code32Descriptor),
            DataSegment = SegmentState.FromDescriptor(LinuxLoader.BootDs, LinuxLoader.DataDescriptor),
        };
        return new LinuxBootResult(entry, entryPoint, initrdAddress, initrdSize);
    }

    private static byte[] StartInfo(ulong rsdp, bool hasModule, int memoryMapEntries)
    {
        var b = new byte[StartInfoSize];
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan((int)StartInfoField.Magic), StartInfoMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan((int)StartInfoField.Version), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan((int)StartInfoField.ModuleCount), hasModule ? 1u : 0u);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan((int)StartInfoField.ModuleListAddress), hasModule ? ModuleListAddress : 0);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan((int)StartInfoField.CommandLineAddress), LinuxLoader.CommandLineAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan((int)StartInfoField.RsdpAddress), rsdp);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan((int)StartInfoField.MemoryMapAddress), MemoryMapAddress);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan((int)StartInfoField.MemoryMapEntries), (uint)memoryMapEntries);
        return b;
    }

    /// <summary>hvm_modlist_entry: physical address, size, command line address, reserved.</summary>
    private static byte[] Module(ulong address, uint size)
    {
        var b = new byte[ModuleEntrySize];
        BinaryPrimitives.WriteUInt64LittleEndian(b, address);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(8), size);
        return b;
    }

    /// <summary>hvm_memmap_table_entry: address, size, e820 type, reserved.</summary>
    private static byte[] MemoryMap(IReadOnlyList<E820Entry> map)
    {
        var b = new byte[map.Count * MemoryMapEntrySize];
        for (int i = 0; i < map.Count; i++)
        {
            Span<byte> e = b.AsSpan(i * MemoryMapEntrySize);
            BinaryPrimitives.WriteUInt64LittleEndian(e, map[i].Address);
            BinaryPrimitives.WriteUInt64LittleEndian(e[8..], map[i].Size);
            BinaryPrimitives.WriteUInt32LittleEndian(e[16..], (uint)map[i].Type);
        }
        return b;
    }
}

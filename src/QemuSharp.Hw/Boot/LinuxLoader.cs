using System.Buffers.Binary;
using System.Text;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Boot;

/// <summary>Offsets in struct boot_params, the zero page (Documentation/arch/x86/zero-page.rst).</summary>
public enum BootParamsField : ushort
{
    AcpiRsdpAddr = 0x070,
    ExtRamdiskImage = 0x0c0,
    ExtRamdiskSize = 0x0c4,
    ExtCmdLinePtr = 0x0c8,
    AltMemK = 0x1e0,
    E820Entries = 0x1e8,
    Sentinel = 0x1ef,
    SetupHeader = 0x1f1,
    E820Table = 0x2d0,
}

public sealed class LinuxBootException(string message) : Exception(message);

/// <summary>What -kernel, -initrd, -append and -m give the loader.</summary>
public sealed record LinuxBootOptions
{
    public required ulong RamSize { get; init; }
    public string CommandLine { get; init; } = "";
    public byte[]? Initrd { get; init; }

    /// <summary>Where the RSDP is, passed in boot_params; 0 lets the kernel scan the BIOS area.</summary>
    public ulong AcpiRsdpAddress { get; init; }
}

/// <summary>Where the loader put things, and the CPU state to start from.</summary>
public sealed record LinuxBootResult(CpuEntryState Entry, ulong KernelAddress, ulong InitrdAddress, uint InitrdSize);

/// <summary>
/// Direct boot of a bzImage through the 64-bit boot protocol: the protected-mode kernel at
/// 1 MiB, the initrd as high as QEMU puts it, boot_params with the e820 map, and long mode
/// entered on identity-mapped page tables covering the low 4 GiB.
/// </summary>
public static class LinuxLoader
{
    public const ulong StackTop = 0x6000, GdtAddress = 0x6000, BootParamsAddress = 0x7000;
    public const ulong Pml4Address = 0x8000, PdptAddress = 0x9000, PageDirectoryAddress = 0xa000;
    public const ulong CommandLineAddress = 0x20000, CommandLineLimit = 0x10000;
    public const ulong KernelAddress = 0x100000;
    public const ulong EbdaSegmentPointer = 0x40e, BaseMemorySizePointer = 0x413;

    /// <summary>Top of RAM below 4 GiB that QEMU keeps free for the firmware's ACPI tables; the initrd ends below it.</summary>
    public const ulong AcpiDataSize = 0x28000;

    /// <summary>QEMU's type_of_loader: 0xb (QEMU) in the high nibble, version 0.</summary>
    public const byte TypeOfLoader = 0xb0;

    public const ushort BootCs = 0x10, BootDs = 0x18, Boot32Cs = 0x08;

    /// <summary>Flat 4 GiB descriptors: 32-bit code (for PVH), 64-bit code (L=1) and data.</summary>
    public const ulong Code32Descriptor = 0x00cf9a000000ffff, Code64Descriptor = 0x00af9a000000ffff, DataDescriptor = 0x00cf92000000ffff;

    private const ulong PageWritablePresent = 0x03, LargePage = 0x80;

    public static LinuxBootResult Load(PhysicalMemory memory, ReadOnlySpan<byte> kernel, LinuxBootOptions options)
    {
        LinuxSetupHeader header = LinuxSetupHeader.Parse(kernel)
            ?? throw new LinuxBootException("the kernel image is not a bzImage (no HdrS signature)");
        if (!header.Supports64BitEntry)
            throw new LinuxBootException($"the kernel's boot protocol {header.Version >> 8}.{header.Version & 0xff} has no 64-bit entry point (2.12 with XLF_KERNEL_64 needed)");
        if (kernel.Length <= header.SetupSize)
            throw new LinuxBootException("the kernel image is truncated");
        ReadOnlySpan<byte> protectedMode = kernel[header.SetupSize..];
        var (below4G, _) = E820Map.SplitRam(options.RamSize);

        ulong initrdAddress = 0;
        uint initrdSize = 0;
        if (options.Initrd is { } initrd)
        {
            ulong max = InitrdMax(header, below4G);
            if ((ulong)initrd.Length >= max)
                throw new LinuxBootException($"qemu: initrd is too large, cannot support. (max: {max}, need {initrd.Length})");
            initrdSize = (uint)initrd.Length;
            initrdAddress = (max - initrdSize) & ~0xffful;
        }
        ulong kernelEnd = KernelAddress + Math.Max((ulong)protectedMode.Length, header.InitSize);
        if (kernelEnd > (initrdSize > 0 ? initrdAddress : below4G))
            throw new LinuxBootException("the kernel does not fit in RAM below 4 GiB");

        byte[] commandLine = Encoding.UTF8.GetBytes(options.CommandLine + "\0");
        if ((ulong)commandLine.Length > CommandLineLimit)
            throw new LinuxBootException("the kernel command line is too long");

        byte[] bootParams = BuildBootParams(kernel, header, options, initrdAddress, initrdSize);
        Store(memory, KernelAddress, protectedMode, "kernel");
        if (options.Initrd is { } data)
            Store(memory, initrdAddress, data, "initrd");
        Store(memory, CommandLineAddress, commandLine, "command line");
        Store(memory, BootParamsAddress, bootParams, "boot_params");
        Store(memory, GdtAddress, Gdt(), "GDT");
        Store(memory, Pml4Address, IdentityPageTables(), "page tables");
        WriteBiosDataArea(memory);

        var entry = new CpuEntryState
        {
            Rip = KernelAddress + 0x200,
            Rsi = BootParamsAddress,
            Rsp = StackTop,
            Cr0 = CpuEntryState.Cr0ProtectionEnable | CpuEntryState.Cr0ExtensionType | CpuEntryState.Cr0Paging,
            Cr3 = Pml4Address,
            Cr4 = CpuEntryState.Cr4Pae,
            Efer = CpuEntryState.EferLongModeEnable | CpuEntryState.EferLongModeActive,
            GdtBase = GdtAddress,
            GdtLimit = 4 * 8 - 1,
            Cs = SegmentState.FromDescriptor(BootCs, Code64Descriptor),
            DataSegment = SegmentState.FromDescriptor(BootDs, DataDescriptor),
        };
        return new LinuxBootResult(entry, KernelAddress, initrdAddress, initrdSize);
    }

    /// <summary>
    /// The highest address the initrd may reach, as QEMU computes it: anywhere in 32 bits when
    /// the kernel can take it above 4 GiB, else initrd_addr_max; never into the top
    /// <see cref="AcpiDataSize"/> of RAM below 4 GiB.
    /// </summary>
    public static ulong InitrdMax(LinuxSetupHeader header, ulong ramBelow4G)
    {
        ulong max = (header.XLoadFlags & LinuxSetupHeader.XlfCanBeLoadedAbove4G) != 0 ? uint.MaxValue : header.InitrdAddrMax;
        return Math.Min(max, ramBelow4G - AcpiDataSize - 1);
    }

    /// <summary>The zero page: the image's setup header with the loader's fields filled in, and the e820 map.</summary>
    public static byte[] BuildBootParams(ReadOnlySpan<byte> kernel, LinuxSetupHeader header, LinuxBootOptions options, ulong initrdAddress, uint initrdSize)
    {
        var p = new byte[4096];
        kernel.Slice((int)BootParamsField.SetupHeader, header.Length).CopyTo(p.AsSpan((int)BootParamsField.SetupHeader));
        p[(int)SetupHeaderField.TypeOfLoader] = TypeOfLoader;
        p[(int)SetupHeaderField.LoadFlags] |= LinuxSetupHeader.LoadedHigh;
        U32(p, (int)SetupHeaderField.Code32Start, (uint)KernelAddress);
        U32(p, (int)SetupHeaderField.CmdLinePtr, (uint)CommandLineAddress);
        if (VideoMode(options.CommandLine) is { } mode)
            BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan((int)SetupHeaderField.VidMode), mode);
        U32(p, (int)SetupHeaderField.RamdiskImage, (uint)initrdAddress);
        U32(p, (int)SetupHeaderField.RamdiskSize, initrdSize);
        BinaryPrimitives.WriteUInt64LittleEndian(p.AsSpan((int)BootParamsField.AcpiRsdpAddr), options.AcpiRsdpAddress);

        var (below4G, _) = E820Map.SplitRam(options.RamSize);
        U32(p, (int)BootParamsField.AltMemK, (uint)((below4G - E820Map.HighMemoryStart) >> 10));
        IReadOnlyList<E820Entry> map = E820Map.ForRam(options.RamSize);
        p[(int)BootParamsField.E820Entries] = (byte)map.Count;
        for (int i = 0; i < map.Count; i++)
        {
            Span<byte> e = p.AsSpan((int)BootParamsField.E820Table + 20 * i, 20);
            BinaryPrimitives.WriteUInt64LittleEndian(e, map[i].Address);
            BinaryPrimitives.WriteUInt64LittleEndian(e[8..], map[i].Size);
            BinaryPrimitives.WriteUInt32LittleEndian(e[16..], (uint)map[i].Type);
        }
        return p;
    }

    /// <summary>
    /// The vid_mode that a "vga=" parameter asks for, as QEMU reads it: normal (0xffff), ext
    /// (0xfffe), ask (0xfffd) or a number in C notation; null without the parameter.
    /// </summary>
    public static ushort? VideoMode(string commandLine)
    {
        int at = commandLine.IndexOf("vga=", StringComparison.Ordinal);
        if (at < 0)
            return null;
        string value = commandLine[(at + 4)..];
        if (value.StartsWith("normal", StringComparison.Ordinal))
            return 0xffff;
        if (value.StartsWith("ext", StringComparison.Ordinal))
            return 0xfffe;
        if (value.StartsWith("ask", StringComparison.Ordinal))
            return 0xfffd;
        string number = value.Split(' ')[0];
        try
        {
            uint mode = number.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? Convert.ToUInt32(number[2..], 16)
                : number.Length > 1 && number[0] == '0' ? Convert.ToUInt32(number[1..], 8)
                : uint.Parse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
            return (ushort)mode;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new LinuxBootException("qemu: invalid 'vga=' kernel parameter.");
        }
    }

    /// <summary>Null descriptor, then 32-bit code at 0x08, __BOOT_CS at 0x10 and __BOOT_DS at 0x18.</summary>
    public static byte[] Gdt()
    {
        var g = new byte[32];
        BinaryPrimitives.WriteUInt64LittleEndian(g.AsSpan(Boot32Cs), Code32Descriptor);
        BinaryPrimitives.WriteUInt64LittleEndian(g.AsSpan(BootCs), Code64Descriptor);
        BinaryPrimitives.WriteUInt64LittleEndian(g.AsSpan(BootDs), DataDescriptor);
        return g;
    }

    /// <summary>PML4, one PDPT and four page directories of 2 MiB pages mapping 0-4 GiB onto itself.</summary>
    public static byte[] IdentityPageTables()
    {
        var t = new byte[6 * 4096];
        BinaryPrimitives.WriteUInt64LittleEndian(t, PdptAddress | PageWritablePresent);
        for (int i = 0; i < 4; i++)
        {
            ulong directory = PageDirectoryAddress + (ulong)i * 4096;
            BinaryPrimitives.WriteUInt64LittleEndian(t.AsSpan(4096 + 8 * i), directory | PageWritablePresent);
            for (int j = 0; j < 512; j++)
            {
                ulong page = ((ulong)i * 512 + (ulong)j) << 21;
                BinaryPrimitives.WriteUInt64LittleEndian(t.AsSpan((int)(directory - Pml4Address) + 8 * j), page | LargePage | PageWritablePresent);
            }
        }
        return t;
    }

    /// <summary>
    /// The two BIOS data area words Linux reads where a BIOS would have set them: the EBDA
    /// segment at 0x40e and the conventional memory size in KiB at 0x413.
    /// </summary>
    internal static void WriteBiosDataArea(PhysicalMemory memory)
    {
        var ebdaSegment = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(ebdaSegment, (ushort)(E820Map.EbdaStart >> 4));
        Store(memory, EbdaSegmentPointer, ebdaSegment, "BIOS data area");
        var baseMemoryKib = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(baseMemoryKib, (ushort)(E820Map.EbdaStart >> 10));
        Store(memory, BaseMemorySizePointer, baseMemoryKib, "BIOS data area");
    }

    internal static void Store(PhysicalMemory memory, ulong address, ReadOnlySpan<byte> bytes, string what)
    {
        if (!memory.TryWrite(address, bytes))
            throw new LinuxBootException($"the {what} does not fit in guest RAM at 0x{address:x}");
    }

    private static void U32(byte[] b, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(offset), value);
}

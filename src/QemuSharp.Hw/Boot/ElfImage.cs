using System.Buffers.Binary;
using System.Text;

namespace QemuSharp.Hw.Boot;

/// <summary>A loadable segment: file bytes placed at a physical address, the rest of its memory size zeroed.</summary>
public readonly record struct ElfSegment(ulong PhysicalAddress, ulong FileOffset, ulong FileSize, ulong MemorySize);

/// <summary>
/// The parts of a little-endian x86 ELF executable (ELF32 or ELF64, System V gABI) that a
/// direct-boot loader needs: PT_LOAD segments by physical address and the PT_NOTE entries.
/// Every offset and size is checked against the file.
/// </summary>
public sealed class ElfImage
{
    private const uint PtLoad = 1, PtNote = 4;
    private const ushort MachineX86 = 3, MachineX86_64 = 62;

    private ElfImage(List<ElfSegment> segments, List<(string Name, uint Type, byte[] Descriptor)> notes)
    {
        Segments = segments;
        Notes = notes;
    }

    public IReadOnlyList<ElfSegment> Segments { get; }

    public IReadOnlyList<(string Name, uint Type, byte[] Descriptor)> Notes { get; }

    public static bool HasElfMagic(ReadOnlySpan<byte> file) => file.Length >= 4 && file[..4].SequenceEqual((ReadOnlySpan<byte>)[0x7f, (byte)'E', (byte)'L', (byte)'F']);

    /// <summary>Reads the program headers; throws <see cref="LinuxBootException"/> for anything malformed.</summary>
    public static ElfImage Parse(ReadOnlySpan<byte> file)
    {
        if (!HasElfMagic(file) || file.Length < 52)
            throw new LinuxBootException("the kernel image is not an ELF file");
        bool is64 = file[4] == 2;
        if (file[4] is not (1 or 2) || file[5] != 1)
            throw new LinuxBootException("the ELF kernel is not a little-endian ELF32 or ELF64 file");
        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(file[18..]);
        if (machine is not (MachineX86 or MachineX86_64) || (is64 && file.Length < 64))
            throw new LinuxBootException("the ELF kernel is not built for x86");
        ulong phoff = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(file[0x20..]) : BinaryPrimitives.ReadUInt32LittleEndian(file[0x1c..]);
        int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(file[(is64 ? 0x36 : 0x2a)..]);
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(file[(is64 ? 0x38 : 0x2c)..]);
        if (phentsize < (is64 ? 56 : 32) || !Fits(file, phoff, (ulong)phentsize * (ulong)phnum))
            throw new LinuxBootException("the ELF kernel's program headers lie outside the file");

        var segments = new List<ElfSegment>();
        var notes = new List<(string, uint, byte[])>();
        for (int i = 0; i < phnum; i++)
        {
            ReadOnlySpan<byte> ph = file.Slice((int)phoff + i * phentsize, phentsize);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(ph);
            ulong offset = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(ph[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(ph[4..]);
            ulong paddr = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(ph[24..]) : BinaryPrimitives.ReadUInt32LittleEndian(ph[12..]);
            ulong filesz = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(ph[32..]) : BinaryPrimitives.ReadUInt32LittleEndian(ph[16..]);
            ulong memsz = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(ph[40..]) : BinaryPrimitives.ReadUInt32LittleEndian(ph[20..]);
            if (type is not (PtLoad or PtNote))
                continue;
            if (!Fits(file, offset, filesz) || (type == PtLoad && memsz < filesz))
                throw new LinuxBootException($"ELF program header {i} lies outside the file");
            if (type == PtLoad)
                segments.Add(new ElfSegment(paddr, offset, filesz, memsz));
            else
                ReadNotes(file.Slice((int)offset, (int)filesz), notes);
        }
        return new ElfImage(segments, notes);
    }

    /// <summary>Note entries: namesz, descsz, type, then the name and the descriptor, each padded to 4 bytes.</summary>
    private static void ReadNotes(ReadOnlySpan<byte> notes, List<(string, uint, byte[])> into)
    {
        while (notes.Length >= 12)
        {
            uint nameSize = BinaryPrimitives.ReadUInt32LittleEndian(notes);
            uint descSize = BinaryPrimitives.ReadUInt32LittleEndian(notes[4..]);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(notes[8..]);
            ulong nameEnd = 12 + Align4(nameSize), end = nameEnd + Align4(descSize);
            if (end > (ulong)notes.Length)
                return;
            string name = Encoding.ASCII.GetString(notes.Slice(12, (int)nameSize)).TrimEnd('\0');
            into.Add((name, type, notes.Slice((int)nameEnd, (int)descSize).ToArray()));
            notes = notes[(int)end..];
        }
    }

    private static ulong Align4(uint size) => ((ulong)size + 3) & ~3ul;

    private static bool Fits(ReadOnlySpan<byte> file, ulong offset, ulong length) =>
        offset <= (ulong)file.Length && length <= (ulong)file.Length - offset;
}

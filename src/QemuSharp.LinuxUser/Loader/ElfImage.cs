using System.Buffers.Binary;

namespace QemuSharp.LinuxUser.Loader;

/// <summary>An ELF program header, as far as loading needs it.</summary>
internal readonly record struct ProgramHeader(uint Type, uint Flags, ulong Offset, ulong VAddr, ulong FileSize, ulong MemSize, ulong Align);

/// <summary>
/// The parts of an ELF64 x86-64 executable that a loader needs, parsed and checked. Every
/// inconsistency (truncation, overflow, overlapping or absurd segments) becomes a
/// <see cref="ElfException"/> with a one-line reason.
/// </summary>
internal sealed class ElfImage
{
    public const uint PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6, PT_GNU_STACK = 0x6474e551;
    public const ushort ET_EXEC = 2, ET_DYN = 3;
    public const uint PF_X = 1, PF_W = 2, PF_R = 4;
    private const ulong UserLimit = 1UL << 47;

    public required string Path { get; init; }
    public required ushort Type { get; init; }
    public required ulong Entry { get; init; }
    public required ulong PhOff { get; init; }
    public required ushort PhNum { get; init; }
    public required ProgramHeader[] Headers { get; init; }
    public string? Interpreter { get; init; }

    public IEnumerable<ProgramHeader> Loads => Headers.Where(h => h.Type == PT_LOAD);

    public static ElfImage Read(string path)
    {
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ElfException(e is FileNotFoundException or DirectoryNotFoundException ? "No such file or directory" : e.Message);
        }
        return Parse(path, data);
    }

    public static ElfImage Parse(string path, ReadOnlySpan<byte> d)
    {
        if (d.Length < 64 || d[0] != 0x7f || d[1] != (byte)'E' || d[2] != (byte)'L' || d[3] != (byte)'F')
            throw new ElfException("Invalid ELF image for this architecture");
        if (d[4] != 2 || d[5] != 1 || BinaryPrimitives.ReadUInt16LittleEndian(d[18..]) != 62)
            throw new ElfException("Invalid ELF image for this architecture");
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(d[16..]);
        if (type != ET_EXEC && type != ET_DYN)
            throw new ElfException("Invalid ELF image for this architecture");
        ulong entry = BinaryPrimitives.ReadUInt64LittleEndian(d[24..]);
        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(d[32..]);
        ushort phentsize = BinaryPrimitives.ReadUInt16LittleEndian(d[54..]);
        ushort phnum = BinaryPrimitives.ReadUInt16LittleEndian(d[56..]);
        if (phentsize != 56 || phnum == 0 || phnum > 512 || phoff > (ulong)d.Length || (ulong)d.Length - phoff < (ulong)phnum * 56)
            throw new ElfException("Invalid ELF image for this architecture: bad program headers");
        var headers = new ProgramHeader[phnum];
        for (int i = 0; i < phnum; i++)
        {
            var h = d.Slice((int)phoff + i * 56, 56);
            headers[i] = new ProgramHeader(
                BinaryPrimitives.ReadUInt32LittleEndian(h), BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[8..]), BinaryPrimitives.ReadUInt64LittleEndian(h[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[32..]), BinaryPrimitives.ReadUInt64LittleEndian(h[40..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[48..]));
        }
        string? interp = null;
        ulong previousEnd = 0;
        bool anyLoad = false;
        foreach (var h in headers)
        {
            if (h.Type == PT_INTERP)
            {
                if (h.FileSize < 2 || h.FileSize > 4096 || h.Offset > (ulong)d.Length || (ulong)d.Length - h.Offset < h.FileSize)
                    throw new ElfException("Invalid ELF image: bad interpreter name");
                var name = d.Slice((int)h.Offset, (int)h.FileSize);
                int nul = name.IndexOf((byte)0);
                interp = System.Text.Encoding.UTF8.GetString(nul >= 0 ? name[..nul] : name);
                if (interp.Length == 0)
                    throw new ElfException("Invalid ELF image: bad interpreter name");
            }
            if (h.Type != PT_LOAD)
                continue;
            anyLoad = true;
            if (h.FileSize > h.MemSize || h.Offset > (ulong)d.Length || (ulong)d.Length - h.Offset < h.FileSize)
                throw new ElfException("Invalid ELF image: segment extends past the end of the file");
            if (h.VAddr >= UserLimit || h.MemSize >= UserLimit || h.VAddr + h.MemSize > UserLimit)
                throw new ElfException("Invalid ELF image: segment outside the user address space");
            if ((h.VAddr & 0xfff) != (h.Offset & 0xfff))
                throw new ElfException("Invalid ELF image: segment offset and address disagree modulo the page size");
            if (h.VAddr < previousEnd)
                throw new ElfException("Invalid ELF image: overlapping or unordered segments");
            previousEnd = h.VAddr + h.MemSize;
        }
        if (!anyLoad)
            throw new ElfException("Invalid ELF image: no loadable segment");
        return new ElfImage
        {
            Path = path, Type = type, Entry = entry, PhOff = phoff, PhNum = phnum, Headers = headers, Interpreter = interp,
        };
    }
}

/// <summary>A file that cannot be loaded; the message is what the user sees after the program name.</summary>
internal sealed class ElfException(string message) : Exception(message);

namespace QemuSharp.Memory;

/// <summary>What lies behind a range of guest physical addresses.</summary>
public enum RegionKind : byte
{
    /// <summary>Readable and writable native memory.</summary>
    Ram,

    /// <summary>Native memory that the guest reads and executes; its writes are dropped.</summary>
    Rom,

    /// <summary>Device registers reached through an <see cref="IIoHandler"/>.</summary>
    Io,
}

/// <summary>
/// A named piece of the physical address space (QEMU's MemoryRegion): RAM or ROM backed by a
/// slice of a <see cref="RamBlock"/>, or a device's MMIO window.
/// </summary>
public sealed class MemoryRegion
{
    private MemoryRegion(string name, RegionKind kind, ulong size, RamBlock? block, ulong blockOffset, IIoHandler? io)
    {
        Name = name;
        Kind = kind;
        Size = size;
        Block = block;
        BlockOffset = blockOffset;
        Io = io;
    }

    public string Name { get; }
    public RegionKind Kind { get; }
    public ulong Size { get; }
    public RamBlock? Block { get; }
    public ulong BlockOffset { get; }
    public IIoHandler? Io { get; }

    public static MemoryRegion Ram(string name, RamBlock block, ulong offset = 0, ulong? size = null) =>
        Backed(name, RegionKind.Ram, block, offset, size);

    public static MemoryRegion Rom(string name, RamBlock block, ulong offset = 0, ulong? size = null) =>
        Backed(name, RegionKind.Rom, block, offset, size);

    public static MemoryRegion Mmio(string name, ulong size, IIoHandler io) =>
        new(name, RegionKind.Io, size, null, 0, io);

    private static MemoryRegion Backed(string name, RegionKind kind, RamBlock block, ulong offset, ulong? size)
    {
        ulong length = size ?? block.Size - offset;
        if (offset > block.Size || length > block.Size - offset || length == 0)
            throw new ArgumentOutOfRangeException(nameof(size), $"{name} does not fit in {block.Name}");
        return new(name, kind, length, block, offset, null);
    }
}

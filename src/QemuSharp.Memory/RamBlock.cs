using System.Runtime.InteropServices;

namespace QemuSharp.Memory;

/// <summary>
/// Guest RAM or ROM contents in one native allocation (design.md #1), zeroed at creation and
/// aligned to the host page so that the soft TLB can hand out host page addresses.
/// </summary>
public sealed unsafe class RamBlock : IDisposable
{
    private const nuint Alignment = 4096;

    public RamBlock(string name, ulong size)
    {
        if (size == 0 || size % 4096 != 0)
            throw new ArgumentOutOfRangeException(nameof(size), "RAM blocks are whole 4 KiB pages");
        Name = name;
        Size = size;
        Host = (byte*)NativeMemory.AlignedAlloc((nuint)size, Alignment);
        NativeMemory.Clear(Host, (nuint)size);
    }

    public string Name { get; }
    public ulong Size { get; }
    public byte* Host { get; private set; }

    /// <summary>The bytes at <paramref name="offset"/>, checked to lie inside the block.</summary>
    public Span<byte> Slice(ulong offset, int length)
    {
        if (length < 0 || offset > Size || (ulong)length > Size - offset)
            throw new ArgumentOutOfRangeException(nameof(offset), $"{Name}: {length} bytes at 0x{offset:x} are outside the block");
        return new Span<byte>(Host + offset, length);
    }

    public void Dispose()
    {
        if (Host != null)
        {
            NativeMemory.AlignedFree(Host);
            Host = null;
        }
    }
}

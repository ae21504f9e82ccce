namespace QemuSharp.Memory;

/// <summary>
/// The x86 I/O port space: 65536 byte-wide ports, each owned by at most one device window.
/// Reads from ports nobody decodes float high (all ones); writes to them are dropped.
/// </summary>
public sealed class IoPortSpace
{
    private readonly record struct Window(ushort First, int Count, IIoHandler Handler, string Name);

    private readonly Window?[] _owner = new Window?[65536];
    private readonly List<Window> _windows = [];

    public void Map(ushort first, int count, IIoHandler handler, string name)
    {
        if (count <= 0 || first + count > 65536)
            throw new ArgumentOutOfRangeException(nameof(count));
        var w = new Window(first, count, handler, name);
        for (int p = first; p < first + count; p++)
        {
            if (_owner[p] is { } other)
                throw new InvalidOperationException($"I/O port 0x{p:x} of {name} already belongs to {other.Name}");
            _owner[p] = w;
        }
        _windows.Add(w);
    }

    public void Unmap(ushort first)
    {
        if (_owner[first] is not { } w || w.First != first)
            return;
        for (int p = w.First; p < w.First + w.Count; p++)
            _owner[p] = null;
        _windows.Remove(w);
    }

    /// <summary>An IN of 1, 2 or 4 bytes; a wide access to a window that is narrower than it is split per byte.</summary>
    public uint Read(ushort port, int size)
    {
        if (_owner[port] is { } w && port + size <= w.First + w.Count)
            return (uint)(w.Handler.Read((ulong)(port - w.First), size) & Mask(size));
        uint v = 0;
        for (int i = 0; i < size; i++)
        {
            int p = (port + i) & 0xffff;
            uint b = _owner[p] is { } o ? (uint)o.Handler.Read((ulong)(p - o.First), 1) & 0xff : 0xff;
            v |= b << (8 * i);
        }
        return v;
    }

    public void Write(ushort port, int size, uint value)
    {
        if (_owner[port] is { } w && port + size <= w.First + w.Count)
        {
            w.Handler.Write((ulong)(port - w.First), size, value & Mask(size));
            return;
        }
        for (int i = 0; i < size; i++)
        {
            int p = (port + i) & 0xffff;
            if (_owner[p] is { } o)
                o.Handler.Write((ulong)(p - o.First), 1, (value >> (8 * i)) & 0xff);
        }
    }

    /// <summary>QEMU's <c>info mtree</c> lines for the I/O address space.</summary>
    public IEnumerable<string> Describe() =>
        _windows.OrderBy(w => w.First).Select(w => $"  {w.First:x16}-{w.First + w.Count - 1:x16} (prio 0, i/o): {w.Name}");

    private static uint Mask(int size) => size >= 4 ? uint.MaxValue : (1u << (8 * size)) - 1;
}

using System.Buffers.Binary;

namespace QemuSharp.Memory;

/// <summary>One piece of the flattened view: where a region shows through, and from which offset.</summary>
public readonly record struct FlatRange(ulong Start, ulong End, MemoryRegion Region, ulong RegionOffset);

/// <summary>
/// A guest physical address space (QEMU's address_space_memory): regions mapped at addresses,
/// later or higher-priority mappings covering earlier ones, flattened into sorted ranges that the
/// CPU's page walker, its soft TLB and DMA-capable devices look up. Every guest-supplied address
/// is checked against the range it claims to be in before a host pointer is formed.
/// </summary>
public sealed unsafe class PhysicalMemory
{
    private readonly record struct Mapping(ulong Address, MemoryRegion Region, int Priority, int Order);

    private readonly List<Mapping> _mappings = [];
    private readonly object _lock = new();
    private FlatRange[] _flat = [];
    private int _order;
    private int _generation;

    public PhysicalMemory(string name = "memory") => Name = name;

    public string Name { get; }

    /// <summary>Changes whenever the map changes, so that CPUs drop cached translations.</summary>
    public int Generation => Volatile.Read(ref _generation);

    public IReadOnlyList<FlatRange> FlatView => _flat;

    public void Map(ulong address, MemoryRegion region, int priority = 0)
    {
        if (address + region.Size - 1 < address)
            throw new ArgumentOutOfRangeException(nameof(address), $"{region.Name} wraps the address space");
        lock (_lock)
        {
            _mappings.Add(new Mapping(address, region, priority, _order++));
            Rebuild();
        }
    }

    public void Unmap(MemoryRegion region)
    {
        lock (_lock)
        {
            _mappings.RemoveAll(m => m.Region == region);
            Rebuild();
        }
    }

    public bool IsMapped(MemoryRegion region)
    {
        lock (_lock)
            return _mappings.Exists(m => m.Region == region);
    }

    /// <summary>The range that holds <paramref name="address"/>, or null where nothing is mapped.</summary>
    public FlatRange? Find(ulong address)
    {
        FlatRange[] flat = _flat;
        int lo = 0, hi = flat.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (address < flat[mid].Start) hi = mid - 1;
            else if (address > flat[mid].End) lo = mid + 1;
            else return flat[mid];
        }
        return null;
    }

    /// <summary>
    /// Host address of a whole guest page of RAM or ROM, for the soft TLB; null when any part of
    /// the page is MMIO or unassigned (those accesses take the slow path).
    /// </summary>
    public byte* HostPage(ulong page, out bool writable)
    {
        writable = false;
        if (Find(page) is not { } r || r.Region.Kind == RegionKind.Io || r.End - page < 4095)
            return null;
        writable = r.Region.Kind == RegionKind.Ram;
        return r.Region.Block!.Host + r.Region.BlockOffset + r.RegionOffset + (page - r.Start);
    }

    /// <summary>A CPU or device access of 1, 2, 4 or 8 bytes that did not hit RAM through the TLB.</summary>
    public ulong Read(ulong address, int size)
    {
        if (Find(address) is { } r && r.End - address >= (ulong)(size - 1))
        {
            ulong offset = r.RegionOffset + (address - r.Start);
            if (r.Region.Kind == RegionKind.Io)
                return r.Region.Io!.Read(offset, size);
            return ReadLittle(r.Region.Block!.Host + r.Region.BlockOffset + offset, size);
        }
        ulong v = 0;
        for (int i = 0; i < size; i++)
            v |= ReadByteSplit(address + (ulong)i) << (8 * i);
        return v;
    }

    public void Write(ulong address, int size, ulong value)
    {
        if (Find(address) is { } r && r.End - address >= (ulong)(size - 1))
        {
            ulong offset = r.RegionOffset + (address - r.Start);
            if (r.Region.Kind == RegionKind.Io)
                r.Region.Io!.Write(offset, size, value);
            else if (r.Region.Kind == RegionKind.Ram)
                WriteLittle(r.Region.Block!.Host + r.Region.BlockOffset + offset, size, value);
            return;
        }
        if (size == 1)
            return;
        for (int i = 0; i < size; i++)
            Write(address + (ulong)i, 1, value >> (8 * i));
    }

    /// <summary>Reads guest RAM or ROM for DMA; false (and nothing read) if any byte is elsewhere.</summary>
    public bool TryRead(ulong address, Span<byte> destination)
    {
        if (!Covered(address, (ulong)destination.Length, write: false))
            return false;
        for (int done = 0, n; done < destination.Length; done += n)
            new ReadOnlySpan<byte>(HostAt(address + (ulong)done, destination.Length - done, out n), n).CopyTo(destination.Slice(done, n));
        return true;
    }

    /// <summary>Writes guest RAM for DMA; false (and nothing written) if any byte is not RAM.</summary>
    public bool TryWrite(ulong address, ReadOnlySpan<byte> source)
    {
        if (!Covered(address, (ulong)source.Length, write: true))
            return false;
        for (int done = 0, n; done < source.Length; done += n)
        {
            byte* host = HostAt(address + (ulong)done, source.Length - done, out n);
            source.Slice(done, n).CopyTo(new Span<byte>(host, n));
        }
        return true;
    }

    /// <summary>QEMU's <c>info mtree</c> lines for the ranges of this address space, lowest first.</summary>
    public IEnumerable<string> Describe() => _flat.Select(r =>
    {
        string kind = r.Region.Kind switch { RegionKind.Ram => "ram", RegionKind.Rom => "rom", _ => "i/o" };
        return $"  {r.Start:x16}-{r.End:x16} (prio 0, {kind}): {r.Region.Name}";
    });

    private ulong ReadByteSplit(ulong address) =>
        Find(address) is not null ? Read(address, 1) & 0xff : 0;

    private bool Covered(ulong address, ulong length, bool write)
    {
        if (length == 0)
            return true;
        if (address + length - 1 < address)
            return false;
        ulong a = address, end = address + length - 1;
        while (true)
        {
            if (Find(a) is not { } r || r.Region.Kind == RegionKind.Io || (write && r.Region.Kind == RegionKind.Rom))
                return false;
            if (r.End >= end)
                return true;
            a = r.End + 1;
        }
    }

    /// <summary>Host address of RAM or ROM already checked by <see cref="Covered"/>, and how many bytes follow in the same range.</summary>
    private byte* HostAt(ulong address, int wanted, out int length)
    {
        FlatRange r = Find(address)!.Value;
        length = (int)Math.Min((ulong)wanted, r.End - address + 1);
        return r.Region.Block!.Host + r.Region.BlockOffset + r.RegionOffset + (address - r.Start);
    }

    private static ulong ReadLittle(byte* p, int size) => size switch
    {
        1 => *p,
        2 => BinaryPrimitives.ReadUInt16LittleEndian(new ReadOnlySpan<byte>(p, 2)),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(p, 4)),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(p, 8)),
    };

    private static void WriteLittle(byte* p, int size, ulong v)
    {
        switch (size)
        {
            case 1: *p = (byte)v; break;
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(new Span<byte>(p, 2), (ushort)v); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(p, 4), (uint)v); break;
            default: BinaryPrimitives.WriteUInt64LittleEndian(new Span<byte>(p, 8), v); break;
        }
    }

    /// <summary>Flattens the mappings: higher priority wins, then the later mapping.</summary>
    private void Rebuild()
    {
        var bounds = new SortedSet<ulong>();
        foreach (var m in _mappings)
        {
            bounds.Add(m.Address);
            ulong end = m.Address + m.Region.Size;
            if (end != 0)
                bounds.Add(end);
        }
        var ordered = _mappings.OrderByDescending(m => m.Priority).ThenByDescending(m => m.Order).ToList();
        var flat = new List<FlatRange>();
        ulong[] points = [.. bounds];
        for (int i = 0; i < points.Length; i++)
        {
            ulong start = points[i];
            ulong last = i + 1 < points.Length ? points[i + 1] - 1 : ulong.MaxValue;
            foreach (var m in ordered)
            {
                if (start >= m.Address && start - m.Address < m.Region.Size)
                {
                    ulong offset = start - m.Address;
                    if (flat.Count > 0 && flat[^1].Region == m.Region && flat[^1].End + 1 == start
                        && flat[^1].RegionOffset + (start - flat[^1].Start) == offset)
                        flat[^1] = flat[^1] with { End = last };
                    else
                        flat.Add(new FlatRange(start, last, m.Region, offset));
                    break;
                }
            }
        }
        Volatile.Write(ref _flat, [.. flat]);
        Interlocked.Increment(ref _generation);
    }
}

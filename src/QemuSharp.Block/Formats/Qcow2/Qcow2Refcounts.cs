using System.Buffers.Binary;

namespace QemuSharp.Block.Formats.Qcow2;

/// <summary>
/// The refcount table and its blocks, cached in memory. Raising counts is written back before
/// anything that points at the clusters (see <see cref="Qcow2Image.Flush"/>); lowering counts
/// waits in <see cref="_pendingFrees"/> until the pointers that were removed are on disk.
/// New clusters come from the end of the image, so a freed cluster is never reused before then.
/// </summary>
internal sealed class Qcow2Refcounts
{
    private const ulong TableOffsetMask = ~511UL;
    private readonly BlockDriver _file;
    private readonly int _clusterBits;
    private readonly int _bits;
    private readonly long _entriesPerBlock;
    private readonly Dictionary<long, byte[]> _blocks = [];
    private readonly HashSet<long> _dirtyBlocks = [];
    private readonly HashSet<long> _dirtyTableEntries = [];
    private readonly List<long> _pendingFrees = [];
    private ulong[] _table;

    public Qcow2Refcounts(BlockDriver file, Qcow2Header header)
    {
        _file = file;
        _clusterBits = header.ClusterBits;
        _bits = 1 << header.RefcountOrder;
        _entriesPerBlock = (8L << _clusterBits) / _bits;
        TableOffset = header.RefcountTableOffset;
        TableClusters = header.RefcountTableClusters;
        var raw = new byte[(long)TableClusters << _clusterBits];
        file.Read(TableOffset, raw);
        _table = new ulong[raw.Length / 8];
        for (int i = 0; i < _table.Length; i++)
            _table[i] = BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(i * 8));
        long size = file.Length;
        EndCluster = Math.Max(1, (size + ClusterSize - 1) >> _clusterBits);
    }

    public long TableOffset { get; private set; }

    public uint TableClusters { get; private set; }

    /// <summary>First cluster past everything allocated; new clusters are taken from here.</summary>
    public long EndCluster { get; private set; }

    public int ClusterSize => 1 << _clusterBits;

    public ulong MaxRefcount => _bits == 64 ? ulong.MaxValue : (1UL << _bits) - 1;

    public IReadOnlyList<ulong> Table => _table;

    public long EntriesPerBlock => _entriesPerBlock;

    public ulong Get(long cluster)
    {
        byte[]? block = GetBlock(cluster / _entriesPerBlock, create: false);
        return block == null ? 0 : ReadEntry(block, cluster % _entriesPerBlock);
    }

    /// <summary>Adds <paramref name="delta"/> to a cluster's count, creating refcount blocks as needed.</summary>
    public void Update(long cluster, long delta)
    {
        long bi = cluster / _entriesPerBlock;
        byte[] block = GetBlock(bi, create: true)!;
        long index = cluster % _entriesPerBlock;
        ulong old = ReadEntry(block, index);
        ulong now = (ulong)((long)old + delta);
        if ((delta < 0 && old < (ulong)-delta) || (delta > 0 && (now > MaxRefcount || now < old)))
            throw new BlockException($"qcow2: Refcount of cluster {cluster} out of range");
        WriteEntry(block, index, now);
        _dirtyBlocks.Add(bi);
    }

    /// <summary>Allocates <paramref name="count"/> contiguous clusters at the end of the image.</summary>
    public long Allocate(int count)
    {
        long start = EndCluster;
        EndCluster += count;
        for (long c = start; c < start + count; c++)
            Update(c, 1);
        return start << _clusterBits;
    }

    /// <summary>Lowers a count once the pointers that referred to it are durable.</summary>
    public void FreeLater(long cluster) => _pendingFrees.Add(cluster);

    public bool HasPendingFrees => _pendingFrees.Count > 0;

    public bool IsDirty => _dirtyBlocks.Count > 0 || _dirtyTableEntries.Count > 0;

    public void ApplyPendingFrees()
    {
        foreach (long c in _pendingFrees)
            Update(c, -1);
        _pendingFrees.Clear();
    }

    /// <summary>Writes dirty refcount blocks, then (after a flush) the table entries naming new blocks.</summary>
    public void WriteBack()
    {
        if (_dirtyBlocks.Count == 0 && _dirtyTableEntries.Count == 0)
            return;
        foreach (long bi in _dirtyBlocks)
            _file.Write((long)(_table[bi] & TableOffsetMask), _blocks[bi]);
        _dirtyBlocks.Clear();
        if (_dirtyTableEntries.Count == 0)
            return;
        _file.Flush();
        var entry = new byte[8];
        foreach (long i in _dirtyTableEntries)
        {
            BinaryPrimitives.WriteUInt64BigEndian(entry, _table[i]);
            _file.Write(TableOffset + i * 8, entry);
        }
        _dirtyTableEntries.Clear();
    }

    private byte[]? GetBlock(long bi, bool create)
    {
        if (_blocks.TryGetValue(bi, out var cached))
            return cached;
        if (bi >= _table.Length)
        {
            if (!create)
                return null;
            GrowTable(bi);
        }
        long offset = (long)(_table[bi] & TableOffsetMask);
        var block = new byte[ClusterSize];
        if (offset == 0)
        {
            if (!create)
                return null;
            long at = EndCluster++;
            _table[bi] = (ulong)(at << _clusterBits);
            _dirtyTableEntries.Add(bi);
            _blocks[bi] = block;
            _dirtyBlocks.Add(bi);
            Update(at, 1);
            return block;
        }
        if ((offset & (ClusterSize - 1)) != 0)
            throw new BlockException($"Refblock offset {offset:#x} unaligned (reftable index: {bi:#x})");
        if (offset == 0 || offset >= (1L << 56))
            throw new BlockException($"Refblock at {offset:#x} is invalid");
        _file.Read(offset, block);
        if (_blocks.Count > 8192)
            EvictClean();
        _blocks[bi] = block;
        return block;
    }

    private void EvictClean()
    {
        foreach (long key in _blocks.Keys.Where(k => !_dirtyBlocks.Contains(k)).ToList())
            _blocks.Remove(key);
    }

    /// <summary>
    /// Moves the refcount table to a larger copy at the end of the image: the copy and its blocks
    /// are written and flushed, the header is switched in one sector-sized write, then the old
    /// table is freed.
    /// </summary>
    private void GrowTable(long neededIndex)
    {
        long perTableCluster = ClusterSize / 8;
        long entries = Math.Max(neededIndex + 1, _table.Length * 2L);
        long clusters = (entries + perTableCluster - 1) / perTableCluster;
        while (((EndCluster + clusters + 2) / _entriesPerBlock) >= clusters * perTableCluster)
            clusters++;
        if (clusters * ClusterSize > Qcow2Header.MaxRefcountTableBytes)
            throw new BlockException("Refcount table too large");
        long oldOffset = TableOffset;
        long oldClusters = TableClusters;
        var table = new ulong[clusters * perTableCluster];
        _table.CopyTo(table, 0);
        _table = table;
        long start = EndCluster;
        EndCluster += clusters;
        TableOffset = start << _clusterBits;
        TableClusters = (uint)clusters;
        for (long c = start; c < start + clusters; c++)
            Update(c, 1);
        foreach (long bi in _dirtyBlocks)
            _file.Write((long)(_table[bi] & TableOffsetMask), _blocks[bi]);
        _dirtyBlocks.Clear();
        _dirtyTableEntries.Clear();
        var raw = new byte[clusters << _clusterBits];
        for (int i = 0; i < table.Length; i++)
            BinaryPrimitives.WriteUInt64BigEndian(raw.AsSpan(i * 8), table[i]);
        _file.Write(TableOffset, raw);
        _file.Flush();
        var field = new byte[12];
        BinaryPrimitives.WriteUInt64BigEndian(field, (ulong)TableOffset);
        BinaryPrimitives.WriteUInt32BigEndian(field.AsSpan(8), TableClusters);
        _file.Write(48, field);
        _file.Flush();
        for (long c = 0; c < oldClusters; c++)
            FreeLater((oldOffset >> _clusterBits) + c);
    }

    private ulong ReadEntry(byte[] block, long index)
    {
        switch (_bits)
        {
            case 64: return BinaryPrimitives.ReadUInt64BigEndian(block.AsSpan((int)index * 8));
            case 32: return BinaryPrimitives.ReadUInt32BigEndian(block.AsSpan((int)index * 4));
            case 16: return BinaryPrimitives.ReadUInt16BigEndian(block.AsSpan((int)index * 2));
            case 8: return block[index];
            default:
                long bit = index * _bits;
                return (ulong)(block[bit >> 3] >> (int)(bit & 7)) & MaxRefcount;
        }
    }

    private void WriteEntry(byte[] block, long index, ulong value)
    {
        switch (_bits)
        {
            case 64: BinaryPrimitives.WriteUInt64BigEndian(block.AsSpan((int)index * 8), value); break;
            case 32: BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan((int)index * 4), (uint)value); break;
            case 16: BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan((int)index * 2), (ushort)value); break;
            case 8: block[index] = (byte)value; break;
            default:
                long bit = index * _bits;
                int shift = (int)(bit & 7);
                int mask = (int)MaxRefcount << shift;
                block[bit >> 3] = (byte)((block[bit >> 3] & ~mask) | ((int)value << shift));
                break;
        }
    }
}

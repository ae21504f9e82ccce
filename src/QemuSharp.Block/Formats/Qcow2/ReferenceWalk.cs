using System.Buffers.Binary;

namespace QemuSharp.Block.Formats.Qcow2;

/// <summary>Counts, in memory, every reference the image's metadata makes to each host cluster.</summary>
internal sealed class ReferenceWalk
{
    private readonly Qcow2Image _image;
    private readonly TextWriter _err;
    private readonly int _clusterBits;
    private readonly int _cluster;
    private readonly long _limit;

    public ReferenceWalk(Qcow2Image image, TextWriter err)
    {
        _image = image;
        _err = err;
        _clusterBits = image.Header.ClusterBits;
        _cluster = 1 << _clusterBits;
        long fileClusters = (image.File.Length + _cluster - 1) >> _clusterBits;
        ClusterCount = fileClusters;
        _limit = fileClusters + (1L << 20);
        Counts = new ulong[Math.Max(fileClusters, 1)];
        long size = image.Header.Size;
        Result.TotalClusters = (size + _cluster - 1) >> _clusterBits;
    }

    public Qcow2CheckResult Result { get; } = new();

    public ulong[] Counts { get; private set; }

    /// <summary>Clusters compared: the file's clusters plus any referenced beyond its end.</summary>
    public long ClusterCount { get; private set; }

    public void CountAll(bool includeRefcountStructures)
    {
        var h = _image.Header;
        Add(0, _cluster);
        CountL1(h.L1TableOffset, (int)h.L1Size, active: true);
        foreach (var s in _image.Snapshots)
            CountL1(s.L1Offset, (int)s.L1Size, active: false);
        if (h.SnapshotCount > 0)
            Add(h.SnapshotsOffset, Qcow2Snapshot.EncodeTable(_image.Snapshots).Length);
        CountBitmaps();
        if (includeRefcountStructures)
            CountRefcountStructures();
    }

    private void CountRefcountStructures()
    {
        var refs = _image.Refcounts;
        Add(refs.TableOffset, (long)refs.TableClusters << _clusterBits);
        for (int i = 0; i < refs.Table.Count; i++)
        {
            long offset = (long)(refs.Table[i] & ~511UL);
            if (offset == 0)
                continue;
            if ((offset & (_cluster - 1)) != 0)
            {
                _err.WriteLine($"ERROR refcount block {i} is not cluster aligned; refcount table entry corrupted");
                Result.Corruptions++;
                Result.NeedsRebuild = true;
                continue;
            }
            if (offset >> _clusterBits >= ClusterCount)
            {
                _err.WriteLine($"ERROR refcount block {i} is outside image");
                Result.Corruptions++;
                Result.NeedsRebuild = true;
                continue;
            }
            Add(offset, _cluster);
        }
    }

    private void CountL1(long l1Offset, int l1Size, bool active)
    {
        if (l1Size == 0)
            return;
        Add(l1Offset, l1Size * 8L);
        var l1 = active ? _image.L1.ToArray() : _image.ReadTable(l1Offset, l1Size);
        for (int i = 0; i < l1.Length; i++)
        {
            long l2 = (long)(l1[i] & Qcow2Image.OffsetMask);
            if (l2 == 0)
                continue;
            if ((l2 & (_cluster - 1)) != 0)
            {
                _err.WriteLine($"ERROR l2_offset={l2:x}: Table is not cluster aligned; L1 entry corrupted");
                Result.Corruptions++;
                continue;
            }
            if (!Add(l2, _cluster))
                continue;
            CountL2(_image.ReadTable(l2, _cluster / 8), active);
        }
    }

    private void CountL2(ulong[] table, bool active)
    {
        int words = _image.Header.ExtendedL2 ? 2 : 1;
        long nextContiguous = 0;
        for (int e = 0; e < table.Length; e += words)
        {
            ulong word = table[e];
            if ((word & Qcow2Image.CompressedFlag) != 0)
            {
                if ((word & Qcow2Image.CopiedFlag) != 0)
                {
                    _err.WriteLine($"ERROR: coffset={word & ~Qcow2Image.CopiedFlag & ~Qcow2Image.CompressedFlag:x}: copied flag must never be set for compressed clusters");
                    Result.Corruptions++;
                }
                var (offset, length) = _image.CompressedRange(word);
                long start = offset & ~511L;
                Add(start, length + (offset - start));
                if (active)
                {
                    Result.AllocatedClusters++;
                    Result.CompressedClusters++;
                    Result.FragmentedClusters++;
                }
                continue;
            }
            long host = (long)(word & Qcow2Image.OffsetMask);
            if (host == 0)
                continue;
            if ((host & (_cluster - 1)) != 0)
            {
                _err.WriteLine($"ERROR offset={host:x}: Cluster is not properly aligned; L2 entry corrupted.");
                Result.Corruptions++;
                continue;
            }
            if (active)
            {
                Result.AllocatedClusters++;
                if (nextContiguous != 0 && host != nextContiguous)
                    Result.FragmentedClusters++;
                nextContiguous = host + _cluster;
            }
            Add(host, _cluster);
        }
    }

    private void CountBitmaps()
    {
        var ext = _image.Header.Extensions.FirstOrDefault(e => e.Type == Qcow2Header.ExtBitmaps);
        if (ext == null || ext.Data.Length < 24)
            return;
        uint count = BinaryPrimitives.ReadUInt32BigEndian(ext.Data);
        long dirSize = (long)BinaryPrimitives.ReadUInt64BigEndian(ext.Data.AsSpan(8));
        long dirOffset = (long)BinaryPrimitives.ReadUInt64BigEndian(ext.Data.AsSpan(16));
        if (dirSize > (64 << 20) || dirSize <= 0)
            return;
        Add(dirOffset, dirSize);
        var dir = new byte[dirSize];
        _image.File.Read(dirOffset, dir);
        int at = 0;
        for (uint i = 0; i < count && at + 24 <= dir.Length; i++)
        {
            long tableOffset = (long)BinaryPrimitives.ReadUInt64BigEndian(dir.AsSpan(at));
            uint tableSize = BinaryPrimitives.ReadUInt32BigEndian(dir.AsSpan(at + 8));
            ushort nameSize = BinaryPrimitives.ReadUInt16BigEndian(dir.AsSpan(at + 18));
            uint extraSize = BinaryPrimitives.ReadUInt32BigEndian(dir.AsSpan(at + 20));
            if (tableSize > 0 && tableSize < (1 << 24) && Add(tableOffset, tableSize * 8L))
                foreach (ulong entry in _image.ReadTable(tableOffset, (int)tableSize))
                    if ((entry & Qcow2Image.OffsetMask) != 0)
                        Add((long)(entry & Qcow2Image.OffsetMask), _cluster);
            at += (int)((24 + extraSize + nameSize + 7) & ~7u);
        }
    }

    /// <summary>Adds one reference to each cluster in the byte range; false if it is absurdly far out.</summary>
    public bool Add(long offset, long length)
    {
        if (length <= 0)
            return true;
        long first = offset >> _clusterBits;
        long last = (offset + length - 1) >> _clusterBits;
        if (offset < 0 || last >= _limit)
        {
            _err.WriteLine($"ERROR: Offset {offset:#x} is far beyond the end of the image");
            Result.Corruptions++;
            return false;
        }
        if (last >= Counts.Length)
        {
            var grown = new ulong[Math.Max(last + 1, Counts.Length * 2L)];
            Counts.CopyTo(grown, 0);
            Counts = grown;
        }
        ClusterCount = Math.Max(ClusterCount, last + 1);
        for (long c = first; c <= last; c++)
            Counts[c]++;
        return true;
    }
}

using System.Buffers.Binary;

namespace QemuSharp.Block.Formats.Qcow2;

public sealed partial class Qcow2Image
{
    public override void Truncate(long length, PreallocMode prealloc)
    {
        if (ReadOnly)
            throw new BlockException("Permission denied");
        lock (_lock)
        {
            long old = Header.Size;
            if (length < old)
                Shrink(length);
            else
                Grow(length, prealloc);
        }
        Flush();
    }

    private void Grow(long length, PreallocMode prealloc)
    {
        long needed = Qcow2Header.MinL1Size(length, _clusterBits, Header.ExtendedL2);
        if (needed * 8 > Qcow2Header.MaxL1Bytes)
            throw new BlockException("The image size is too large (try using a larger cluster size)");
        if (needed > _l1.Length)
            GrowL1((int)needed);
        long old = Header.Size;
        Header.Size = length;
        WriteHeaderField(24, (ulong)length);
        if (prealloc != PreallocMode.Off)
            Preallocate(old, length, prealloc);
    }

    /// <summary>Moves the L1 table to a larger copy: write and flush it, switch the header, free the old one.</summary>
    private void GrowL1(int entries)
    {
        WriteBackMetadata();
        int clusters = (int)((entries * 8L + ClusterSize - 1) >> _clusterBits);
        long offset = Refcounts.Allocate(clusters);
        var table = new ulong[entries];
        _l1.CopyTo(table, 0);
        Refcounts.WriteBack();
        _file.Write(offset, EncodeTable(table, entries * 8));
        _file.Flush();
        long oldOffset = Header.L1TableOffset;
        long oldClusters = (_l1.Length * 8L + ClusterSize - 1) >> _clusterBits;
        var field = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(field, (uint)entries);
        BinaryPrimitives.WriteUInt64BigEndian(field.AsSpan(4), (ulong)offset);
        _file.Write(36, field);
        _file.Flush();
        Header.L1Size = (uint)entries;
        Header.L1TableOffset = offset;
        _l1 = table;
        if (oldOffset != 0)
            for (long c = 0; c < oldClusters; c++)
                Refcounts.FreeLater((oldOffset >> _clusterBits) + c);
    }

    private void Shrink(long length)
    {
        if (Snapshots.Count > 0)
            throw new BlockException("Can't shrink an image with internal snapshots");
        Header.Size = length;
        WriteHeaderField(24, (ulong)length);
        long firstCluster = (length + ClusterSize - 1) >> _clusterBits;
        long firstFreeL1 = Qcow2Header.MinL1Size(length, _clusterBits, Header.ExtendedL2);
        long l1End = firstFreeL1 << _l2Bits;
        for (long vc = firstCluster; vc < l1End; vc++)
        {
            ulong old = MapCluster(vc, 0, ClusterSize).Entry;
            if (old == 0)
                continue;
            SetEntry(vc, 0, 0);
            FreeEntryLater(old, false);
        }
        for (long i = firstFreeL1; i < _l1.Length; i++)
        {
            long l2 = (long)(_l1[i] & OffsetMask);
            if (l2 == 0)
                continue;
            ulong[] table = LoadL2(l2, i);
            for (int e = 0; e < table.Length; e += _entryWords)
                FreeEntryLater(table[e], false);
            _l1[i] = 0;
            _dirtyL1.Add(i);
            _dirtyL2.Remove(l2);
            _l2Cache.Remove(l2);
            Refcounts.FreeLater(l2 >> _clusterBits);
        }
        WriteBackMetadata();
    }

    /// <summary>Allocates host clusters for every unallocated cluster in [from, to).</summary>
    private void Preallocate(long from, long to, PreallocMode prealloc)
    {
        long first = from >> _clusterBits;
        long last = (to + ClusterSize - 1) >> _clusterBits;
        long vc = first;
        while (vc < last)
        {
            long l2End = Math.Min(last, ((vc >> _l2Bits) + 1) << _l2Bits);
            L2ForWrite(vc >> _l2Bits);
            int count = 0;
            while (vc + count < l2End && MapCluster(vc + count, 0, ClusterSize).Kind == Kind.Unallocated)
                count++;
            if (count == 0)
            {
                vc++;
                continue;
            }
            long host = Refcounts.Allocate(count);
            for (int i = 0; i < count; i++)
                SetEntry(vc + i, (ulong)(host + ((long)i << _clusterBits)) | CopiedFlag, AllSubclustersAllocated);
            long end = host + ((long)count << _clusterBits);
            if (_file.Length < end)
                _file.Truncate(end, prealloc == PreallocMode.Metadata ? PreallocMode.Off : prealloc);
            vc += count;
        }
    }
}

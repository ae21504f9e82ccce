using System.Buffers.Binary;

namespace QemuSharp.Block.Formats.Qcow2;

/// <summary>
/// Internal snapshots. Every change raises refcounts before anything new points at clusters and
/// lowers them only after the old pointers are gone from disk, so a crash can only leak.
/// </summary>
public sealed partial class Qcow2Image
{
    public void CreateSnapshot(string name)
    {
        lock (_lock)
        {
            WriteBackMetadata();
            int l1Bytes = _l1.Length * 8;
            long l1Offset = Refcounts.Allocate(Math.Max(1, (int)((l1Bytes + ClusterSize - 1L) >> _clusterBits)));
            AdjustTree(_l1, +1);
            Refcounts.WriteBack();
            _file.Flush();
            RecomputeCopiedFlags();
            var copy = _l1.Select(e => e & ~CopiedFlag).ToArray();
            _file.Write(l1Offset, EncodeTable(copy, l1Bytes));
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000 + DateTime.UtcNow.Microsecond % 1000;
            int nextId = Snapshots.Select(s => int.TryParse(s.Id, out int id) ? id : 0).DefaultIfEmpty(0).Max() + 1;
            var snapshot = new Qcow2Snapshot
            {
                L1Offset = l1Offset,
                L1Size = (uint)_l1.Length,
                Id = nextId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Name = name,
                DateSeconds = (uint)(now / 1_000_000),
                DateNanoseconds = (uint)(now % 1_000_000 * 1000),
                DiskSize = Header.Size,
                Icount = 0,
            };
            WriteSnapshotTable([.. Snapshots, snapshot]);
        }
    }

    /// <summary>Finds a snapshot by ID first, then by name, as QEMU does.</summary>
    public Qcow2Snapshot? FindSnapshot(string idOrName)
        => Snapshots.FirstOrDefault(s => s.Id == idOrName) ?? Snapshots.FirstOrDefault(s => s.Name == idOrName);

    public void ApplySnapshot(Qcow2Snapshot snapshot)
    {
        lock (_lock)
        {
            WriteBackMetadata();
            var target = ReadTable(snapshot.L1Offset, (int)snapshot.L1Size);
            AdjustTree(target, +1);
            Refcounts.WriteBack();
            _file.Flush();
            if (target.Length > _l1.Length)
                GrowL1(target.Length);
            var old = (ulong[])_l1.Clone();
            var active = new ulong[_l1.Length];
            target.CopyTo(active, 0);
            _file.Write(Header.L1TableOffset, EncodeTable(active, active.Length * 8));
            _file.Flush();
            _l1 = active;
            _l2Cache.Clear();
            AdjustTree(old, -1);
            Refcounts.WriteBack();
            _file.Flush();
            if (snapshot.DiskSize != Header.Size)
            {
                Header.Size = snapshot.DiskSize;
                WriteHeaderField(24, (ulong)snapshot.DiskSize);
            }
            RecomputeCopiedFlags();
        }
    }

    public void DeleteSnapshot(Qcow2Snapshot snapshot)
    {
        lock (_lock)
        {
            WriteBackMetadata();
            WriteSnapshotTable(Snapshots.Where(s => s != snapshot).ToList());
            var table = ReadTable(snapshot.L1Offset, (int)snapshot.L1Size);
            AdjustTree(table, -1);
            long l1Clusters = Math.Max(1, (snapshot.L1Size * 8L + ClusterSize - 1) >> _clusterBits);
            for (long c = 0; c < l1Clusters; c++)
                Refcounts.Update((snapshot.L1Offset >> _clusterBits) + c, -1);
            Refcounts.WriteBack();
            _file.Flush();
            RecomputeCopiedFlags();
        }
    }

    /// <summary>Adds <paramref name="delta"/> to every L2 table and cluster a tree refers to.</summary>
    private void AdjustTree(ulong[] l1, int delta)
    {
        foreach (ulong l1Entry in l1)
        {
            long l2 = (long)(l1Entry & OffsetMask);
            if (l2 == 0)
                continue;
            Refcounts.Update(l2 >> _clusterBits, delta);
            var table = ReadTable(l2, ClusterSize / 8);
            for (int e = 0; e < table.Length; e += _entryWords)
            {
                ulong word = table[e];
                if ((word & CompressedFlag) != 0)
                {
                    var (offset, length) = CompressedRange(word);
                    for (long c = offset >> _clusterBits; c <= (offset + length - 1) >> _clusterBits; c++)
                        Refcounts.Update(c, delta);
                }
                else if ((word & OffsetMask) != 0)
                {
                    Refcounts.Update((long)(word & OffsetMask) >> _clusterBits, delta);
                }
            }
        }
    }

    /// <summary>Sets COPIED exactly where the refcount is 1 in the active tables.</summary>
    private void RecomputeCopiedFlags()
    {
        _l2Cache.Clear();
        bool l1Changed = false;
        for (int i = 0; i < _l1.Length; i++)
        {
            long l2 = (long)(_l1[i] & OffsetMask);
            if (l2 == 0)
                continue;
            ulong wanted = Refcounts.Get(l2 >> _clusterBits) == 1 ? CopiedFlag : 0;
            if ((_l1[i] & CopiedFlag) != wanted)
            {
                _l1[i] = (_l1[i] & ~CopiedFlag) | wanted;
                l1Changed = true;
            }
            var table = ReadTable(l2, ClusterSize / 8);
            bool changed = false;
            for (int e = 0; e < table.Length; e += _entryWords)
            {
                ulong word = table[e];
                long host = (long)(word & OffsetMask);
                if ((word & CompressedFlag) != 0 || host == 0)
                    continue;
                ulong flag = Refcounts.Get(host >> _clusterBits) == 1 ? CopiedFlag : 0;
                if ((word & CopiedFlag) != flag)
                {
                    table[e] = (word & ~CopiedFlag) | flag;
                    changed = true;
                }
            }
            if (changed)
                _file.Write(l2, EncodeTable(table, ClusterSize));
        }
        if (l1Changed)
            _file.Write(Header.L1TableOffset, EncodeTable(_l1, _l1.Length * 8));
        _file.Flush();
    }

    /// <summary>Writes a new snapshot table, switches the header to it in one write, frees the old one.</summary>
    private void WriteSnapshotTable(List<Qcow2Snapshot> snapshots)
    {
        byte[] table = Qcow2Snapshot.EncodeTable(snapshots);
        long offset = 0;
        if (table.Length > 0)
        {
            offset = Refcounts.Allocate((int)((table.Length + ClusterSize - 1L) >> _clusterBits));
            Refcounts.WriteBack();
            _file.Write(offset, table);
        }
        _file.Flush();
        long oldOffset = Header.SnapshotsOffset;
        long oldLength = Qcow2Snapshot.EncodeTable(Snapshots).Length;
        var field = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(field, (uint)snapshots.Count);
        BinaryPrimitives.WriteUInt64BigEndian(field.AsSpan(4), (ulong)offset);
        _file.Write(60, field);
        _file.Flush();
        Header.SnapshotCount = (uint)snapshots.Count;
        Header.SnapshotsOffset = offset;
        if (oldLength > 0)
            for (long c = oldOffset >> _clusterBits; c <= (oldOffset + oldLength - 1) >> _clusterBits; c++)
                Refcounts.Update(c, -1);
        Refcounts.WriteBack();
        _file.Flush();
        Snapshots = snapshots;
    }
}

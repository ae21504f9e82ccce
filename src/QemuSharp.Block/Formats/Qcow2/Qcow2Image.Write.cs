namespace QemuSharp.Block.Formats.Qcow2;

public sealed partial class Qcow2Image
{
    private const ulong AllSubclustersAllocated = 0xFFFFFFFFUL;
    private const ulong AllSubclustersZero = 0xFFFFFFFFUL << 32;
    private const int MaxDirtyL2 = 1024;

    /// <summary>The L2 table for a write: allocated if absent, copied if shared with a snapshot.</summary>
    private ulong[] L2ForWrite(long l1Index)
    {
        if (l1Index >= _l1.Length)
            throw new BlockException("Input/output error");
        ulong entry = _l1[l1Index];
        long offset = (long)(entry & OffsetMask);
        if (offset != 0 && (entry & CopiedFlag) != 0)
        {
            var table = LoadL2(offset, l1Index);
            return table;
        }
        if (_dirtyL2.Count >= MaxDirtyL2 || _l2Cache.Count >= MaxCachedL2)
            ShrinkCache();
        var copy = offset == 0 ? new ulong[ClusterSize / 8] : (ulong[])LoadL2(offset, l1Index).Clone();
        long newOffset = Refcounts.Allocate(1);
        CheckNotMetadata(newOffset, ClusterSize);
        _l2Cache[newOffset] = copy;
        _dirtyL2.Add(newOffset);
        _l1[l1Index] = (ulong)newOffset | CopiedFlag;
        _dirtyL1.Add(l1Index);
        if (offset != 0)
            Refcounts.FreeLater(offset >> _clusterBits);
        return copy;
    }

    private void SetEntry(long vc, ulong word, ulong bitmap)
    {
        ulong[] table = L2ForWrite(vc >> _l2Bits);
        int index = (int)(vc & ((1L << _l2Bits) - 1)) * _entryWords;
        table[index] = word;
        if (_entryWords == 2)
            table[index + 1] = bitmap;
        _dirtyL2.Add((long)(_l1[vc >> _l2Bits] & OffsetMask));
    }

    /// <summary>Frees the host clusters an entry referred to, once the new entry is on disk.</summary>
    private void FreeEntryLater(ulong word, bool keepHost)
    {
        if ((word & CompressedFlag) != 0)
        {
            var (offset, length) = CompressedRange(word);
            for (long c = offset >> _clusterBits; c <= (offset + length - 1) >> _clusterBits; c++)
                Refcounts.FreeLater(c);
            return;
        }
        long host = (long)(word & OffsetMask);
        if (host != 0 && !keepHost)
            Refcounts.FreeLater(host >> _clusterBits);
    }

    public override void Write(long offset, ReadOnlySpan<byte> data)
    {
        if (ReadOnly)
            throw new BlockException("Permission denied");
        if (offset < 0 || offset + data.Length > Length)
            throw new BlockException("Input/output error");
        lock (_lock)
        {
            int done = 0;
            while (done < data.Length)
            {
                long at = offset + done;
                int inOffset = (int)(at & (ClusterSize - 1));
                int n = Math.Min(data.Length - done, ClusterSize - inOffset);
                if (inOffset == 0 && n == ClusterSize && CompressWrites && TryWriteCompressed(at >> _clusterBits, data.Slice(done, n)))
                {
                    done += n;
                    continue;
                }
                done += WriteInCluster(at, inOffset, data.Slice(done), n);
            }
            _cachedCompressedEntry = -1;
        }
    }

    /// <summary>Writes into one cluster (or a run of clusters written in place); returns the bytes consumed.</summary>
    private int WriteInCluster(long at, int inOffset, ReadOnlySpan<byte> data, int n)
    {
        long vc = at >> _clusterBits;
        var m = MapCluster(vc, inOffset, n);
        bool inPlace = m.Kind == Kind.Data && (m.Entry & CopiedFlag) != 0 && m.Length == n;
        if (inPlace)
        {
            int run = ExtendDataRun(at, m, data.Length);
            CheckNotMetadata(m.Host, run);
            _file.Write(m.Host, data[..run]);
            return run;
        }
        if (inOffset == 0 && n == ClusterSize)
            return WriteFreshClusters(vc, data);
        var cluster = new byte[ClusterSize];
        ReadUnlocked(vc << _clusterBits, ClampToImage(vc, cluster));
        data[..n].CopyTo(cluster.AsSpan(inOffset));
        ulong word = m.Entry;
        long host = (long)(word & OffsetMask);
        bool reuse = host != 0 && (word & (CopiedFlag | CompressedFlag)) == CopiedFlag;
        if (!reuse)
            host = Refcounts.Allocate(1);
        CheckNotMetadata(host, ClusterSize);
        _file.Write(host, cluster);
        SetEntry(vc, (ulong)host | CopiedFlag, AllSubclustersAllocated);
        FreeEntryLater(word, reuse);
        return n;
    }

    private Span<byte> ClampToImage(long vc, byte[] cluster)
    {
        long start = vc << _clusterBits;
        return cluster.AsSpan(0, (int)Math.Min(ClusterSize, Length - start));
    }

    /// <summary>Allocates a contiguous run for whole clusters that cannot be written in place.</summary>
    private int WriteFreshClusters(long vc, ReadOnlySpan<byte> data)
    {
        long l2End = ((vc >> _l2Bits) + 1) << _l2Bits;
        int count = 1;
        while ((count + 1) * (long)ClusterSize <= data.Length && vc + count < l2End && count < 1024)
        {
            var next = MapCluster(vc + count, 0, ClusterSize);
            if (next.Kind == Kind.Data && (next.Entry & CopiedFlag) != 0)
                break;
            count++;
        }
        L2ForWrite(vc >> _l2Bits);
        long host = Refcounts.Allocate(count);
        int bytes = count * ClusterSize;
        CheckNotMetadata(host, bytes);
        _file.Write(host, data[..bytes]);
        for (int i = 0; i < count; i++)
        {
            ulong old = MapCluster(vc + i, 0, ClusterSize).Entry;
            SetEntry(vc + i, (ulong)(host + ((long)i << _clusterBits)) | CopiedFlag, AllSubclustersAllocated);
            FreeEntryLater(old, false);
        }
        return bytes;
    }

    private bool TryWriteCompressed(long vc, ReadOnlySpan<byte> cluster)
    {
        byte[]? packed = Qcow2Compression.Compress(Header.CompressionType, cluster);
        if (packed == null)
            return false;
        WriteCompressedCluster(vc, packed);
        return true;
    }

    /// <summary>Stores an already compressed cluster, packed right after the previous one.</summary>
    public void WriteCompressedCluster(long vc, byte[] packed)
    {
        lock (_lock)
        {
            int mask = ClusterSize - 1;
            long start = -1;
            if (_freeByteOffset != 0 && (_freeByteOffset & mask) != 0)
            {
                long current = _freeByteOffset >> _clusterBits;
                bool crosses = ((_freeByteOffset + packed.Length - 1) >> _clusterBits) > current;
                bool room = Refcounts.Get(current) < Refcounts.MaxRefcount;
                if (room && (!crosses || Refcounts.EndCluster == current + 1))
                {
                    Refcounts.Update(current, 1);
                    start = _freeByteOffset;
                }
            }
            while (start < 0)
            {
                start = Refcounts.Allocate(1);
                if (packed.Length > ClusterSize - (start & mask) && Refcounts.EndCluster != (start >> _clusterBits) + 1)
                {
                    Refcounts.Update(start >> _clusterBits, -1);
                    start = -1;
                }
            }
            long lastCluster = (start + packed.Length - 1) >> _clusterBits;
            if (lastCluster > start >> _clusterBits)
                Refcounts.Allocate((int)(lastCluster - (start >> _clusterBits)));
            _file.Write(start, packed);
            _freeByteOffset = start + packed.Length;
            int x = 62 - (_clusterBits - 8);
            ulong sectors = (ulong)(((start + packed.Length - 1) >> 9) - (start >> 9));
            ulong word = (ulong)start | (sectors << x) | CompressedFlag;
            ulong old = MapCluster(vc, 0, ClusterSize).Entry;
            SetEntry(vc, word, 0);
            FreeEntryLater(old, false);
            _cachedCompressedEntry = -1;
        }
    }

    public override void WriteZeroes(long offset, long length, bool mayUnmap)
    {
        if (ReadOnly)
            throw new BlockException("Permission denied");
        if (offset < 0 || offset + length > Length)
            throw new BlockException("Input/output error");
        long end = offset + length;
        int mask = ClusterSize - 1;
        long headEnd = Math.Min(end, (offset + mask) & ~(long)mask);
        if (headEnd > offset)
            base.WriteZeroes(offset, headEnd - offset, mayUnmap);
        long tailStart = Math.Max(headEnd, end & ~(long)mask);
        bool lastPartialCluster = end == Length && tailStart < end;
        long zeroEnd = lastPartialCluster ? end : tailStart;
        lock (_lock)
        {
            for (long at = headEnd; at < zeroEnd; at += ClusterSize)
                ZeroCluster(at >> _clusterBits, mayUnmap);
        }
        if (zeroEnd < end)
            base.WriteZeroes(zeroEnd, end - zeroEnd, mayUnmap);
    }

    private void ZeroCluster(long vc, bool mayUnmap)
    {
        var m = MapCluster(vc, 0, ClusterSize);
        ulong old = m.Entry;
        if (Header.Version < 3)
        {
            if (_backing != null)
            {
                WriteInCluster(vc << _clusterBits, 0, new byte[ClusterSize], ClusterSize);
                return;
            }
            if (old == 0)
                return;
            SetEntry(vc, 0, 0);
            FreeEntryLater(old, false);
            return;
        }
        bool keep = !mayUnmap && (old & (CopiedFlag | CompressedFlag)) == CopiedFlag && (old & OffsetMask) != 0;
        ulong word = keep ? (old & (OffsetMask | CopiedFlag)) : 0;
        if (_entryWords == 1)
            word |= ZeroFlag;
        SetEntry(vc, word, AllSubclustersZero);
        FreeEntryLater(old, keep);
    }

    public override void Discard(long offset, long length)
    {
        if (ReadOnly)
            return;
        int mask = ClusterSize - 1;
        long start = (offset + mask) & ~(long)mask;
        long end = offset + length == Length ? offset + length : (offset + length) & ~(long)mask;
        lock (_lock)
        {
            for (long at = start; at < end; at += ClusterSize)
            {
                long vc = at >> _clusterBits;
                ulong old = MapCluster(vc, 0, ClusterSize).Entry;
                if (old == 0)
                    continue;
                bool zero = Header.Version >= 3;
                SetEntry(vc, zero && _entryWords == 1 ? ZeroFlag : 0, zero ? AllSubclustersZero : 0);
                FreeEntryLater(old, false);
            }
        }
    }

    /// <summary>Refuses writes that would land on the header, the L1 table or the refcount table.</summary>
    private void CheckNotMetadata(long host, long length)
    {
        static bool Overlaps(long a, long alen, long b, long blen) => a < b + blen && b < a + alen;
        string? what = null;
        if (Overlaps(host, length, 0, ClusterSize))
            what = "qcow2_header";
        else if (Overlaps(host, length, Header.L1TableOffset, _l1.Length * 8L))
            what = "active L1 table";
        else if (Overlaps(host, length, Refcounts.TableOffset, (long)Refcounts.TableClusters << _clusterBits))
            what = "refcount table";
        if (what == null)
            return;
        MarkCorrupt();
        throw new BlockException($"qcow2: Marking image as corrupt: Preventing invalid write on metadata (overlaps with {what}); further corruption events will be suppressed");
    }

    private void MarkCorrupt()
    {
        if (Header.Version < 3)
            return;
        Header.Incompatible |= Qcow2Header.IncompatCorrupt;
        WriteHeaderField(72, Header.Incompatible);
        _file.Flush();
    }
}

namespace QemuSharp.Block.Formats.Qcow2;

public sealed partial class Qcow2Image
{
    internal enum Kind
    {
        Unallocated,
        Zero,
        Data,
        Compressed,
    }

    /// <summary>How a run of bytes inside one cluster is stored.</summary>
    internal readonly record struct Mapping(Kind Kind, long Host, int Length, ulong Entry);

    /// <summary>Classifies the bytes from <paramref name="inOffset"/> of virtual cluster <paramref name="vc"/>.</summary>
    internal Mapping MapCluster(long vc, int inOffset, int length)
    {
        long l1Index = vc >> _l2Bits;
        if (l1Index >= _l1.Length)
            return new Mapping(Kind.Unallocated, 0, length, 0);
        long l2Offset = (long)(_l1[l1Index] & OffsetMask);
        if (l2Offset == 0)
            return new Mapping(Kind.Unallocated, 0, length, 0);
        ulong[] table = LoadL2(l2Offset, l1Index);
        int index = (int)(vc & ((1L << _l2Bits) - 1)) * _entryWords;
        ulong word = table[index];
        if ((word & CompressedFlag) != 0)
            return new Mapping(Kind.Compressed, 0, length, word);
        long host = (long)(word & OffsetMask);
        if (host != 0 && (host & (ClusterSize - 1)) != 0)
            throw new BlockException(
                $"Cluster allocation offset {host:#x} unaligned (L2 offset: {l2Offset:#x}, L2 index: {index / _entryWords:#x})");
        if (_entryWords == 1)
        {
            if ((word & ZeroFlag) != 0)
                return new Mapping(Kind.Zero, host == 0 ? 0 : host + inOffset, length, word);
            return host == 0 ? new Mapping(Kind.Unallocated, 0, length, word) : new Mapping(Kind.Data, host + inOffset, length, word);
        }
        return MapSubclusters(table[index + 1], host, inOffset, length, word);
    }

    private Mapping MapSubclusters(ulong bitmap, long host, int inOffset, int length, ulong word)
    {
        int subBits = _clusterBits - 5;
        uint alloc = (uint)bitmap;
        uint zero = (uint)(bitmap >> 32);
        if ((alloc & zero) != 0 || (host == 0 && alloc != 0))
            throw new BlockException($"Invalid cluster entry found (L2 entry: {word:#x}, bitmap: {bitmap:#x})");
        int first = inOffset >> subBits;
        Kind KindOf(int sc) => ((alloc >> sc) & 1) != 0 ? Kind.Data : ((zero >> sc) & 1) != 0 ? Kind.Zero : Kind.Unallocated;
        Kind kind = KindOf(first);
        int last = first;
        while (last + 1 < 32 && ((last + 1) << subBits) < inOffset + length && KindOf(last + 1) == kind)
            last++;
        int run = Math.Min(length, ((last + 1) << subBits) - inOffset);
        return new Mapping(kind, host == 0 ? 0 : host + inOffset, run, word);
    }

    public override void Read(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset + buffer.Length > Length)
            throw new BlockException("Input/output error");
        lock (_lock)
            ReadUnlocked(offset, buffer);
    }

    private void ReadUnlocked(long offset, Span<byte> buffer)
    {
        int mask = ClusterSize - 1;
        int done = 0;
        while (done < buffer.Length)
        {
            long at = offset + done;
            int inOffset = (int)(at & mask);
            int n = Math.Min(buffer.Length - done, ClusterSize - inOffset);
            var m = MapCluster(at >> _clusterBits, inOffset, n);
            n = m.Length;
            switch (m.Kind)
            {
                case Kind.Unallocated:
                    ReadBacking(at, buffer.Slice(done, n));
                    break;
                case Kind.Zero:
                    buffer.Slice(done, n).Clear();
                    break;
                case Kind.Compressed:
                    DecompressCluster(m.Entry).AsSpan(inOffset, n).CopyTo(buffer[done..]);
                    break;
                default:
                    n = ExtendDataRun(at, m, buffer.Length - done);
                    _file.Read(m.Host, buffer.Slice(done, n));
                    break;
            }
            done += n;
        }
    }

    /// <summary>Grows a data run over following clusters that are stored right after it.</summary>
    private int ExtendDataRun(long at, Mapping m, int remaining)
    {
        int n = m.Length;
        while (n < remaining && ((at + n) & (ClusterSize - 1)) == 0 && n < (64 << 20))
        {
            var next = MapCluster((at + n) >> _clusterBits, 0, Math.Min(ClusterSize, remaining - n));
            if (next.Kind != Kind.Data || next.Host != m.Host + n)
                break;
            n += next.Length;
        }
        return n;
    }

    private void ReadBacking(long offset, Span<byte> buffer)
    {
        long backingLength = _backing?.Length ?? 0;
        int part = (int)Math.Clamp(backingLength - offset, 0, buffer.Length);
        if (part > 0)
            _backing!.Read(offset, buffer[..part]);
        buffer[part..].Clear();
    }

    /// <summary>The host byte range a compressed descriptor claims (clamped to the file's end).</summary>
    internal (long Offset, int Length) CompressedRange(ulong entry)
    {
        int x = 62 - (_clusterBits - 8);
        long offset = (long)(entry & ((1UL << x) - 1));
        long sectors = (long)((entry >> x) & ((1UL << (_clusterBits - 8)) - 1)) + 1;
        long length = sectors * 512 - (offset & 511);
        return (offset, (int)length);
    }

    private byte[] DecompressCluster(ulong entry)
    {
        if (_cachedCompressedEntry == (long)entry && _cachedCompressedCluster != null)
            return _cachedCompressedCluster;
        var (offset, length) = CompressedRange(entry);
        long fileLength = _file.Length;
        if (offset >= fileLength)
            throw new BlockException("Input/output error");
        var input = new byte[Math.Min(length, fileLength - offset)];
        _file.Read(offset, input);
        var cluster = new byte[ClusterSize];
        Qcow2Compression.Decompress(Header.CompressionType, input, cluster);
        _cachedCompressedEntry = (long)entry;
        _cachedCompressedCluster = cluster;
        return cluster;
    }

    public override BlockExtent GetStatus(long offset, long length)
    {
        lock (_lock)
        {
            length = Math.Min(length, Length - offset);
            int mask = ClusterSize - 1;
            long l2Span = 1L << (_clusterBits + _l2Bits);
            long done = 0;
            Mapping first = default;
            while (done < length)
            {
                long at = offset + done;
                long l1Index = at >> (_clusterBits + _l2Bits);
                if (l1Index >= _l1.Length || (_l1[l1Index] & OffsetMask) == 0)
                {
                    if (done > 0 && first.Kind != Kind.Unallocated)
                        break;
                    first = new Mapping(Kind.Unallocated, 0, 0, 0);
                    done += Math.Min(length - done, l2Span - (at & (l2Span - 1)));
                    continue;
                }
                int inOffset = (int)(at & mask);
                var m = MapCluster(at >> _clusterBits, inOffset, (int)Math.Min(length - done, ClusterSize - inOffset));
                if (done == 0)
                    first = m;
                else if (m.Kind != first.Kind || (first.Host == 0) != (m.Host == 0) || (m.Host != 0 && m.Host != first.Host + done))
                    break;
                done += m.Length;
            }
            var mapped = first.Host != 0 ? BlockStatus.OffsetValid : BlockStatus.None;
            long host = first.Host != 0 ? first.Host : -1;
            return first.Kind switch
            {
                Kind.Unallocated => new BlockExtent(done, mapped, host),
                Kind.Zero => new BlockExtent(done, BlockStatus.Allocated | BlockStatus.Zero | mapped, host),
                Kind.Compressed => new BlockExtent(done, BlockStatus.Allocated | BlockStatus.Data | BlockStatus.Compressed),
                _ => new BlockExtent(done, BlockStatus.Allocated | BlockStatus.Data | mapped, host),
            };
        }
    }
}

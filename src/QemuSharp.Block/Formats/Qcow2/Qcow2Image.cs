using System.Buffers.Binary;

namespace QemuSharp.Block.Formats.Qcow2;

/// <summary>
/// The qcow2 format over a file node. Metadata (L1, L2 tables, refcounts) is cached and written
/// back by <see cref="Flush"/> in crash-safe order; guest data goes straight to the file.
/// </summary>
public sealed partial class Qcow2Image : BlockDriver
{
    internal const ulong OffsetMask = 0x00fffffffffffe00UL;
    internal const ulong CopiedFlag = 1UL << 63;
    internal const ulong CompressedFlag = 1UL << 62;
    internal const ulong ZeroFlag = 1;
    private const int MaxCachedL2 = 4096;

    private readonly BlockDriver _file;
    private readonly object _lock = new();
    private readonly Dictionary<long, ulong[]> _l2Cache = [];
    private readonly HashSet<long> _dirtyL2 = [];
    private readonly HashSet<long> _dirtyL1 = [];
    private readonly int _clusterBits;
    private readonly int _l2Bits;
    private readonly int _entryWords;
    private ulong[] _l1;
    private BlockDriver? _backing;
    private long _cachedCompressedEntry = -1;
    private byte[]? _cachedCompressedCluster;
    private long _freeByteOffset;
    private bool _closed;

    private Qcow2Image(BlockDriver file, Qcow2Header header, bool readOnly)
    {
        _file = file;
        Header = header;
        FileName = file.FileName;
        ReadOnly = readOnly;
        _clusterBits = header.ClusterBits;
        _entryWords = header.ExtendedL2 ? 2 : 1;
        _l2Bits = _clusterBits - (header.ExtendedL2 ? 4 : 3);
        _l1 = ReadTable(header.L1TableOffset, (int)header.L1Size);
        Refcounts = new Qcow2Refcounts(file, header);
        Snapshots = Qcow2Snapshot.ReadTable(file, header);
    }

    public Qcow2Header Header { get; }

    internal Qcow2Refcounts Refcounts { get; private set; }

    public IReadOnlyList<Qcow2Snapshot> Snapshots { get; internal set; }

    public override string FormatName => "qcow2";

    public override long Length => Header.Size;

    public override BlockDriver File => _file;

    public override BlockDriver? Backing => _backing;

    public int ClusterSize => 1 << _clusterBits;

    /// <summary>When set, full-cluster writes are stored compressed where that saves space.</summary>
    public bool CompressWrites { get; set; }

    internal IReadOnlyList<ulong> L1 => _l1;

    /// <summary>Opens a qcow2 image; the caller attaches the backing node with <see cref="SetBacking"/>.</summary>
    public static Qcow2Image Open(BlockDriver file, bool readOnly) => OpenForCheck(file, readOnly, false);

    /// <summary>Opens without repairing a dirty image when <paramref name="forCheck"/> (the check command repairs itself).</summary>
    public static Qcow2Image OpenForCheck(BlockDriver file, bool readOnly, bool forCheck)
    {
        var first = new byte[Math.Min(file.Length, 1L << 21) < 512 ? 512 : (int)Math.Min(file.Length, 1L << 21)];
        file.Read(0, first);
        var header = Qcow2Header.Parse(first);
        if (!readOnly && (header.Incompatible & Qcow2Header.IncompatCorrupt) != 0)
            throw new BlockException("qcow2: Image is corrupt; cannot be opened read/write");
        if ((header.Incompatible & Qcow2Header.IncompatDataFile) != 0)
            throw new BlockException("Unsupported qcow2 feature(s): External data file");
        if (header.CryptMethod != 0)
            throw new BlockException("Parameter 'encrypt.key-secret' is required for cipher");
        var image = new Qcow2Image(file, header, readOnly);
        if (!readOnly && !forCheck)
            image.PrepareForWriting();
        return image;
    }

    public void SetBacking(BlockDriver? backing) => _backing = backing;

    private void PrepareForWriting()
    {
        if (Refcounts.TableOffset < ClusterSize || (_l1.Length > 0 && Header.L1TableOffset < ClusterSize))
        {
            string what = Refcounts.TableOffset < ClusterSize ? "refcount table" : "active L1 table";
            MarkCorrupt();
            throw new BlockException($"qcow2: Marking image as corrupt: Preventing invalid write on metadata (overlaps with {what}); further corruption events will be suppressed");
        }
        if ((Header.Incompatible & Qcow2Header.IncompatDirty) != 0)
            Qcow2Checker.Check(this, Qcow2Checker.Fix.All, TextWriter.Null);
        if ((Header.Autoclear & ~Qcow2Header.AutoclearKnown) != 0)
        {
            Header.Autoclear &= Qcow2Header.AutoclearKnown;
            WriteHeaderField(88, Header.Autoclear);
        }
    }

    internal ulong[] ReadTable(long offset, int entries)
    {
        var raw = new byte[entries * 8L];
        if (entries > 0)
            _file.Read(offset, raw);
        var table = new ulong[entries];
        for (int i = 0; i < entries; i++)
            table[i] = BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(i * 8));
        return table;
    }

    internal static byte[] EncodeTable(ReadOnlySpan<ulong> table, int byteLength)
    {
        var raw = new byte[byteLength];
        for (int i = 0; i < table.Length; i++)
            BinaryPrimitives.WriteUInt64BigEndian(raw.AsSpan(i * 8), table[i]);
        return raw;
    }

    internal void WriteHeaderField(int offset, ulong value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        _file.Write(offset, b);
    }

    /// <summary>Rewrites cluster 0 from <see cref="Header"/> (backing name, extensions, features).</summary>
    internal void RewriteHeader()
    {
        Header.L1Size = (uint)_l1.Length;
        Header.RefcountTableOffset = Refcounts.TableOffset;
        Header.RefcountTableClusters = Refcounts.TableClusters;
        byte[] bytes = Header.Serialize();
        _file.Flush();
        _file.Write(0, bytes);
        _file.Flush();
    }

    /// <summary>The L2 table at <paramref name="offset"/>, through the cache.</summary>
    internal ulong[] LoadL2(long offset, long l1Index)
    {
        if (_l2Cache.TryGetValue(offset, out var table))
            return table;
        if ((offset & (ClusterSize - 1)) != 0)
            throw new BlockException($"L2 table offset {offset:#x} unaligned (L1 index: {l1Index:#x})");
        if (offset < ClusterSize)
            throw new BlockException($"L2 table offset {offset:#x} overlaps the image header (L1 index: {l1Index:#x})");
        if (_l2Cache.Count >= MaxCachedL2)
            ShrinkCache();
        table = ReadTable(offset, ClusterSize / 8);
        _l2Cache[offset] = table;
        return table;
    }

    private void ShrinkCache()
    {
        if (_dirtyL2.Count > 0)
            WriteBackMetadata();
        _l2Cache.Clear();
    }

    /// <summary>
    /// Writes cached metadata in the order that keeps the image consistent at every step:
    /// raised refcounts, flush, L2 tables, flush, L1 entries, flush, then lowered refcounts.
    /// </summary>
    private void WriteBackMetadata()
    {
        bool anything = Refcounts.IsDirty || _dirtyL2.Count > 0 || _dirtyL1.Count > 0 || Refcounts.HasPendingFrees;
        if (!anything)
            return;
        Refcounts.WriteBack();
        _file.Flush();
        foreach (long offset in _dirtyL2)
            _file.Write(offset, EncodeTable(_l2Cache[offset], ClusterSize));
        _dirtyL2.Clear();
        if (_dirtyL1.Count > 0)
        {
            _file.Flush();
            var entry = new byte[8];
            foreach (long i in _dirtyL1)
            {
                BinaryPrimitives.WriteUInt64BigEndian(entry, _l1[i]);
                _file.Write(Header.L1TableOffset + i * 8, entry);
            }
            _dirtyL1.Clear();
        }
        _file.Flush();
        if (Refcounts.HasPendingFrees)
        {
            Refcounts.ApplyPendingFrees();
            Refcounts.WriteBack();
            _file.Flush();
        }
    }

    public override void Flush()
    {
        lock (_lock)
        {
            if (ReadOnly)
                return;
            WriteBackMetadata();
            _file.Flush();
        }
    }

    /// <summary>Drops cached metadata so that later reads see what is on disk.</summary>
    internal void InvalidateCaches()
    {
        Flush();
        _l2Cache.Clear();
        _cachedCompressedEntry = -1;
        _l1 = ReadTable(Header.L1TableOffset, (int)Header.L1Size);
    }

    internal void ReloadRefcounts() => Refcounts = new Qcow2Refcounts(_file, Header);

    protected override void Dispose(bool disposing)
    {
        if (!disposing || _closed)
            return;
        _closed = true;
        try
        {
            if (!ReadOnly)
                Flush();
        }
        finally
        {
            _backing?.Dispose();
            _file.Dispose();
        }
    }
}

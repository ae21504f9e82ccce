using System.Buffers.Binary;
using System.Text;

namespace QemuSharp.Block.Formats.Qcow2;

/// <summary>A header extension kept as raw bytes so that unknown ones survive a rewrite.</summary>
public sealed record HeaderExtension(uint Type, byte[] Data);

/// <summary>The qcow2 header in cluster 0 (docs/interop/qcow2.txt), big-endian on disk.</summary>
public sealed class Qcow2Header
{
    public const uint Magic = 0x514649fb;
    public const uint ExtEnd = 0;
    public const uint ExtBackingFormat = 0xE2792ACA;
    public const uint ExtFeatureTable = 0x6803F857;
    public const uint ExtBitmaps = 0x23852875;
    public const uint ExtDataFile = 0x44415441;
    public const ulong IncompatDirty = 1;
    public const ulong IncompatCorrupt = 2;
    public const ulong IncompatDataFile = 4;
    public const ulong IncompatCompression = 8;
    public const ulong IncompatExtendedL2 = 16;
    public const ulong IncompatKnown = 31;
    public const ulong CompatLazyRefcounts = 1;
    public const ulong AutoclearBitmaps = 1;
    public const ulong AutoclearKnown = 1;
    public const int MaxL1Bytes = 32 << 20;
    public const int MaxRefcountTableBytes = 8 << 20;
    public const int MaxSnapshots = 65536;

    public uint Version { get; set; } = 3;
    public string? BackingFile { get; set; }
    public string? BackingFormat { get; set; }
    public int ClusterBits { get; set; } = 16;
    public long Size { get; set; }
    public uint CryptMethod { get; set; }
    public uint L1Size { get; set; }
    public long L1TableOffset { get; set; }
    public long RefcountTableOffset { get; set; }
    public uint RefcountTableClusters { get; set; }
    public uint SnapshotCount { get; set; }
    public long SnapshotsOffset { get; set; }
    public ulong Incompatible { get; set; }
    public ulong Compatible { get; set; }
    public ulong Autoclear { get; set; }
    public int RefcountOrder { get; set; } = 4;
    public uint HeaderLength { get; set; } = 112;
    public byte CompressionType { get; set; }
    public List<HeaderExtension> Extensions { get; } = [];

    public int ClusterSize => 1 << ClusterBits;
    public bool ExtendedL2 => (Incompatible & IncompatExtendedL2) != 0;
    public bool LazyRefcounts => (Compatible & CompatLazyRefcounts) != 0;

    /// <summary>Parses and validates cluster 0, with QEMU's messages for what it refuses.</summary>
    public static Qcow2Header Parse(ReadOnlySpan<byte> b)
    {
        if (b.Length < 72 || BinaryPrimitives.ReadUInt32BigEndian(b) != Magic)
            throw new BlockException("Image is not in qcow2 format");
        var h = new Qcow2Header { Version = BE32(b, 4) };
        if (h.Version < 2 || h.Version > 3)
            throw new BlockException($"Unsupported qcow2 version {h.Version}");
        long backingOffset = (long)BE64(b, 8);
        uint backingSize = BE32(b, 16);
        uint clusterBits = BE32(b, 20);
        if (clusterBits < 9 || clusterBits > 21)
            throw new BlockException($"Unsupported cluster size: 2^{clusterBits}");
        h.ClusterBits = (int)clusterBits;
        int cluster = h.ClusterSize;
        h.Size = (long)Math.Min(BE64(b, 24), long.MaxValue);
        h.CryptMethod = BE32(b, 32);
        h.L1Size = BE32(b, 36);
        h.L1TableOffset = (long)(BE64(b, 40) & long.MaxValue);
        h.RefcountTableOffset = (long)(BE64(b, 48) & long.MaxValue);
        h.RefcountTableClusters = BE32(b, 56);
        h.SnapshotCount = BE32(b, 60);
        h.SnapshotsOffset = (long)(BE64(b, 64) & long.MaxValue);
        if (h.Version == 2)
        {
            h.HeaderLength = 72;
        }
        else
        {
            h.Incompatible = BE64(b, 72);
            h.Compatible = BE64(b, 80);
            h.Autoclear = BE64(b, 88);
            h.RefcountOrder = (int)Math.Min(BE32(b, 96), 64u);
            h.HeaderLength = BE32(b, 100);
            if (h.HeaderLength < 104)
                throw new BlockException("qcow2 header too short");
            if (h.HeaderLength > cluster || h.HeaderLength > b.Length)
                throw new BlockException("qcow2 header exceeds cluster size");
            if (h.HeaderLength > 104)
                h.CompressionType = b[104];
        }
        if (backingOffset > cluster)
            throw new BlockException("Invalid backing file offset");
        ulong unknown = h.Incompatible & ~IncompatKnown;
        if (unknown != 0)
            throw new BlockException($"Unsupported qcow2 feature(s): Unknown incompatible feature: {unknown:x}");
        if (h.RefcountOrder > 6)
            throw new BlockException("Reference count entry width too large; may not exceed 64 bits");
        h.ValidateCompression();
        h.ParseExtensions(b, backingOffset);
        if (backingOffset != 0)
        {
            if (backingSize > 1023 || backingOffset + backingSize > cluster)
                throw new BlockException("Backing file name too long");
            h.BackingFile = Encoding.UTF8.GetString(b.Slice((int)backingOffset, (int)backingSize));
        }
        h.ValidateTables();
        return h;
    }

    private void ValidateCompression()
    {
        if (CompressionType > 1)
            throw new BlockException($"qcow2: unknown compression type: {CompressionType}");
        bool bit = (Incompatible & IncompatCompression) != 0;
        if (CompressionType == 0 && bit)
            throw new BlockException("qcow2: Compression type incompatible feature bit must not be set");
        if (CompressionType != 0 && !bit)
            throw new BlockException("qcow2: Compression type incompatible feature bit must be set");
    }

    private void ValidateTables()
    {
        int cluster = ClusterSize;
        if (CryptMethod > 2)
            throw new BlockException($"Unsupported encryption method: {CryptMethod}");
        if ((long)RefcountTableClusters * cluster > MaxRefcountTableBytes)
            throw new BlockException("Reference count table too large");
        if (!Aligned(RefcountTableOffset))
            throw new BlockException("Reference count table offset invalid");
        if (SnapshotCount > MaxSnapshots)
            throw new BlockException("Snapshot table too large");
        if (SnapshotCount > 0 && !Aligned(SnapshotsOffset))
            throw new BlockException("Snapshot table offset invalid");
        if ((long)L1Size * 8 > MaxL1Bytes)
            throw new BlockException("Active L1 table too large");
        if (Size > (1L << 62))
            throw new BlockException("Image is too big");
        if (L1Size < MinL1Size(Size, ClusterBits, ExtendedL2))
            throw new BlockException("L1 table is too small");
        if (L1Size > 0 && !Aligned(L1TableOffset))
            throw new BlockException("Active L1 table offset invalid");
    }

    private bool Aligned(long offset) => offset >= 0 && (offset & (ClusterSize - 1)) == 0 && offset < (1L << 56);

    /// <summary>L1 entries needed to map <paramref name="size"/> bytes.</summary>
    public static long MinL1Size(long size, int clusterBits, bool extendedL2)
    {
        int l2Bits = clusterBits - (extendedL2 ? 4 : 3);
        int shift = clusterBits + l2Bits;
        return shift >= 63 ? 1 : (long)(((ulong)size + (1UL << shift) - 1) >> shift);
    }

    private void ParseExtensions(ReadOnlySpan<byte> b, long backingOffset)
    {
        int end = backingOffset != 0 ? (int)backingOffset : ClusterSize;
        int at = Version == 2 ? 72 : (int)HeaderLength;
        end = Math.Min(end, b.Length);
        while (at + 8 <= end)
        {
            uint type = BE32(b, at);
            uint len = BE32(b, at + 4);
            at += 8;
            if (type == ExtEnd)
                return;
            if (len > end - at)
                throw new BlockException("ext_magic and ext_len exceed the header cluster");
            byte[] data = b.Slice(at, (int)len).ToArray();
            if (type == ExtBackingFormat)
                BackingFormat = Encoding.UTF8.GetString(data).TrimEnd('\0');
            else
                Extensions.Add(new HeaderExtension(type, data));
            at += (int)((len + 7) & ~7u);
        }
    }

    /// <summary>Serialises the header, its extensions and the backing name into one cluster.</summary>
    public byte[] Serialize()
    {
        var b = new byte[ClusterSize];
        BinaryPrimitives.WriteUInt32BigEndian(b, Magic);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4), Version);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(20), (uint)ClusterBits);
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(24), (ulong)Size);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(32), CryptMethod);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(36), L1Size);
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(40), (ulong)L1TableOffset);
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(48), (ulong)RefcountTableOffset);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(56), RefcountTableClusters);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(60), SnapshotCount);
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(64), (ulong)SnapshotsOffset);
        int at = 72;
        if (Version >= 3)
        {
            BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(72), Incompatible);
            BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(80), Compatible);
            BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(88), Autoclear);
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(96), (uint)RefcountOrder);
            HeaderLength = Math.Max(HeaderLength, 112);
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(100), HeaderLength);
            b[104] = CompressionType;
            at = (int)HeaderLength;
        }
        if (BackingFormat != null)
            at = PutExtension(b, at, ExtBackingFormat, Encoding.UTF8.GetBytes(BackingFormat));
        foreach (var ext in Extensions)
            at = PutExtension(b, at, ext.Type, ext.Data);
        at = PutExtension(b, at, ExtEnd, []);
        if (BackingFile != null)
        {
            byte[] name = Encoding.UTF8.GetBytes(BackingFile);
            if (name.Length > 1023 || at + name.Length > b.Length)
                throw new BlockException("Backing file name too long");
            name.CopyTo(b, at);
            BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(8), (ulong)at);
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(16), (uint)name.Length);
            at += name.Length;
        }
        return b.AsSpan(0, at).ToArray();
    }

    private static int PutExtension(byte[] b, int at, uint type, byte[] data)
    {
        int padded = (data.Length + 7) & ~7;
        if (at + 8 + padded > b.Length)
            throw new BlockException("Header extensions do not fit in the first cluster");
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(at), type);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(at + 4), (uint)data.Length);
        data.CopyTo(b, at + 8);
        return at + 8 + padded;
    }

    /// <summary>QEMU's feature name table extension for a fresh v3 image.</summary>
    public static byte[] DefaultFeatureTable()
    {
        (byte Kind, byte Bit, string Name)[] names =
        [
            (0, 0, "dirty bit"), (0, 1, "corrupt bit"), (0, 2, "external data file"),
            (0, 3, "compression type"), (0, 4, "extended L2 entries"), (1, 0, "lazy refcounts"),
            (2, 0, "bitmaps"), (2, 1, "raw external data"),
        ];
        var t = new byte[names.Length * 48];
        for (int i = 0; i < names.Length; i++)
        {
            t[i * 48] = names[i].Kind;
            t[i * 48 + 1] = names[i].Bit;
            Encoding.ASCII.GetBytes(names[i].Name).CopyTo(t, i * 48 + 2);
        }
        return t;
    }

    private static uint BE32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32BigEndian(b[at..]);

    private static ulong BE64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64BigEndian(b[at..]);
}

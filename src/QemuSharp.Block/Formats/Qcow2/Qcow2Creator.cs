using System.Buffers.Binary;
using QemuSharp.Block.Protocols;

namespace QemuSharp.Block.Formats.Qcow2;

/// <summary>The qcow2 creation options qemu-img accepts.</summary>
public sealed record Qcow2CreateOptions
{
    public long Size { get; init; }
    public int ClusterSize { get; init; } = 65536;
    public bool Compat11 { get; init; } = true;
    public bool LazyRefcounts { get; init; }
    public int RefcountBits { get; init; } = 16;
    public bool ExtendedL2 { get; init; }
    public byte CompressionType { get; init; }
    public PreallocMode Preallocation { get; init; }
    public string? BackingFile { get; init; }
    public string? BackingFormat { get; init; }
}

/// <summary>Creates qcow2 images laid out as QEMU lays them out (header, refcount table, refcount block, L1).</summary>
public static class Qcow2Creator
{
    public static void Validate(Qcow2CreateOptions o)
    {
        int c = o.ClusterSize;
        if (c < 512 || c > (2 << 20) || (c & (c - 1)) != 0)
            throw new BlockException("Cluster size must be a power of two between 512 and 2048k");
        if (!o.Compat11 && o.LazyRefcounts)
            throw new BlockException("Lazy refcounts only supported with compatibility level 1.1 and above (use version=v3 or greater)");
        int r = o.RefcountBits;
        if (r < 1 || r > 64 || (r & (r - 1)) != 0)
            throw new BlockException("Refcount width must be a power of two and may not exceed 64 bits");
        if (!o.Compat11 && r != 16)
            throw new BlockException("Different refcount widths than 16 bits require compatibility level 1.1 or above (use version=v3 or greater)");
        if (o.ExtendedL2 && !o.Compat11)
            throw new BlockException("Extended L2 entries are only supported with compatibility level 1.1 and above (use version=v3 or greater)");
        if (o.ExtendedL2 && c < 16384)
            throw new BlockException("Extended L2 entries are only supported with cluster sizes of at least 16384 bytes");
        if (o.CompressionType != 0 && !o.Compat11)
            throw new BlockException("Non-zlib compression type is only supported with compatibility level 1.1 and above (use version=v3 or greater)");
        if (o.BackingFile != null && o.Preallocation != PreallocMode.Off)
            throw new BlockException("Backing file and preallocation can only be used at the same time if extended_l2 is on");
    }

    public static void Create(string fileName, Qcow2CreateOptions o)
    {
        Validate(o);
        int clusterBits = System.Numerics.BitOperations.Log2((uint)o.ClusterSize);
        var header = new Qcow2Header
        {
            Version = o.Compat11 ? 3u : 2u,
            ClusterBits = clusterBits,
            RefcountTableOffset = o.ClusterSize,
            RefcountTableClusters = 1,
            RefcountOrder = System.Numerics.BitOperations.Log2((uint)o.RefcountBits),
            Compatible = o.LazyRefcounts ? Qcow2Header.CompatLazyRefcounts : 0,
            Incompatible = (o.ExtendedL2 ? Qcow2Header.IncompatExtendedL2 : 0)
                | (o.CompressionType != 0 ? Qcow2Header.IncompatCompression : 0),
            CompressionType = o.CompressionType,
            BackingFile = o.BackingFile,
            BackingFormat = o.BackingFile != null ? o.BackingFormat : null,
        };
        if (o.Compat11)
            header.Extensions.Add(new HeaderExtension(Qcow2Header.ExtFeatureTable, Qcow2Header.DefaultFeatureTable()));
        byte[] headerBytes = header.Serialize();
        FileProtocol.Create(fileName, 0, PreallocMode.Off);
        var file = FileProtocol.Open(fileName, readOnly: false, noLock: true);
        try
        {
            file.Write(0, headerBytes);
            var table = new byte[o.ClusterSize];
            BinaryPrimitives.WriteUInt64BigEndian(table, (ulong)(2L * o.ClusterSize));
            file.Write(o.ClusterSize, table);
            var block = new byte[o.ClusterSize];
            for (int i = 0; i < 3; i++)
                SetRefcount(block, i, o.RefcountBits);
            file.Write(2L * o.ClusterSize, block);
        }
        catch
        {
            file.Dispose();
            throw;
        }
        using var image = Qcow2Image.Open(file, readOnly: false);
        image.Truncate((o.Size + 511) & ~511L, o.Preallocation);
    }

    private static void SetRefcount(byte[] block, int index, int bits)
    {
        long bit = (long)index * bits;
        if (bits >= 8)
            block[(bit + bits) / 8 - 1] = 1;
        else
            block[bit >> 3] |= (byte)(1 << (int)(bit & 7));
    }
}

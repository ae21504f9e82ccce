namespace QemuSharp.Block.Formats.Qcow2;

public sealed partial class Qcow2Image
{
    /// <summary>Makes every cluster unallocated (reads go to the backing file again), freeing the space.</summary>
    public void MakeEmpty()
    {
        lock (_lock)
        {
            for (long vc = 0; vc << _clusterBits < Length; vc++)
            {
                ulong old = MapCluster(vc, 0, ClusterSize).Entry;
                if (old == 0)
                    continue;
                SetEntry(vc, 0, 0);
                FreeEntryLater(old, false);
            }
        }
        Flush();
    }

    /// <summary>Points the header at another backing file (null detaches) and rewrites cluster 0.</summary>
    public void SetBackingFile(string? name, string? format)
    {
        lock (_lock)
        {
            WriteBackMetadata();
            Header.BackingFile = string.IsNullOrEmpty(name) ? null : name;
            Header.BackingFormat = Header.BackingFile == null ? null : format;
            RewriteHeader();
        }
    }

    /// <summary>qemu-img amend: compat, lazy_refcounts and refcount_bits.</summary>
    public void Amend(bool? compat11, bool? lazyRefcounts, int? refcountBits)
    {
        lock (_lock)
        {
            WriteBackMetadata();
            bool v3 = compat11 ?? Header.Version >= 3;
            int bits = refcountBits ?? (1 << Header.RefcountOrder);
            if (!v3 && bits != 16)
                throw new BlockException(refcountBits != null
                    ? "Refcount widths other than 16 bits require compatibility level 1.1 or above (use compat=1.1 or greater)"
                    : "compat=0.10 requires refcount_bits=16");
            if (!v3 && lazyRefcounts == true)
                throw new BlockException("Lazy refcounts only supported with compatibility level 1.1 and above (use compat=1.1 or greater)");
            if (!v3 && Header.ExtendedL2)
                throw new BlockException("Cannot downgrade an image with extended L2 entries");
            if (!v3 && Header.CompressionType != 0)
                throw new BlockException("Cannot downgrade an image with a compression type other than zlib");
            if (bits != 1 << Header.RefcountOrder)
                ChangeRefcountWidth(bits);
            if (lazyRefcounts is { } lazy)
                Header.Compatible = lazy ? Header.Compatible | Qcow2Header.CompatLazyRefcounts : Header.Compatible & ~Qcow2Header.CompatLazyRefcounts;
            if (!v3 && Header.Version >= 3)
                Downgrade();
            else if (v3 && Header.Version < 3)
                Upgrade();
            else
                RewriteHeader();
        }
    }

    private void ChangeRefcountWidth(int bits)
    {
        var walk = new ReferenceWalk(this, TextWriter.Null);
        walk.CountAll(includeRefcountStructures: false);
        Header.RefcountOrder = System.Numerics.BitOperations.Log2((uint)bits);
        RefcountRebuilder.Rebuild(this, walk, TextWriter.Null);
        RewriteHeader();
    }

    private void Upgrade()
    {
        Header.Version = 3;
        Header.HeaderLength = 112;
        if (!Header.Extensions.Any(e => e.Type == Qcow2Header.ExtFeatureTable))
            Header.Extensions.Add(new HeaderExtension(Qcow2Header.ExtFeatureTable, Qcow2Header.DefaultFeatureTable()));
        RewriteHeader();
    }

    /// <summary>Version 2 has no zero clusters: plain ones become unallocated (or written zeros over a backing file).</summary>
    private void Downgrade()
    {
        if (Snapshots.Count > 0)
            throw new BlockException("Cannot downgrade an image with internal snapshots");
        var zeros = new byte[ClusterSize];
        for (long vc = 0; vc << _clusterBits < Length; vc++)
        {
            var m = MapCluster(vc, 0, ClusterSize);
            if (m.Kind != Kind.Zero)
                continue;
            long host = (long)(m.Entry & OffsetMask);
            if (host != 0 && (m.Entry & CopiedFlag) != 0)
            {
                _file.Write(host, zeros);
                SetEntry(vc, (ulong)host | CopiedFlag, 0);
            }
            else if (_backing == null)
            {
                SetEntry(vc, 0, 0);
                FreeEntryLater(m.Entry, false);
            }
            else
            {
                long fresh = Refcounts.Allocate(1);
                _file.Write(fresh, zeros);
                SetEntry(vc, (ulong)fresh | CopiedFlag, 0);
                FreeEntryLater(m.Entry, false);
            }
        }
        WriteBackMetadata();
        Header.Version = 2;
        Header.Compatible = 0;
        Header.Incompatible = 0;
        Header.Autoclear = 0;
        Header.Extensions.RemoveAll(e => e.Type is Qcow2Header.ExtFeatureTable or Qcow2Header.ExtBitmaps);
        RewriteHeader();
    }
}

using System.Buffers.Binary;

namespace QemuSharp.Block.Formats.Qcow2;

/// <summary>
/// Writes a fresh refcount table and blocks from counts computed in memory, after everything in
/// use, then switches the header to them. The old structures become free clusters.
/// </summary>
internal static class RefcountRebuilder
{
    public static void Rebuild(Qcow2Image image, ReferenceWalk walk, TextWriter err)
    {
        var h = image.Header;
        int cluster = image.ClusterSize;
        int bits = 1 << h.RefcountOrder;
        long perBlock = (8L * cluster) / bits;
        long start = walk.ClusterCount;
        long blocks = 1;
        long tableClusters = 1;
        while (true)
        {
            long total = start + blocks + tableClusters;
            long needBlocks = (total + perBlock - 1) / perBlock;
            long needTable = (needBlocks * 8 + cluster - 1) / cluster;
            if (needBlocks == blocks && needTable == tableClusters)
                break;
            blocks = needBlocks;
            tableClusters = needTable;
        }
        var counts = new ulong[start + blocks + tableClusters];
        Array.Copy(walk.Counts, counts, Math.Min(walk.Counts.Length, start));
        for (long c = start; c < counts.Length; c++)
            counts[c] = 1;
        var table = new ulong[tableClusters * cluster / 8];
        for (long b = 0; b < blocks; b++)
        {
            var block = new byte[cluster];
            for (long i = 0; i < perBlock; i++)
            {
                long c = b * perBlock + i;
                if (c < counts.Length && counts[c] != 0)
                    Write(block, i, bits, counts[c]);
            }
            long offset = (start + b) * cluster;
            image.File.Write(offset, block);
            table[b] = (ulong)offset;
        }
        long tableOffset = (start + blocks) * cluster;
        image.File.Write(tableOffset, Qcow2Image.EncodeTable(table, (int)tableClusters * cluster));
        image.File.Flush();
        var field = new byte[12];
        BinaryPrimitives.WriteUInt64BigEndian(field, (ulong)tableOffset);
        BinaryPrimitives.WriteUInt32BigEndian(field.AsSpan(8), (uint)tableClusters);
        image.File.Write(48, field);
        image.File.Flush();
        var old = image.Refcounts;
        var freed = new SortedSet<long>();
        for (long c = 0; c < old.TableClusters; c++)
            freed.Add((old.TableOffset / cluster) + c);
        foreach (ulong e in old.Table)
            if ((e & ~511UL) != 0 && ((long)(e & ~511UL) & (cluster - 1)) == 0)
                freed.Add((long)(e & ~511UL) / cluster);
        foreach (long c in freed)
            if (c >= 0 && c < start && c < walk.Counts.Length && walk.Counts[c] == 0)
                err.WriteLine($"Repairing cluster {c} refcount=1 reference=0");
        h.RefcountTableOffset = tableOffset;
        h.RefcountTableClusters = (uint)tableClusters;
        image.ReloadRefcounts();
    }

    private static void Write(byte[] block, long index, int bits, ulong value)
    {
        switch (bits)
        {
            case 64: BinaryPrimitives.WriteUInt64BigEndian(block.AsSpan((int)index * 8), value); break;
            case 32: BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan((int)index * 4), (uint)value); break;
            case 16: BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan((int)index * 2), (ushort)value); break;
            case 8: block[index] = (byte)value; break;
            default:
                long bit = index * bits;
                block[bit >> 3] |= (byte)((int)value << (int)(bit & 7));
                break;
        }
    }
}

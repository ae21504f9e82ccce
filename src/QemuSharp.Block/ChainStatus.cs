namespace QemuSharp.Block;

/// <summary>The status of a range as seen through a backing chain, as QEMU's map reports it.</summary>
public readonly record struct ChainExtent(long Length, BlockStatus Status, long HostOffset, int Depth, BlockDriver? File);

public static class ChainStatus
{
    /// <summary>
    /// Walks from <paramref name="top"/> down the chain until a node has the range allocated;
    /// unallocated ranges past a backing node's end, or with no backing node, read as zeros.
    /// A format's mapped range is also zero where the file below it has a hole.
    /// </summary>
    public static ChainExtent Get(BlockDriver top, long offset, long length, BlockDriver? bottom = null)
    {
        int depth = 0;
        BlockDriver node = top;
        while (true)
        {
            var e = node.GetStatus(offset, length);
            var status = e.Status;
            length = Math.Max(1, Math.Min(length, e.Length));
            if ((status & (BlockStatus.Data | BlockStatus.Zero)) == 0)
            {
                var backing = node.Backing;
                if (backing == null || node == bottom || backing.Length <= offset)
                    status |= BlockStatus.Zero;
                else if (backing.Length < offset + length)
                    length = backing.Length - offset;
            }
            else if ((status & BlockStatus.OffsetValid) != 0 && node.File is { } file && node.FormatName != "raw")
            {
                var f = file.GetStatus(e.HostOffset, length);
                if ((f.Status & BlockStatus.Zero) != 0)
                    status |= BlockStatus.Zero;
                length = Math.Min(length, Math.Max(1, f.Length));
            }
            if ((status & (BlockStatus.Data | BlockStatus.Zero)) != 0 || node.Backing == null || node == bottom)
                return new ChainExtent(length, status, e.HostOffset, depth, node.File ?? node);
            node = node.Backing;
            depth++;
        }
    }
}

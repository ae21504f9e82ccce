namespace QemuSharp.Block;

/// <summary>What a block status query found, as QEMU's BDRV_BLOCK_* bits.</summary>
[Flags]
public enum BlockStatus
{
    None = 0,
    /// <summary>The range reads from this node's own data (not from a backing node).</summary>
    Allocated = 1,
    /// <summary>The range reads as zeros.</summary>
    Zero = 2,
    /// <summary>The range is backed by data (possibly zeros) in the file.</summary>
    Data = 4,
    /// <summary><see cref="BlockExtent.HostOffset"/> is meaningful.</summary>
    OffsetValid = 8,
    /// <summary>The data is stored compressed.</summary>
    Compressed = 16,
}

/// <summary>A run of bytes that share one status, starting at the queried offset.</summary>
public readonly record struct BlockExtent(long Length, BlockStatus Status, long HostOffset = -1);

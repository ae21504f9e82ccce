namespace QemuSharp.Block;

/// <summary>
/// One node of the block graph: a protocol (a file) or a format (raw, qcow2) over a child node.
/// The synchronous methods are the primitive; the asynchronous ones let callers overlap I/O.
/// A node serialises its own metadata updates, so concurrent callers are safe.
/// </summary>
public abstract class BlockDriver : IDisposable
{
    /// <summary>QEMU's driver name: "file", "raw", "qcow2".</summary>
    public abstract string FormatName { get; }

    /// <summary>The virtual size in bytes.</summary>
    public abstract long Length { get; }

    /// <summary>The name the node was opened with.</summary>
    public string FileName { get; protected init; } = "";

    public bool ReadOnly { get; protected init; }

    /// <summary>The node this one stores its bytes in, if any (the file under a format).</summary>
    public virtual BlockDriver? File => null;

    /// <summary>The node that supplies unallocated ranges, if any.</summary>
    public virtual BlockDriver? Backing => null;

    public abstract void Read(long offset, Span<byte> buffer);

    public abstract void Write(long offset, ReadOnlySpan<byte> data);

    /// <summary>Makes every completed write durable.</summary>
    public abstract void Flush();

    /// <summary>Makes the range read as zeros; <paramref name="mayUnmap"/> allows freeing space.</summary>
    public virtual void WriteZeroes(long offset, long length, bool mayUnmap)
    {
        var zeros = new byte[(int)Math.Min(length, 1 << 20)];
        while (length > 0)
        {
            int n = (int)Math.Min(length, zeros.Length);
            Write(offset, zeros.AsSpan(0, n));
            offset += n;
            length -= n;
        }
    }

    /// <summary>Tells the node the range is no longer needed; its contents become unspecified.</summary>
    public virtual void Discard(long offset, long length)
    {
    }

    /// <summary>The status of the bytes from <paramref name="offset"/>, for at most <paramref name="length"/> bytes.</summary>
    public abstract BlockExtent GetStatus(long offset, long length);

    /// <summary>Changes the virtual size.</summary>
    public virtual void Truncate(long length, PreallocMode prealloc)
        => throw new BlockException("Image format driver does not support resize");

    /// <summary>Bytes the node occupies on the host (st_blocks × 512), or -1.</summary>
    public virtual long AllocatedSize => File?.AllocatedSize ?? -1;

    public ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancel = default)
        => Run(() => Read(offset, buffer.Span), cancel);

    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancel = default)
        => Run(() => Write(offset, data.Span), cancel);

    public ValueTask FlushAsync(CancellationToken cancel = default) => Run(Flush, cancel);

    public ValueTask WriteZeroesAsync(long offset, long length, bool mayUnmap, CancellationToken cancel = default)
        => Run(() => WriteZeroes(offset, length, mayUnmap), cancel);

    public ValueTask DiscardAsync(long offset, long length, CancellationToken cancel = default)
        => Run(() => Discard(offset, length), cancel);

    private static ValueTask Run(Action op, CancellationToken cancel)
    {
        if (cancel.IsCancellationRequested)
            return ValueTask.FromCanceled(cancel);
        return new ValueTask(Task.Run(op, cancel));
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>QEMU's preallocation modes.</summary>
public enum PreallocMode
{
    Off,
    Metadata,
    Falloc,
    Full,
}

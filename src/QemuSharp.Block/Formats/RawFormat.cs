namespace QemuSharp.Block.Formats;

/// <summary>The "raw" format: the guest's bytes are the file's bytes.</summary>
public sealed class RawFormat : BlockDriver
{
    private readonly BlockDriver _file;

    public RawFormat(BlockDriver file)
    {
        _file = file;
        FileName = file.FileName;
        ReadOnly = file.ReadOnly;
    }

    public override string FormatName => "raw";

    /// <summary>QEMU counts whole 512-byte sectors; the partial last one reads as zeros past EOF.</summary>
    public override long Length => (_file.Length + 511) & ~511L;

    public override BlockDriver File => _file;

    public override void Read(long offset, Span<byte> buffer)
    {
        CheckRange(offset, buffer.Length);
        _file.Read(offset, buffer);
    }

    public override void Write(long offset, ReadOnlySpan<byte> data)
    {
        CheckRange(offset, data.Length);
        _file.Write(offset, data);
    }

    public override void Flush() => _file.Flush();

    public override void WriteZeroes(long offset, long length, bool mayUnmap)
    {
        CheckRange(offset, length);
        _file.WriteZeroes(offset, length, mayUnmap);
    }

    public override void Discard(long offset, long length) => _file.Discard(offset, length);

    public override BlockExtent GetStatus(long offset, long length) => _file.GetStatus(offset, length);

    public override void Truncate(long length, PreallocMode prealloc) => _file.Truncate(length, prealloc);

    private void CheckRange(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset + length > Length)
            throw new BlockException("Input/output error");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _file.Dispose();
    }
}

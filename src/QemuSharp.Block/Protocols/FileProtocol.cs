using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using QemuSharp.Block.Posix;

namespace QemuSharp.Block.Protocols;

/// <summary>The "file" protocol: a host file read and written with pread/pwrite.</summary>
public sealed class FileProtocol : BlockDriver
{
    private readonly SafeFileHandle _handle;
    private readonly int _fd;
    private readonly bool _ignoreFlush;

    private FileProtocol(SafeFileHandle handle, string fileName, bool readOnly, bool ignoreFlush = false)
    {
        _ignoreFlush = ignoreFlush;
        _handle = handle;
        _fd = (int)handle.DangerousGetHandle();
        FileName = fileName;
        ReadOnly = readOnly;
    }

    /// <summary>
    /// Opens a host file and takes QEMU-compatible locks unless <paramref name="noLock"/>.
    /// <paramref name="ignoreFlush"/> is QEMU's cache=unsafe: flushes are not passed to the host.
    /// </summary>
    public static FileProtocol Open(string fileName, bool readOnly, bool shareAll = false, bool noLock = false,
        bool ignoreFlush = false)
    {
        SafeFileHandle handle;
        try
        {
            handle = System.IO.File.OpenHandle(fileName, FileMode.Open,
                readOnly ? FileAccess.Read : FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BlockException($"Could not open '{fileName}': {Errors.Describe(e)}");
        }
        try
        {
            if (!noLock)
                ImageLock.Acquire(handle, fileName, !readOnly, shareAll);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        return new FileProtocol(handle, fileName, readOnly, ignoreFlush);
    }

    /// <summary>Creates (or truncates) a host file of the given size.</summary>
    public static void Create(string fileName, long size, PreallocMode prealloc)
    {
        try
        {
            using var handle = System.IO.File.OpenHandle(fileName, FileMode.OpenOrCreate, FileAccess.ReadWrite,
                FileShare.ReadWrite | FileShare.Delete);
            ImageLock.Acquire(handle, fileName, true, false);
            try
            {
                RandomAccess.SetLength(handle, 0);
                new FileProtocol(handle, fileName, false).Truncate(size, prealloc);
            }
            finally
            {
                ImageLock.Release(handle);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BlockException($"Could not create '{fileName}': {Errors.Describe(e)}");
        }
    }

    public override string FormatName => "file";

    public override long Length => RandomAccess.GetLength(_handle);

    public override long AllocatedSize => Native.AllocatedBytes(_fd);

    public override void Read(long offset, Span<byte> buffer)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = RandomAccess.Read(_handle, buffer[done..], offset + done);
            if (n == 0)
            {
                buffer[done..].Clear();
                return;
            }
            done += n;
        }
    }

    public override void Write(long offset, ReadOnlySpan<byte> data)
    {
        if (ReadOnly)
            throw new BlockException("Permission denied");
        RandomAccess.Write(_handle, data, offset);
    }

    public override void Flush()
    {
        if (!ReadOnly && !_ignoreFlush && Native.FDataSync(_fd) != 0)
            throw new BlockException("Failed to flush: " + Errors.Describe(Marshal.GetLastPInvokeError()));
    }

    public override void WriteZeroes(long offset, long length, bool mayUnmap)
    {
        long end = offset + length;
        long size = Length;
        if (offset < size && Native.FAllocate(_fd, Native.FallocPunchHole | Native.FallocKeepSize,
                offset, Math.Min(end, size) - offset) == 0)
        {
            if (!mayUnmap)
                Native.FAllocate(_fd, 0, offset, Math.Min(end, size) - offset);
            if (end > size)
                RandomAccess.SetLength(_handle, end);
            return;
        }
        if (offset >= size)
        {
            RandomAccess.SetLength(_handle, end);
            return;
        }
        base.WriteZeroes(offset, length, mayUnmap);
    }

    public override void Discard(long offset, long length)
    {
        long size = Length;
        if (offset < size)
            Native.FAllocate(_fd, Native.FallocPunchHole | Native.FallocKeepSize, offset, Math.Min(length, size - offset));
    }

    public override BlockExtent GetStatus(long offset, long length)
    {
        long size = Length;
        const BlockStatus common = BlockStatus.Allocated | BlockStatus.OffsetValid;
        if (offset >= size)
            return new BlockExtent(length, common | BlockStatus.Zero, offset);
        length = Math.Min(length, size - offset);
        long data = Native.LSeek(_fd, offset, Native.SeekData);
        if (data < 0)
        {
            if (Marshal.GetLastPInvokeError() == Native.Enxio)
                return new BlockExtent(length, common | BlockStatus.Zero, offset);
            return new BlockExtent(length, common | BlockStatus.Data, offset);
        }
        if (data > offset)
            return new BlockExtent(Math.Min(length, data - offset), common | BlockStatus.Zero, offset);
        long hole = Native.LSeek(_fd, offset, Native.SeekHole);
        if (hole <= offset)
            hole = size;
        return new BlockExtent(Math.Min(length, hole - offset), common | BlockStatus.Data, offset);
    }

    public override void Truncate(long length, PreallocMode prealloc)
    {
        long old = Length;
        RandomAccess.SetLength(_handle, length);
        if (length <= old || prealloc == PreallocMode.Off || prealloc == PreallocMode.Metadata)
            return;
        if (prealloc == PreallocMode.Falloc)
        {
            if (Native.FAllocate(_fd, 0, old, length - old) != 0)
                throw new BlockException("Could not preallocate new data: " + Errors.Describe(Marshal.GetLastPInvokeError()));
            return;
        }
        var zeros = new byte[1 << 20];
        for (long at = old; at < length; at += zeros.Length)
            RandomAccess.Write(_handle, zeros.AsSpan(0, (int)Math.Min(zeros.Length, length - at)), at);
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing)
            return;
        ImageLock.Release(_handle);
        _handle.Dispose();
    }
}

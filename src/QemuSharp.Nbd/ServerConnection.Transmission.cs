using System.Buffers;
using System.Buffers.Binary;
using QemuSharp.Block;

namespace QemuSharp.Nbd;

/// <summary>The transmission phase: requests are read in order and served concurrently.</summary>
internal sealed partial class ServerConnection
{
    /// <summary>QEMU's NBD_MAX_REQUESTS: requests one client may have in flight.</summary>
    private const int MaxInFlight = 16;
    /// <summary>Room before read data for the reply or chunk header, so a reply is one write.</summary>
    private const int HeaderRoom = 32;
    /// <summary>QEMU's NBD_MAX_BLOCK_STATUS_EXTENTS.</summary>
    private const int MaxExtents = (1 << 20) / 8;

    private readonly SemaphoreSlim _slots = new(MaxInFlight, MaxInFlight);
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    private readonly record struct Request(NbdCommandFlags Flags, NbdCommand Type, ulong Cookie, long Offset, int Length);

    private async Task TransmitAsync(CancellationToken cancel)
    {
        var header = new byte[28];
        try
        {
            while (true)
            {
                await _in.ReadExactlyAsync(header, cancel);
                uint magic = BinaryPrimitives.ReadUInt32BigEndian(header);
                if (magic != Nbd.RequestMagic)
                    throw new ProtocolException($"invalid magic (got 0x{magic:x})");
                var request = new Request(
                    (NbdCommandFlags)BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(4)),
                    (NbdCommand)BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(6)),
                    BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8)),
                    (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(16)), long.MaxValue),
                    (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(24)), int.MaxValue));
                if (request.Type == NbdCommand.Disc)
                    return;
                await _slots.WaitAsync(cancel);
                await AcceptAsync(request, cancel);
            }
        }
        finally
        {
            for (int i = 0; i < MaxInFlight; i++)
                await _slots.WaitAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Reads the payload, checks the request as QEMU does and starts it. The caller's slot passes
    /// to the started request, or is given back here whatever happens.
    /// </summary>
    private async Task AcceptAsync(Request request, CancellationToken cancel)
    {
        byte[]? payload = null;
        bool started = false;
        try
        {
            bool hasData = request.Type is NbdCommand.Read or NbdCommand.Write or NbdCommand.Cache;
            if (hasData && request.Length > Nbd.MaxBufferSize)
            {
                await SendErrorAsync(request, NbdErrno.Einval, $"len ({request.Length} ) is larger than max len ({Nbd.MaxBufferSize})");
                if (request.Type == NbdCommand.Write)
                    throw new ProtocolException("Request handling failed in intermediate state");
                return;
            }
            if (request.Type == NbdCommand.Write)
            {
                payload = ArrayPool<byte>.Shared.Rent(request.Length);
                await _in.ReadExactlyAsync(payload.AsMemory(0, request.Length), cancel);
            }
            string? error = Check(request, _export!);
            if (error != null)
            {
                await SendErrorAsync(request, NbdErrno.Einval, error);
                return;
            }
            var accepted = payload;
            _ = Task.Run(() => ServeAsync(request, accepted));
            started = true;
        }
        finally
        {
            if (!started)
            {
                if (payload != null)
                    ArrayPool<byte>.Shared.Return(payload);
                _slots.Release();
            }
        }
    }

    private string? Check(Request request, NbdExport export)
    {
        if (export.ReadOnly && request.Type is NbdCommand.Write or NbdCommand.WriteZeroes or NbdCommand.Trim)
            return "Export is read-only";
        long size = export.Size;
        if (request.Offset > size || request.Length > size - request.Offset)
            return $"operation past EOF; From: {request.Offset}, Len: {request.Length}, Size: {size}";
        var valid = NbdCommandFlags.Fua;
        if (request.Type == NbdCommand.Read && _structured)
            valid |= NbdCommandFlags.DontFragment;
        else if (request.Type == NbdCommand.WriteZeroes)
            valid |= NbdCommandFlags.NoHole | NbdCommandFlags.FastZero;
        else if (request.Type == NbdCommand.BlockStatus)
            valid |= NbdCommandFlags.ReqOne;
        if ((request.Flags & ~valid) != 0)
            return $"unsupported flags for command {CommandName(request.Type)} (got 0x{(int)request.Flags:x})";
        return null;
    }

    private async Task ServeAsync(Request request, byte[]? payload)
    {
        try
        {
            await ServeCommandAsync(request, payload);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            _socket.Dispose();
        }
        finally
        {
            if (payload != null)
                ArrayPool<byte>.Shared.Return(payload);
            _slots.Release();
        }
    }

    private async Task ServeCommandAsync(Request request, byte[]? payload)
    {
        var export = _export!;
        var image = export.Image;
        string failure = "";
        try
        {
            switch (request.Type)
            {
                case NbdCommand.Read:
                    failure = "reading from file failed";
                    await ReadAsync(request, image);
                    return;
                case NbdCommand.Write:
                    failure = "writing to file failed";
                    Write(request, export, payload!);
                    break;
                case NbdCommand.WriteZeroes:
                    failure = "writing to file failed";
                    image.WriteZeroes(request.Offset, request.Length, (request.Flags & NbdCommandFlags.NoHole) == 0);
                    FlushIf(request, export);
                    break;
                case NbdCommand.Flush:
                    failure = "flush failed";
                    image.Flush();
                    break;
                case NbdCommand.Trim:
                    failure = "discard failed";
                    if (export.Discard == DiscardMode.Unmap)
                        image.Discard(request.Offset, request.Length);
                    FlushIf(request, export);
                    break;
                case NbdCommand.Cache:
                    break;
                case NbdCommand.BlockStatus:
                    failure = "";
                    await BlockStatusAsync(request, image);
                    return;
                default:
                    await SendErrorAsync(request, NbdErrno.Einval, $"invalid request type ({(int)request.Type}) received");
                    return;
            }
        }
        catch (Exception e) when (e is not (OutOfMemoryException or ObjectDisposedException or OperationCanceledException))
        {
            await SendErrorAsync(request, NbdErrno.Eio, failure);
            return;
        }
        await SendSimpleAsync(request, 0);
    }

    private static void Write(Request request, NbdExport export, byte[] payload)
    {
        var data = payload.AsSpan(0, request.Length);
        if (export.DetectZeroes != DetectZeroesMode.Off && !data.ContainsAnyExcept((byte)0))
            export.Image.WriteZeroes(request.Offset, request.Length,
                export.DetectZeroes == DetectZeroesMode.Unmap && export.Discard == DiscardMode.Unmap);
        else
            export.Image.Write(request.Offset, data);
        FlushIf(request, export);
    }

    private static void FlushIf(Request request, NbdExport export)
    {
        if ((request.Flags & NbdCommandFlags.Fua) != 0 || export.WriteThrough)
            export.Image.Flush();
    }

    private async Task ReadAsync(Request request, BlockDriver image)
    {
        if ((request.Flags & NbdCommandFlags.Fua) != 0)
            image.Flush();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(HeaderRoom + request.Length);
        try
        {
            if (_structured && (request.Flags & NbdCommandFlags.DontFragment) == 0 && request.Length > 0)
            {
                await SparseReadAsync(request, image, buffer);
                return;
            }
            image.Read(request.Offset, buffer.AsSpan(HeaderRoom, request.Length));
            if (!_structured)
            {
                WriteSimpleHeader(buffer.AsSpan(HeaderRoom - 16), request.Cookie, 0);
                await SendAsync(buffer.AsMemory(HeaderRoom - 16, 16 + request.Length));
            }
            else if (request.Length == 0)
            {
                WriteChunkHeader(buffer, NbdChunk.None, request.Cookie, 0, done: true);
                await SendAsync(buffer.AsMemory(0, 20));
            }
            else
            {
                await SendDataChunkAsync(request, buffer, 0, request.Length, done: true);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Ranges that read as zeros go out as hole chunks, the rest as data chunks.</summary>
    private async Task SparseReadAsync(Request request, BlockDriver image, byte[] buffer)
    {
        int done = 0;
        while (done < request.Length)
        {
            var extent = ChainStatus.Get(image, request.Offset + done, request.Length - done);
            int n = (int)Math.Min(extent.Length, request.Length - done);
            bool final = done + n == request.Length;
            if ((extent.Status & BlockStatus.Zero) != 0)
            {
                int at = HeaderRoom + done - 32;
                var chunk = buffer.AsSpan(at, 32);
                WriteChunkHeader(chunk, NbdChunk.OffsetHole, request.Cookie, 12, final);
                BinaryPrimitives.WriteUInt64BigEndian(chunk[20..], (ulong)(request.Offset + done));
                BinaryPrimitives.WriteUInt32BigEndian(chunk[28..], (uint)n);
                await SendAsync(buffer.AsMemory(at, 32));
            }
            else
            {
                image.Read(request.Offset + done, buffer.AsSpan(HeaderRoom + done, n));
                await SendDataChunkAsync(request, buffer, done, n, final);
            }
            done += n;
        }
    }

    private async Task BlockStatusAsync(Request request, BlockDriver image)
    {
        if (request.Length == 0)
        {
            await SendErrorAsync(request, NbdErrno.Einval, "need non-zero length");
            return;
        }
        if (!_metaBase && !_metaDepth)
        {
            await SendErrorAsync(request, NbdErrno.Einval, "CMD_BLOCK_STATUS not negotiated");
            return;
        }
        int limit = (request.Flags & NbdCommandFlags.ReqOne) != 0 ? 1 : MaxExtents;
        if (_metaBase)
            await SendExtentsAsync(request, MetaIdBaseAllocation, Extents(image, request, limit, AllocationFlags), !_metaDepth);
        if (_metaDepth)
            await SendExtentsAsync(request, MetaIdAllocationDepth, Extents(image, request, limit, DepthFlags), true);
    }

    private static uint AllocationFlags(ChainExtent e)
        => ((e.Status & BlockStatus.Data) != 0 ? 0 : (uint)NbdState.Hole) | ((e.Status & BlockStatus.Zero) != 0 ? (uint)NbdState.Zero : 0);

    private static uint DepthFlags(ChainExtent e)
        => (e.Status & BlockStatus.Allocated) != 0 ? (uint)e.Depth + 1 : 0;

    private static List<(uint Length, uint Flags)> Extents(BlockDriver image, Request request, int limit, Func<ChainExtent, uint> flags)
    {
        var extents = new List<(uint Length, uint Flags)>();
        long offset = request.Offset;
        long end = request.Offset + request.Length;
        while (offset < end)
        {
            var e = ChainStatus.Get(image, offset, end - offset);
            uint f = flags(e);
            uint n = (uint)Math.Min(e.Length, end - offset);
            if (extents.Count > 0 && extents[^1].Flags == f)
                extents[^1] = (extents[^1].Length + n, f);
            else if (extents.Count == limit)
                break;
            else
                extents.Add((n, f));
            offset += n;
        }
        return extents;
    }

    private static string CommandName(NbdCommand command) => command switch
    {
        NbdCommand.Read => "read",
        NbdCommand.Write => "write",
        NbdCommand.Disc => "discard",
        NbdCommand.Flush => "flush",
        NbdCommand.Trim => "trim",
        NbdCommand.Cache => "cache",
        NbdCommand.WriteZeroes => "write zeroes",
        NbdCommand.BlockStatus => "block status",
        _ => "<unknown>",
    };
}

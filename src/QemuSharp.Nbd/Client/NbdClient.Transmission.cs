using System.Buffers.Binary;
using QemuSharp.Block;

namespace QemuSharp.Nbd.Client;

/// <summary>Commands of the transmission phase, one at a time under a lock.</summary>
public sealed partial class NbdClient
{
    /// <summary>The largest READ or WRITE sent at once (QEMU's own server limit).</summary>
    private const int MaxRequest = Nbd.MaxBufferSize;
    /// <summary>The largest WRITE_ZEROES or TRIM sent at once.</summary>
    private const long MaxZeroRequest = 1L << 30;

    public void Read(long offset, Span<byte> buffer)
    {
        lock (_lock)
        {
            while (buffer.Length > 0)
            {
                int n = Math.Min(buffer.Length, MaxRequest);
                SendRequest(NbdCommand.Read, NbdCommandFlags.None, offset, (uint)n);
                ReceiveReply(buffer[..n], offset, out _);
                offset += n;
                buffer = buffer[n..];
            }
        }
    }

    public void Write(long offset, ReadOnlySpan<byte> data, bool fua)
    {
        lock (_lock)
        {
            while (data.Length > 0)
            {
                int n = Math.Min(data.Length, MaxRequest);
                SendRequest(NbdCommand.Write, fua ? NbdCommandFlags.Fua : NbdCommandFlags.None, offset, (uint)n);
                _stream.Write(data[..n]);
                ReceiveReply([], offset, out _);
                offset += n;
                data = data[n..];
            }
        }
    }

    public void Flush()
    {
        if ((Flags & NbdTransmissionFlags.SendFlush) == 0)
            return;
        lock (_lock)
        {
            SendRequest(NbdCommand.Flush, NbdCommandFlags.None, 0, 0);
            ReceiveReply([], 0, out _);
        }
    }

    /// <summary>Zeroes a range; false when the server has no WRITE_ZEROES.</summary>
    public bool WriteZeroes(long offset, long length, bool noHole)
    {
        if ((Flags & NbdTransmissionFlags.SendWriteZeroes) == 0)
            return false;
        Ranged(NbdCommand.WriteZeroes, noHole ? NbdCommandFlags.NoHole : NbdCommandFlags.None, offset, length);
        return true;
    }

    public void Trim(long offset, long length)
    {
        if ((Flags & NbdTransmissionFlags.SendTrim) != 0)
            Ranged(NbdCommand.Trim, NbdCommandFlags.None, offset, length);
    }

    /// <summary>The <c>base:allocation</c> flags of the first extent at <paramref name="offset"/>.</summary>
    public (long Length, NbdState Flags) BlockStatus(long offset, long length)
    {
        lock (_lock)
        {
            SendRequest(NbdCommand.BlockStatus, NbdCommandFlags.ReqOne, offset, (uint)Math.Min(length, uint.MaxValue & ~511L));
            ReceiveReply([], offset, out var extent);
            return extent ?? throw new BlockException("Protocol error: no block status received");
        }
    }

    private void Ranged(NbdCommand command, NbdCommandFlags flags, long offset, long length)
    {
        lock (_lock)
        {
            while (length > 0)
            {
                long n = Math.Min(length, MaxZeroRequest);
                SendRequest(command, flags, offset, (uint)n);
                ReceiveReply([], offset, out _);
                offset += n;
                length -= n;
            }
        }
    }

    private void SendRequest(NbdCommand command, NbdCommandFlags flags, long offset, uint length)
    {
        Span<byte> request = stackalloc byte[28];
        BinaryPrimitives.WriteUInt32BigEndian(request, Nbd.RequestMagic);
        BinaryPrimitives.WriteUInt16BigEndian(request[4..], (ushort)flags);
        BinaryPrimitives.WriteUInt16BigEndian(request[6..], (ushort)command);
        BinaryPrimitives.WriteUInt64BigEndian(request[8..], ++_cookie);
        BinaryPrimitives.WriteUInt64BigEndian(request[16..], (ulong)offset);
        BinaryPrimitives.WriteUInt32BigEndian(request[24..], length);
        _stream.Write(request);
    }

    /// <summary>Reads the reply to the last request: read data into <paramref name="data"/>, or an extent.</summary>
    private void ReceiveReply(Span<byte> data, long offset, out (long, NbdState)? extent)
    {
        extent = null;
        uint? error = null;
        while (true)
        {
            ReadExactly(4);
            uint magic = BinaryPrimitives.ReadUInt32BigEndian(_header);
            if (magic == Nbd.SimpleReplyMagic)
            {
                ReadExactly(12);
                CheckCookie(4);
                uint errno = BinaryPrimitives.ReadUInt32BigEndian(_header);
                if (errno != 0)
                    throw Failure(errno);
                _in.ReadExactly(data);
                return;
            }
            if (magic != Nbd.StructuredReplyMagic)
                throw Broken($"invalid magic 0x{magic:x}");
            ReadExactly(16);
            CheckCookie(4);
            bool done = (BinaryPrimitives.ReadUInt16BigEndian(_header) & 1) != 0;
            var type = (NbdChunk)BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2));
            uint length = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(12));
            switch (type)
            {
                case NbdChunk.None:
                    break;
                case NbdChunk.OffsetData:
                    ReadExactly(8);
                    long at = (long)BinaryPrimitives.ReadUInt64BigEndian(_header) - offset;
                    if (length < 8 || at < 0 || at + (length - 8) > data.Length)
                        throw Broken("data chunk outside the request");
                    _in.ReadExactly(data.Slice((int)at, (int)(length - 8)));
                    break;
                case NbdChunk.OffsetHole:
                    ReadExactly(12);
                    long hole = (long)BinaryPrimitives.ReadUInt64BigEndian(_header) - offset;
                    uint holeLength = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(8));
                    if (length != 12 || hole < 0 || hole + holeLength > data.Length)
                        throw Broken("hole chunk outside the request");
                    data.Slice((int)hole, (int)holeLength).Clear();
                    break;
                case NbdChunk.BlockStatus:
                    var payload = ReadPayload(length);
                    if (payload.Length >= 12 && BinaryPrimitives.ReadUInt32BigEndian(payload) == AllocationContextId)
                        extent = (BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4)),
                            (NbdState)BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(8)));
                    break;
                default:
                    var body = ReadPayload(length);
                    if (((ushort)type & 0x8000) == 0)
                        throw Broken($"unexpected chunk type {(ushort)type}");
                    error ??= body.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(body) : NbdErrno.Eio;
                    break;
            }
            if (done)
            {
                if (error is uint e)
                    throw Failure(e == 0 ? NbdErrno.Eio : e);
                return;
            }
        }
    }

    private byte[] ReadPayload(uint length)
    {
        if (length > Nbd.MaxBufferSize)
            throw Broken("chunk too long");
        var payload = new byte[length];
        _in.ReadExactly(payload);
        return payload;
    }

    private void CheckCookie(int at)
    {
        if (BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(at)) != _cookie)
            throw Broken("unexpected cookie");
    }

    private static BlockException Broken(string detail) => new($"Protocol error: {detail}");

    private static BlockException Failure(uint errno) => new(errno switch
    {
        NbdErrno.Eperm => "Operation not permitted",
        NbdErrno.Eio => "Input/output error",
        NbdErrno.Enomem => "Cannot allocate memory",
        NbdErrno.Einval => "Invalid argument",
        NbdErrno.Enospc => "No space left on device",
        NbdErrno.Eoverflow => "Value too large for defined data type",
        NbdErrno.Enotsup => "Operation not supported",
        NbdErrno.Eshutdown => "Cannot send after transport endpoint shutdown",
        _ => "Input/output error",
    });
}

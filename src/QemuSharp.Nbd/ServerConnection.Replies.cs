using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace QemuSharp.Nbd;

/// <summary>Replies of the transmission phase; each reply or chunk goes out in one write under a lock.</summary>
internal sealed partial class ServerConnection
{
    /// <summary>QEMU's generic error reply: an error chunk with text, or a simple reply with the errno.</summary>
    private async Task SendErrorAsync(Request request, uint errno, string message)
    {
        if (!_structured)
        {
            await SendSimpleAsync(request, errno);
            return;
        }
        byte[] text = Encoding.UTF8.GetBytes(message);
        var chunk = new byte[26 + text.Length];
        WriteChunkHeader(chunk, NbdChunk.Error, request.Cookie, 6 + text.Length, done: true);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(20), errno);
        BinaryPrimitives.WriteUInt16BigEndian(chunk.AsSpan(24), (ushort)text.Length);
        text.CopyTo(chunk, 26);
        await SendAsync(chunk);
    }

    private async Task SendSimpleAsync(Request request, uint errno)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
        try
        {
            WriteSimpleHeader(buffer, request.Cookie, errno);
            await SendAsync(buffer.AsMemory(0, 16));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task SendAsync(ReadOnlyMemory<byte> data)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _io.WriteAsync(data);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static void WriteSimpleHeader(Span<byte> header, ulong cookie, uint errno)
    {
        BinaryPrimitives.WriteUInt32BigEndian(header, Nbd.SimpleReplyMagic);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], errno);
        BinaryPrimitives.WriteUInt64BigEndian(header[8..], cookie);
    }

    private static void WriteChunkHeader(Span<byte> header, NbdChunk type, ulong cookie, int length, bool done)
    {
        BinaryPrimitives.WriteUInt32BigEndian(header, Nbd.StructuredReplyMagic);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], (ushort)(done ? 1 : 0));
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], (ushort)type);
        BinaryPrimitives.WriteUInt64BigEndian(header[8..], cookie);
        BinaryPrimitives.WriteUInt32BigEndian(header[16..], (uint)length);
    }

    /// <summary>Sends the data at HeaderRoom + start, writing its 28-byte header just before it.</summary>
    private Task SendDataChunkAsync(Request request, byte[] buffer, int start, int length, bool done)
    {
        int at = HeaderRoom + start - 28;
        WriteChunkHeader(buffer.AsSpan(at), NbdChunk.OffsetData, request.Cookie, 8 + length, done);
        BinaryPrimitives.WriteUInt64BigEndian(buffer.AsSpan(at + 20), (ulong)(request.Offset + start));
        return SendAsync(buffer.AsMemory(at, 28 + length));
    }

    private async Task SendExtentsAsync(Request request, int contextId, List<(uint Length, uint Flags)> extents, bool done)
    {
        int length = 4 + 8 * extents.Count;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(20 + length);
        try
        {
            WriteChunkHeader(buffer, NbdChunk.BlockStatus, request.Cookie, length, done);
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(20), (uint)contextId);
            for (int i = 0; i < extents.Count; i++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(24 + 8 * i), extents[i].Length);
                BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(28 + 8 * i), extents[i].Flags);
            }
            await SendAsync(buffer.AsMemory(0, 20 + length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace QemuSharp.Nbd.Tests;

/// <summary>A hand-driven NBD client for sending what well-behaved clients never send.</summary>
internal sealed class RawClient : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly NetworkStream _stream;

    public RawClient(string socketPath, uint clientFlags = 3)
    {
        _socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        _socket.ReceiveTimeout = 10_000;
        _stream = new NetworkStream(_socket);
        var hello = Read(18);
        Assert.Equal(Nbd.InitMagic, BinaryPrimitives.ReadUInt64BigEndian(hello));
        Send(U32(clientFlags));
    }

    public void Send(byte[] data) => _stream.Write(data);

    public byte[] Read(int n)
    {
        var data = new byte[n];
        _stream.ReadExactly(data);
        return data;
    }

    /// <summary>True when the server has closed the connection.</summary>
    public bool Closed()
    {
        try
        {
            var one = new byte[1];
            return _stream.Read(one) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public void SendOption(uint option, byte[] data, uint? declaredLength = null)
    {
        var header = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(header, Nbd.OptionMagic);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), option);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(12), declaredLength ?? (uint)data.Length);
        Send([.. header, .. data]);
    }

    public (uint Type, string Text) ReadOptionReply()
    {
        var header = Read(20);
        Assert.Equal(Nbd.OptionReplyMagic, BinaryPrimitives.ReadUInt64BigEndian(header));
        uint length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(16));
        return (BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(12)), Encoding.UTF8.GetString(Read((int)length)));
    }

    /// <summary>Negotiates structured replies when asked, then GO on the default export.</summary>
    public void Go(bool structured)
    {
        if (structured)
        {
            SendOption((uint)NbdOption.StructuredReply, []);
            Assert.Equal((uint)NbdReply.Ack, ReadOptionReply().Type);
        }
        SendOption((uint)NbdOption.Go, [.. U32(0), 0, 0]);
        while (ReadOptionReply().Type != (uint)NbdReply.Ack)
        {
        }
    }

    public void SendRequest(NbdCommand command, long offset, uint length, ushort flags = 0, uint magic = Nbd.RequestMagic)
    {
        var r = new byte[28];
        BinaryPrimitives.WriteUInt32BigEndian(r, magic);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(4), flags);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(6), (ushort)command);
        BinaryPrimitives.WriteUInt64BigEndian(r.AsSpan(8), 0x1234);
        BinaryPrimitives.WriteUInt64BigEndian(r.AsSpan(16), (ulong)offset);
        BinaryPrimitives.WriteUInt32BigEndian(r.AsSpan(24), length);
        Send(r);
    }

    /// <summary>The error of a simple reply (its data, if any, is left unread).</summary>
    public uint ReadSimpleError()
    {
        var reply = Read(16);
        Assert.Equal(Nbd.SimpleReplyMagic, BinaryPrimitives.ReadUInt32BigEndian(reply));
        return BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(4));
    }

    /// <summary>An error chunk's errno and text.</summary>
    public (uint Errno, string Message) ReadErrorChunk()
    {
        var header = Read(20);
        Assert.Equal(Nbd.StructuredReplyMagic, BinaryPrimitives.ReadUInt32BigEndian(header));
        Assert.Equal((ushort)NbdChunk.Error, BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(6)));
        var body = Read((int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(16)));
        return (BinaryPrimitives.ReadUInt32BigEndian(body), Encoding.UTF8.GetString(body, 6, body.Length - 6));
    }

    /// <summary>An INFO or GO payload: the export name and the info items asked for.</summary>
    public static byte[] NameAndInfos(string name, params ushort[] infos)
    {
        byte[] text = Encoding.UTF8.GetBytes(name);
        var data = new byte[4 + text.Length + 2 + 2 * infos.Length];
        BinaryPrimitives.WriteUInt32BigEndian(data, (uint)text.Length);
        text.CopyTo(data, 4);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(4 + text.Length), (ushort)infos.Length);
        for (int i = 0; i < infos.Length; i++)
            BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(6 + text.Length + 2 * i), infos[i]);
        return data;
    }

    public static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        return b;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
    }
}

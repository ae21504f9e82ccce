using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace QemuSharp.Nbd.Client;

/// <summary>
/// A client connection to one export, one request at a time: fixed newstyle with GO (falling back
/// to EXPORT_NAME), oldstyle servers, structured replies and the <c>base:allocation</c> context.
/// </summary>
public sealed partial class NbdClient : IDisposable
{
    private const ulong OldstyleMagic = 0x00420281861253;
    private const string AllocationContext = "base:allocation";

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly BufferedStream _in;
    private readonly byte[] _header = new byte[32];
    private readonly Lock _lock = new();
    private ulong _cookie;
    private bool _noZeroes;
    private bool _transmitting;
    private bool _fixedNewstyle;

    private NbdClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _in = new BufferedStream(_stream, 64 << 10);
    }

    public long Size { get; private set; }

    public NbdTransmissionFlags Flags { get; private set; }

    public bool Structured { get; private set; }

    /// <summary>The id of <c>base:allocation</c> when the server agreed to it.</summary>
    public uint? AllocationContextId { get; private set; }

    public static NbdClient Connect(NbdAddress address)
    {
        var client = Open(address);
        try
        {
            client.Handshake(address.ExportName);
            client._transmitting = true;
            return client;
        }
        catch (Exception e) when (e is IOException or EndOfStreamException)
        {
            client.Dispose();
            throw new NbdException($"Failed to read initial magic: {e.Message}");
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static NbdClient Open(NbdAddress address)
    {
        var endPoint = address.EndPoint();
        var socket = address.SocketPath != null
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(endPoint);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            string where = address.SocketPath ?? $"{address.Host}:{address.Port}";
            string reason = address.SocketPath != null && !File.Exists(address.SocketPath)
                ? "No such file or directory"
                : System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(e.NativeErrorCode);
            throw new NbdException($"Failed to connect to '{where}': {reason}");
        }
        return new NbdClient(socket);
    }

    /// <summary>Reads the server's greeting and answers it; false for an oldstyle server (already read).</summary>
    private bool Greet()
    {
        ReadExactly(16);
        ulong magic = BinaryPrimitives.ReadUInt64BigEndian(_header);
        ulong second = BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(8));
        if (magic != Nbd.InitMagic)
            throw new NbdException("Bad initial magic received");
        if (second == OldstyleMagic)
        {
            ReadExactly(12);
            Size = (long)BinaryPrimitives.ReadUInt64BigEndian(_header);
            Flags = (NbdTransmissionFlags)BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(10));
            Skip(124);
            return false;
        }
        if (second != Nbd.OptionMagic)
            throw new NbdException("Bad server magic received");
        ReadExactly(2);
        ushort serverFlags = BinaryPrimitives.ReadUInt16BigEndian(_header);
        bool fixedNewstyle = (serverFlags & Nbd.FlagFixedNewstyle) != 0;
        _noZeroes = (serverFlags & Nbd.FlagNoZeroes) != 0;
        var clientFlags = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(clientFlags, (uint)(serverFlags & (Nbd.FlagFixedNewstyle | Nbd.FlagNoZeroes)));
        _stream.Write(clientFlags);
        _fixedNewstyle = fixedNewstyle;
        return true;
    }

    private void Handshake(string export)
    {
        if (!Greet())
            return;
        if (_fixedNewstyle)
        {
            Structured = SimpleOption(NbdOption.StructuredReply, []);
            if (Structured)
                SetMetaContext(export);
            if (Go(export))
                return;
        }
        ExportName(export);
    }

    /// <summary>Sends an option whose only expected reply is ACK; false when the server declines it.</summary>
    private bool SimpleOption(NbdOption option, byte[] data)
    {
        SendOption(option, data);
        var (type, payload) = ReadOptionReply(option);
        return type == NbdReply.Ack && payload.Length == 0;
    }

    private void SetMetaContext(string export)
    {
        byte[] name = Encoding.UTF8.GetBytes(export);
        byte[] query = Encoding.UTF8.GetBytes(AllocationContext);
        var data = new byte[4 + name.Length + 4 + 4 + query.Length];
        BinaryPrimitives.WriteUInt32BigEndian(data, (uint)name.Length);
        name.CopyTo(data, 4);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4 + name.Length), 1);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(8 + name.Length), (uint)query.Length);
        query.CopyTo(data, 12 + name.Length);
        SendOption(NbdOption.SetMetaContext, data);
        while (true)
        {
            var (type, payload) = ReadOptionReply(NbdOption.SetMetaContext);
            if (type == NbdReply.MetaContext && payload.Length >= 4
                && Encoding.UTF8.GetString(payload, 4, payload.Length - 4) == AllocationContext)
                AllocationContextId = BinaryPrimitives.ReadUInt32BigEndian(payload);
            else if (type != NbdReply.MetaContext)
                return;
        }
    }

    /// <summary>NBD_OPT_GO; false when the server does not know the option.</summary>
    private bool Go(string export)
    {
        byte[] name = Encoding.UTF8.GetBytes(export);
        var data = new byte[4 + name.Length + 2];
        BinaryPrimitives.WriteUInt32BigEndian(data, (uint)name.Length);
        name.CopyTo(data, 4);
        SendOption(NbdOption.Go, data);
        while (true)
        {
            var (type, payload) = ReadOptionReply(NbdOption.Go);
            switch (type)
            {
                case NbdReply.Ack:
                    return true;
                case NbdReply.Info:
                    if (payload.Length >= 12 && BinaryPrimitives.ReadUInt16BigEndian(payload) == (ushort)NbdInfo.Export)
                    {
                        Size = (long)BinaryPrimitives.ReadUInt64BigEndian(payload.AsSpan(2));
                        Flags = (NbdTransmissionFlags)BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(10));
                    }
                    break;
                case NbdReply.ErrUnsup:
                    return false;
                default:
                    if ((uint)type >= 0x80000000)
                        throw OptionError(type, payload);
                    break;
            }
        }
    }

    private void ExportName(string export)
    {
        SendOption(NbdOption.ExportName, Encoding.UTF8.GetBytes(export));
        try
        {
            ReadExactly(10);
        }
        catch (EndOfStreamException)
        {
            throw new NbdException("Requested export not available");
        }
        Size = (long)BinaryPrimitives.ReadUInt64BigEndian(_header);
        Flags = (NbdTransmissionFlags)BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(8));
        if (!_noZeroes)
            Skip(124);
        Structured = false;
        AllocationContextId = null;
    }

    private static NbdException OptionError(NbdReply type, byte[] payload)
    {
        string reason = type switch
        {
            NbdReply.ErrUnknown => "Requested export not available",
            NbdReply.ErrTlsReqd => "Server requires TLS",
            NbdReply.ErrPolicy => "Server rejected option",
            _ => $"Option failed with error 0x{(uint)type:x}",
        };
        return payload.Length > 0
            ? new NbdException($"{reason}\nserver reported: {Encoding.UTF8.GetString(payload)}")
            : new NbdException(reason);
    }

    private void SendOption(NbdOption option, byte[] data)
    {
        var message = new byte[16 + data.Length];
        BinaryPrimitives.WriteUInt64BigEndian(message, Nbd.OptionMagic);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(8), (uint)option);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(12), (uint)data.Length);
        data.CopyTo(message, 16);
        _stream.Write(message);
    }

    private (NbdReply Type, byte[] Payload) ReadOptionReply(NbdOption option)
    {
        ReadExactly(20);
        if (BinaryPrimitives.ReadUInt64BigEndian(_header) != Nbd.OptionReplyMagic
            || BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(8)) != (uint)option)
            throw new NbdException("Unexpected option reply");
        var type = (NbdReply)BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(12));
        uint length = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(16));
        if (length > Nbd.MaxBufferSize)
            throw new NbdException("server's option reply is too long");
        var payload = new byte[length];
        _in.ReadExactly(payload);
        return (type, payload);
    }

    private void ReadExactly(int count) => _in.ReadExactly(_header.AsSpan(0, count));

    private void Skip(int count)
    {
        Span<byte> scratch = stackalloc byte[256];
        while (count > 0)
        {
            int n = Math.Min(count, scratch.Length);
            _in.ReadExactly(scratch[..n]);
            count -= n;
        }
    }

    public void Dispose()
    {
        try
        {
            lock (_lock)
            {
                if (_transmitting)
                    SendRequest(NbdCommand.Disc, NbdCommandFlags.None, 0, 0);
                else
                    SendOption(NbdOption.Abort, []);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
        _in.Dispose();
        _stream.Dispose();
        _socket.Dispose();
    }
}

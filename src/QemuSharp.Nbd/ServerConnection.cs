using System.Buffers.Binary;
using System.Net.Security;
using System.Text;

namespace QemuSharp.Nbd;

/// <summary>
/// One client of an <see cref="NbdServer"/>: the fixed newstyle handshake (this file) and then
/// the transmission phase. Option replies follow qemu-nbd 7.2, including its error texts.
/// </summary>
internal sealed partial class ServerConnection : IAsyncDisposable
{
    private const int MetaIdBaseAllocation = 0;
    private const int MetaIdAllocationDepth = 1;

    private readonly NbdServer _server;
    private readonly Stream _socket;
    private Stream _io;
    private BufferedStream _in;
    private bool _tls;
    private bool _clientNoZeroes;
    private bool _structured;
    private NbdExport? _export;
    private NbdExport? _metaExport;
    private bool _metaBase;
    private bool _metaDepth;
    private NbdOption _option;

    public ServerConnection(NbdServer server, Stream socket)
    {
        _server = server;
        _socket = socket;
        _io = socket;
        _in = new BufferedStream(socket, 64 << 10);
    }

    public async Task RunAsync(CancellationToken cancel)
    {
        try
        {
            if (await NegotiateAsync(cancel))
                await TransmitAsync(cancel);
        }
        catch (ProtocolException e)
        {
            _server.Log(_export == null ? e.Message : $"Disconnect client, due to: {e.Message}");
        }
        catch (System.Security.Authentication.AuthenticationException e)
        {
            _server.Log($"TLS handshake failed: {e.Message}");
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    /// <summary>Runs the handshake; true when the client reached the transmission phase.</summary>
    private async Task<bool> NegotiateAsync(CancellationToken cancel)
    {
        var hello = new byte[18];
        BinaryPrimitives.WriteUInt64BigEndian(hello, Nbd.InitMagic);
        BinaryPrimitives.WriteUInt64BigEndian(hello.AsSpan(8), Nbd.OptionMagic);
        BinaryPrimitives.WriteUInt16BigEndian(hello.AsSpan(16), Nbd.FlagFixedNewstyle | Nbd.FlagNoZeroes);
        await _io.WriteAsync(hello, cancel);
        var word = new byte[16];
        await _in.ReadExactlyAsync(word.AsMemory(0, 4), cancel);
        uint clientFlags = BinaryPrimitives.ReadUInt32BigEndian(word);
        if ((clientFlags & ~(uint)(Nbd.FlagFixedNewstyle | Nbd.FlagNoZeroes)) != 0)
            throw new ProtocolException($"Unknown client flags 0x{clientFlags:x} received");
        _clientNoZeroes = (clientFlags & Nbd.FlagNoZeroes) != 0;
        while (true)
        {
            await _in.ReadExactlyAsync(word, cancel);
            if (BinaryPrimitives.ReadUInt64BigEndian(word) != Nbd.OptionMagic)
                throw new ProtocolException("Bad magic received");
            _option = (NbdOption)BinaryPrimitives.ReadUInt32BigEndian(word.AsSpan(8));
            uint length = BinaryPrimitives.ReadUInt32BigEndian(word.AsSpan(12));
            if (length > Nbd.MaxBufferSize)
                throw new ProtocolException($"len ({length}) is larger than max len ({Nbd.MaxBufferSize})");
            var outcome = await HandleOptionAsync((int)length, cancel);
            if (outcome != OptionOutcome.Continue)
                return outcome == OptionOutcome.Transmit;
        }
    }

    private enum OptionOutcome
    {
        Continue,
        Transmit,
        Close,
    }

    private async Task<OptionOutcome> HandleOptionAsync(int length, CancellationToken cancel)
    {
        if (_server.Tls != null && !_tls)
        {
            switch (_option)
            {
                case NbdOption.StartTls:
                    break;
                case NbdOption.ExportName:
                    throw new ProtocolException($"Option 0x{(uint)_option:x} not permitted before TLS");
                default:
                    await DropAsync(length, NbdReply.ErrTlsReqd, $"Option 0x{(uint)_option:x} not permitted before TLS", cancel);
                    return _option == NbdOption.Abort ? OptionOutcome.Close : OptionOutcome.Continue;
            }
        }
        switch (_option)
        {
            case NbdOption.ExportName:
                return await ExportNameAsync(length, cancel);
            case NbdOption.Abort:
                await DropAsync(length, cancel);
                await ReplyAsync(NbdReply.Ack, [], cancel);
                return OptionOutcome.Close;
            case NbdOption.List:
                if (length > 0)
                    return await RejectLengthAsync(length, cancel);
                foreach (var export in _server.Exports)
                    await ReplyAsync(NbdReply.Server, ServerEntry(export), cancel);
                await ReplyAsync(NbdReply.Ack, [], cancel);
                return OptionOutcome.Continue;
            case NbdOption.StartTls:
                if (length > 0)
                    return await RejectLengthAsync(length, cancel);
                if (_tls)
                    await ReplyAsync(NbdReply.ErrInvalid, "TLS already enabled", cancel);
                else if (_server.Tls == null)
                    await ReplyAsync(NbdReply.ErrPolicy, "TLS not configured", cancel);
                else
                    await StartTlsAsync(cancel);
                return OptionOutcome.Continue;
            case NbdOption.Info:
            case NbdOption.Go:
                return await InfoAsync(await ReadPayloadAsync(length, cancel), cancel);
            case NbdOption.StructuredReply:
                if (length > 0)
                    return await RejectLengthAsync(length, cancel);
                if (_structured)
                {
                    await ReplyAsync(NbdReply.ErrInvalid, "structured reply already negotiated", cancel);
                    return OptionOutcome.Continue;
                }
                await ReplyAsync(NbdReply.Ack, [], cancel);
                _structured = true;
                return OptionOutcome.Continue;
            case NbdOption.ListMetaContext:
            case NbdOption.SetMetaContext:
                if (!_structured && _option == NbdOption.SetMetaContext)
                {
                    await DropAsync(length, NbdReply.ErrInvalid,
                        $"request option '{OptionName(_option)}' when structured reply is not negotiated", cancel);
                    return OptionOutcome.Continue;
                }
                await MetaContextAsync(await ReadPayloadAsync(length, cancel), cancel);
                return OptionOutcome.Continue;
            default:
                await DropAsync(length, NbdReply.ErrUnsup, $"Unsupported option {(uint)_option} ({OptionName(_option)})", cancel);
                return OptionOutcome.Continue;
        }
    }

    private async Task<OptionOutcome> ExportNameAsync(int length, CancellationToken cancel)
    {
        if (length > Nbd.MaxStringSize)
            throw new ProtocolException("Bad length received");
        string name = Encoding.UTF8.GetString(await ReadPayloadAsync(length, cancel));
        _export = _server.Find(name) ?? throw new ProtocolException("export not found");
        var reply = new byte[_clientNoZeroes ? 10 : 134];
        BinaryPrimitives.WriteUInt64BigEndian(reply, (ulong)_export.Size);
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(8), (ushort)TransmissionFlags(_export));
        await _io.WriteAsync(reply, cancel);
        _metaBase = _metaDepth = false;
        return OptionOutcome.Transmit;
    }

    private async Task<OptionOutcome> InfoAsync(byte[] data, CancellationToken cancel)
    {
        var payload = new OptionPayload(data);
        if (!payload.TryName(out string name) || !payload.TryU16(out int count))
            return await InvalidAsync(Inconsistent(), cancel);
        bool sendName = false;
        for (int i = 0; i < count; i++)
        {
            if (!payload.TryU16(out int item))
                return await InvalidAsync(Inconsistent(), cancel);
            sendName |= item == (int)NbdInfo.Name;
        }
        if (payload.Remaining > 0)
            return await InvalidAsync($"option '{OptionName(_option)}' has unexpected length", cancel);
        var export = _server.Find(name);
        if (export == null)
        {
            await ReplyAsync(NbdReply.ErrUnknown, $"export '{Sanitize(name)}' not present", cancel);
            return OptionOutcome.Continue;
        }
        if (sendName)
            await ReplyAsync(NbdReply.Info, InfoItem(NbdInfo.Name, Encoding.UTF8.GetBytes(export.Name)), cancel);
        if (export.Description != null)
            await ReplyAsync(NbdReply.Info, InfoItem(NbdInfo.Description, Encoding.UTF8.GetBytes(export.Description)), cancel);
        var sizes = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(sizes, 1);
        BinaryPrimitives.WriteUInt32BigEndian(sizes.AsSpan(4), 4096);
        BinaryPrimitives.WriteUInt32BigEndian(sizes.AsSpan(8), Nbd.MaxBufferSize);
        await ReplyAsync(NbdReply.Info, InfoItem(NbdInfo.BlockSize, sizes), cancel);
        var exportInfo = new byte[10];
        BinaryPrimitives.WriteUInt64BigEndian(exportInfo, (ulong)export.Size);
        BinaryPrimitives.WriteUInt16BigEndian(exportInfo.AsSpan(8), (ushort)TransmissionFlags(export));
        await ReplyAsync(NbdReply.Info, InfoItem(NbdInfo.Export, exportInfo), cancel);
        await ReplyAsync(NbdReply.Ack, [], cancel);
        if (_option != NbdOption.Go)
            return OptionOutcome.Continue;
        _export = export;
        if (_metaExport != export)
            _metaBase = _metaDepth = false;
        return OptionOutcome.Transmit;
    }

    /// <summary>LIST_META_CONTEXT (allowed before structured replies, as in QEMU 7.2) and SET_META_CONTEXT.</summary>
    private async Task MetaContextAsync(byte[] data, CancellationToken cancel)
    {
        bool set = _option == NbdOption.SetMetaContext;
        if (set)
        {
            _metaExport = null;
            _metaBase = _metaDepth = false;
        }
        var payload = new OptionPayload(data);
        if (!payload.TryName(out string name))
        {
            await ReplyAsync(NbdReply.ErrInvalid, Inconsistent(), cancel);
            return;
        }
        var export = _server.Find(name);
        if (export == null)
        {
            await ReplyAsync(NbdReply.ErrUnknown, $"export '{Sanitize(name)}' not present", cancel);
            return;
        }
        if (!payload.TryU32(out uint queries))
        {
            await ReplyAsync(NbdReply.ErrInvalid, Inconsistent(), cancel);
            return;
        }
        bool wantBase = false, wantDepth = false;
        if (!set && queries == 0)
        {
            wantBase = true;
            wantDepth = export.AllocationDepth;
        }
        for (uint i = 0; i < queries; i++)
        {
            if (!payload.TryU32(out uint length) || !payload.TryBytes((int)Math.Min(length, int.MaxValue), out var text))
            {
                await ReplyAsync(NbdReply.ErrInvalid, Inconsistent(), cancel);
                return;
            }
            string query = length > Nbd.MaxStringSize ? "" : Encoding.UTF8.GetString(text);
            wantBase |= query == "base:allocation" || (!set && query == "base:");
            wantDepth |= export.AllocationDepth && (query == "qemu:allocation-depth" || (!set && query == "qemu:"));
        }
        if (wantBase)
            await ReplyAsync(NbdReply.MetaContext, MetaContext(set ? MetaIdBaseAllocation : 0, "base:allocation"), cancel);
        if (wantDepth)
            await ReplyAsync(NbdReply.MetaContext, MetaContext(set ? MetaIdAllocationDepth : 0, "qemu:allocation-depth"), cancel);
        await ReplyAsync(NbdReply.Ack, [], cancel);
        if (set)
        {
            _metaExport = export;
            _metaBase = wantBase;
            _metaDepth = wantDepth;
        }
    }

    private string Inconsistent() => $"Inconsistent lengths in option {OptionName(_option)}";

    private async Task StartTlsAsync(CancellationToken cancel)
    {
        await ReplyAsync(NbdReply.Ack, [], cancel);
        var ssl = new SslStream(_socket, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsServerAsync(_server.Tls!.ServerOptions(), cancel);
        _io = ssl;
        _in = new BufferedStream(ssl, 64 << 10);
        _tls = true;
    }

    private NbdTransmissionFlags TransmissionFlags(NbdExport export)
        => export.Flags | (_structured ? NbdTransmissionFlags.SendDf : 0);

    private async Task<OptionOutcome> RejectLengthAsync(int length, CancellationToken cancel)
    {
        await DropAsync(length, NbdReply.ErrInvalid, $"option '{OptionName(_option)}' has unexpected length", cancel);
        return OptionOutcome.Continue;
    }

    private async Task<OptionOutcome> InvalidAsync(string message, CancellationToken cancel)
    {
        await ReplyAsync(NbdReply.ErrInvalid, message, cancel);
        return OptionOutcome.Continue;
    }

    private async Task<byte[]> ReadPayloadAsync(int length, CancellationToken cancel)
    {
        var data = new byte[length];
        await _in.ReadExactlyAsync(data, cancel);
        return data;
    }

    private async Task DropAsync(int length, CancellationToken cancel)
    {
        var scratch = new byte[Math.Min(length, 64 << 10)];
        while (length > 0)
        {
            int n = Math.Min(length, scratch.Length);
            await _in.ReadExactlyAsync(scratch.AsMemory(0, n), cancel);
            length -= n;
        }
    }

    private async Task DropAsync(int length, NbdReply error, string message, CancellationToken cancel)
    {
        await DropAsync(length, cancel);
        await ReplyAsync(error, message, cancel);
    }

    private Task ReplyAsync(NbdReply type, string message, CancellationToken cancel)
        => ReplyAsync(type, Encoding.UTF8.GetBytes(message), cancel);

    private async Task ReplyAsync(NbdReply type, byte[] data, CancellationToken cancel)
    {
        var reply = new byte[20 + data.Length];
        BinaryPrimitives.WriteUInt64BigEndian(reply, Nbd.OptionReplyMagic);
        BinaryPrimitives.WriteUInt32BigEndian(reply.AsSpan(8), (uint)_option);
        BinaryPrimitives.WriteUInt32BigEndian(reply.AsSpan(12), (uint)type);
        BinaryPrimitives.WriteUInt32BigEndian(reply.AsSpan(16), (uint)data.Length);
        data.CopyTo(reply, 20);
        await _io.WriteAsync(reply, cancel);
    }

    private static byte[] ServerEntry(NbdExport export)
    {
        byte[] name = Encoding.UTF8.GetBytes(export.Name);
        byte[] description = Encoding.UTF8.GetBytes(export.Description ?? "");
        var entry = new byte[4 + name.Length + description.Length];
        BinaryPrimitives.WriteUInt32BigEndian(entry, (uint)name.Length);
        name.CopyTo(entry, 4);
        description.CopyTo(entry, 4 + name.Length);
        return entry;
    }

    private static byte[] InfoItem(NbdInfo type, byte[] data)
    {
        var item = new byte[2 + data.Length];
        BinaryPrimitives.WriteUInt16BigEndian(item, (ushort)type);
        data.CopyTo(item, 2);
        return item;
    }

    private static byte[] MetaContext(int id, string name)
    {
        byte[] text = Encoding.UTF8.GetBytes(name);
        var item = new byte[4 + text.Length];
        BinaryPrimitives.WriteUInt32BigEndian(item, (uint)id);
        text.CopyTo(item, 4);
        return item;
    }

    /// <summary>QEMU shortens names longer than 80 characters in messages.</summary>
    private static string Sanitize(string name) => name.Length > 80 ? name[..80] + "..." : name;

    internal static string OptionName(NbdOption option) => option switch
    {
        NbdOption.ExportName => "export name",
        NbdOption.Abort => "abort",
        NbdOption.List => "list",
        NbdOption.StartTls => "starttls",
        NbdOption.Info => "info",
        NbdOption.Go => "go",
        NbdOption.StructuredReply => "structured reply",
        NbdOption.ListMetaContext => "list meta context",
        NbdOption.SetMetaContext => "set meta context",
        _ => "<unknown>",
    };

    public async ValueTask DisposeAsync()
    {
        await _io.DisposeAsync();
        await _socket.DisposeAsync();
    }
}

/// <summary>A client broke the protocol; the server drops the connection.</summary>
internal sealed class ProtocolException(string message) : Exception(message);

using System.Buffers.Binary;
using System.Text;

namespace QemuSharp.Nbd.Client;

/// <summary>What a server says about one of its exports (qemu-nbd -L).</summary>
public sealed record NbdExportInfo(string Name, string? Description, long Size, NbdTransmissionFlags Flags,
    uint MinBlock, uint PreferredBlock, uint MaxBlock, IReadOnlyList<string> Contexts);

public sealed partial class NbdClient
{
    /// <summary>Lists a server's exports with their sizes, flags, block sizes and meta contexts.</summary>
    public static List<NbdExportInfo> List(NbdAddress address)
    {
        using var client = Open(address);
        try
        {
            if (!client.Greet() || !client._fixedNewstyle)
                throw new NbdException("Server does not support export lists");
            client.Structured = client.SimpleOption(NbdOption.StructuredReply, []);
            client.SendOption(NbdOption.List, []);
            var names = new List<(string Name, string? Description)>();
            while (true)
            {
                var (type, payload) = client.ReadOptionReply(NbdOption.List);
                if (type != NbdReply.Server)
                {
                    if ((uint)type >= 0x80000000)
                        throw OptionError(type, payload);
                    break;
                }
                uint length = payload.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(payload) : uint.MaxValue;
                if (length > payload.Length - 4)
                    throw new NbdException("Bad server reply to NBD_OPT_LIST");
                string? description = payload.Length > 4 + length ? Encoding.UTF8.GetString(payload, 4 + (int)length, payload.Length - 4 - (int)length) : null;
                names.Add((Encoding.UTF8.GetString(payload, 4, (int)length), description));
            }
            var exports = names.Select(n => client.Describe(n.Name, n.Description)).ToList();
            client.SendOption(NbdOption.Abort, []);
            return exports;
        }
        catch (Exception e) when (e is IOException or EndOfStreamException)
        {
            throw new NbdException($"Failed to read initial magic: {e.Message}");
        }
    }

    private NbdExportInfo Describe(string name, string? description)
    {
        byte[] text = Encoding.UTF8.GetBytes(name);
        var data = new byte[4 + text.Length + 4];
        BinaryPrimitives.WriteUInt32BigEndian(data, (uint)text.Length);
        text.CopyTo(data, 4);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(4 + text.Length), 1);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(6 + text.Length), (ushort)NbdInfo.BlockSize);
        SendOption(NbdOption.Info, data);
        long size = 0;
        var flags = (NbdTransmissionFlags)0;
        uint min = 1, preferred = 4096, max = Nbd.MaxBufferSize;
        while (true)
        {
            var (type, payload) = ReadOptionReply(NbdOption.Info);
            if (type == NbdReply.Ack)
                break;
            if ((uint)type >= 0x80000000)
                throw OptionError(type, payload);
            if (type != NbdReply.Info || payload.Length < 2)
                continue;
            switch ((NbdInfo)BinaryPrimitives.ReadUInt16BigEndian(payload))
            {
                case NbdInfo.Export when payload.Length >= 12:
                    size = (long)BinaryPrimitives.ReadUInt64BigEndian(payload.AsSpan(2));
                    flags = (NbdTransmissionFlags)BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(10));
                    break;
                case NbdInfo.Description:
                    description = Encoding.UTF8.GetString(payload, 2, payload.Length - 2);
                    break;
                case NbdInfo.BlockSize when payload.Length >= 14:
                    min = BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(2));
                    preferred = BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(6));
                    max = BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(10));
                    break;
            }
        }
        return new NbdExportInfo(name, description, size, flags, min, preferred, max, ListContexts(text));
    }

    private List<string> ListContexts(byte[] name)
    {
        var contexts = new List<string>();
        if (!Structured)
            return contexts;
        var data = new byte[4 + name.Length + 4];
        BinaryPrimitives.WriteUInt32BigEndian(data, (uint)name.Length);
        name.CopyTo(data, 4);
        SendOption(NbdOption.ListMetaContext, data);
        while (true)
        {
            var (type, payload) = ReadOptionReply(NbdOption.ListMetaContext);
            if (type != NbdReply.MetaContext)
                return contexts;
            if (payload.Length >= 4)
                contexts.Add(Encoding.UTF8.GetString(payload, 4, payload.Length - 4));
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using QemuSharp.Chardev;
using QemuSharp.Common.Options;
using QemuSharp.Monitor.Qmp;

namespace QemuSharp.Monitor.Commands;

public sealed record ChardevInfo(bool FrontendOpen, string Filename, string Label);

public sealed record ChardevBackendInfo(string Name);

public sealed record ChardevReturn(string? Pty = null);

/// <summary>Character devices: listing, adding (with descriptors named by getfd) and removing.</summary>
public static class ChardevCommands
{
    [QmpCommand("query-chardev")]
    public static ChardevInfo[] QueryChardev(QmpContext context) =>
        context.Host.Chardevs.All.Select(c => new ChardevInfo(c.Frontend is not null, c.Filename, c.Id)).ToArray();

    [QmpCommand("query-chardev-backends")]
    public static ChardevBackendInfo[] QueryChardevBackends(QmpContext context) =>
        ChardevConfig.Backends.Select(b => new ChardevBackendInfo(b)).ToArray();

    [QmpCommand("chardev-remove")]
    public static void ChardevRemove(QmpContext context, string id) => context.Host.Chardevs.Remove(id);

    [QmpCommand("chardev-add")]
    public static ChardevReturn ChardevAdd(QmpContext context, string id, JsonNode backend)
    {
        var config = ParseBackend(context.Session, id, backend as JsonObject ?? throw Mismatch("backend", "object"), out string? fdName);
        if (context.Host.Chardevs.Find(id) is not null)
            throw QmpError.Generic($"Chardev with id '{id}' already exists");
        return Add(context, config, fdName);
    }

    /// <summary>Creates the chardev, wrapping its errors in "Failed to add chardev 'ID': ...".</summary>
    public static ChardevReturn Add(QmpContext context, ChardevConfig config, string? fdName)
    {
        Chardev.Chardev chardev;
        try
        {
            chardev = context.Host.Chardevs.Create(config);
        }
        catch (OptionException e) when (!e.Message.StartsWith("Chardev with id", StringComparison.Ordinal))
        {
            throw QmpError.Generic($"Failed to add chardev '{config.Id}': {e.Message}");
        }
        if (fdName is not null)
            context.Session.ForgetNamedFd(fdName);
        return new ChardevReturn((chardev as PtyChardev)?.SlavePath);
    }

    private static ChardevConfig ParseBackend(MonitorSession session, string id, JsonObject backend, out string? fdName)
    {
        fdName = null;
        string type = Str(backend, "type", "backend.type") ?? throw Missing("backend.type");
        if (!ChardevConfig.Backends.Contains(type) || type == "mux")
            throw QmpError.Generic($"Parameter 'type' does not accept value '{type}'");
        var data = backend["data"] as JsonObject ?? (backend.ContainsKey("data") ? throw Mismatch("backend.data", "object") : throw Missing("backend.data"));
        var config = new ChardevConfig(id, type);
        switch (type)
        {
            case "file":
                return config with { Path = Str(data, "out", "backend.data.out") ?? throw Missing("backend.data.out"), Append = Bool(data, "append", "backend.data.append") ?? false };
            case "pipe":
                return config with { Path = Str(data, "device", "backend.data.device") ?? throw Missing("backend.data.device") };
            case "ringbuf":
                long size = Int(data, "size", "backend.data.size") ?? 65536;
                return config with { RingSize = size < 0 ? 0 : (ulong)size };
            case "stdio":
                return config with { Signal = Bool(data, "signal", "backend.data.signal") ?? true };
            case "socket":
                return ParseSocket(session, config, data, out fdName);
            default:
                return config;
        }
    }

    private static ChardevConfig ParseSocket(MonitorSession session, ChardevConfig config, JsonObject data, out string? fdName)
    {
        fdName = null;
        var addr = data["addr"] as JsonObject ?? (data.ContainsKey("addr") ? throw Mismatch("backend.data.addr", "object") : throw Missing("backend.data.addr"));
        string addrType = Str(addr, "type", "backend.data.addr.type") ?? throw Missing("backend.data.addr.type");
        var addrData = addr["data"] as JsonObject ?? (addr.ContainsKey("data") ? throw Mismatch("backend.data.addr.data", "object") : throw Missing("backend.data.addr.data"));
        bool server = Bool(data, "server", "backend.data.server") ?? true;
        long reconnect = Int(data, "reconnect", "backend.data.reconnect") ?? 0;
        string? tls = Str(data, "tls-creds", "backend.data.tls-creds");
        SocketAddr address;
        switch (addrType)
        {
            case "unix":
                address = new UnixAddr(Str(addrData, "path", "backend.data.addr.data.path") ?? throw Missing("backend.data.addr.data.path"));
                break;
            case "inet":
                address = new InetAddr(
                    Str(addrData, "host", "backend.data.addr.data.host") ?? throw Missing("backend.data.addr.data.host"),
                    Str(addrData, "port", "backend.data.addr.data.port") ?? throw Missing("backend.data.addr.data.port"));
                break;
            case "fd":
                string name = Str(addrData, "str", "backend.data.addr.data.str") ?? throw Missing("backend.data.addr.data.str");
                if (reconnect > 0)
                    throw Failed(config.Id, "'reconnect' option is incompatible with 'fd' address type");
                if (tls is not null && !server)
                    throw Failed(config.Id, "'tls_creds' option is incompatible with 'fd' address type as client");
                int fd;
                try
                {
                    fd = session.PeekNamedFd(name);
                }
                catch (OptionException e)
                {
                    throw Failed(config.Id, e.Message);
                }
                if (!Native.IsSocket(fd))
                    throw Failed(config.Id, $"File descriptor '{name}' is not a socket");
                address = new FdAddr(fd);
                fdName = name;
                break;
            default:
                throw QmpError.Generic($"Parameter 'type' does not accept value '{addrType}'");
        }
        if (tls is not null)
            throw Failed(config.Id, $"No TLS credentials with id '{tls}'");
        return config with
        {
            Address = address,
            Server = server,
            Wait = Bool(data, "wait", "backend.data.wait") ?? false,
            Reconnect = (ulong)Math.Max(0, reconnect),
            Telnet = Bool(data, "telnet", "backend.data.telnet") ?? false,
        };
    }

    private static QmpError Failed(string id, string message) => QmpError.Generic($"Failed to add chardev '{id}': {message}");

    private static QmpError Missing(string path) => QmpError.Generic($"Parameter '{path}' is missing");

    private static QmpError Mismatch(string path, string expected) =>
        QmpError.Generic($"Invalid parameter type for '{path}', expected: {expected}");

    private static string? Str(JsonObject o, string key, string path) => o[key] switch
    {
        null when !o.ContainsKey(key) => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw Mismatch(path, "string"),
    };

    private static bool? Bool(JsonObject o, string key, string path) => o[key] switch
    {
        null when !o.ContainsKey(key) => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => throw Mismatch(path, "boolean"),
    };

    private static long? Int(JsonObject o, string key, string path) => o[key] switch
    {
        null when !o.ContainsKey(key) => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out long l) => l,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => (long)v.GetValue<double>(),
        _ => throw Mismatch(path, "integer"),
    };
}

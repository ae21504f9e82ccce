using QemuSharp.Common.Options;

namespace QemuSharp.Chardev;

/// <summary>
/// One chardev to create, whichever way it was asked for (-chardev, -serial and friends, QMP or
/// HMP chardev-add). Socket addresses are already resolved to a <see cref="SocketAddr"/>.
/// </summary>
public sealed record ChardevConfig(string Id, string Backend)
{
    public string? Path { get; init; }
    public SocketAddr? Address { get; init; }
    public bool Server { get; init; }
    public bool Wait { get; init; }
    public ulong Reconnect { get; init; }
    public bool Telnet { get; init; }
    public bool Append { get; init; }
    public ulong RingSize { get; init; } = 65536;
    public bool Mux { get; init; }
    public bool Signal { get; init; } = true;
    public string? TlsCreds { get; init; }

    /// <summary>The backends this build implements, as listed by <c>-chardev help</c>.</summary>
    public static readonly string[] Backends = ["stdio", "ringbuf", "mux", "pipe", "null", "socket", "file", "pty"];

    /// <summary>The keys of QEMU's <c>-chardev</c> option list (shared by every backend), in QEMU's order.</summary>
    public static readonly QemuOptDesc[] Schema =
    [
        new("abstract", QemuOptType.Bool),
        new("tight", QemuOptType.Bool, Default: "on"),
        new("clipboard", QemuOptType.Bool),
        new("mouse", QemuOptType.Bool),
        new("logappend", QemuOptType.Bool),
        new("logfile", QemuOptType.String),
        new("append", QemuOptType.Bool),
        new("chardev", QemuOptType.String),
        new("size", QemuOptType.Size),
        new("debug", QemuOptType.Number),
        new("name", QemuOptType.String),
        new("signal", QemuOptType.Bool),
        new("mux", QemuOptType.Bool),
        new("rows", QemuOptType.Number),
        new("cols", QemuOptType.Number),
        new("height", QemuOptType.Number),
        new("width", QemuOptType.Number),
        new("websocket", QemuOptType.Bool),
        new("tls-authz", QemuOptType.String),
        new("tls-creds", QemuOptType.String),
        new("tn3270", QemuOptType.Bool),
        new("telnet", QemuOptType.Bool),
        new("reconnect", QemuOptType.Number),
        new("nodelay", QemuOptType.Bool),
        new("delay", QemuOptType.Bool),
        new("server", QemuOptType.Bool),
        new("wait", QemuOptType.Bool),
        new("ipv6", QemuOptType.Bool),
        new("ipv4", QemuOptType.Bool),
        new("to", QemuOptType.Number),
        new("localport", QemuOptType.String),
        new("localaddr", QemuOptType.String),
        new("fd", QemuOptType.String),
        new("port", QemuOptType.String),
        new("host", QemuOptType.String),
        new("path", QemuOptType.String),
        new("backend", QemuOptType.String),
    ];

    /// <summary>
    /// Reads a parsed <c>-chardev</c> list. <paramref name="resolveFd"/> turns the <c>fd=</c>
    /// string into a descriptor: a number on the command line, a getfd name in the monitor.
    /// </summary>
    public static ChardevConfig FromOpts(QemuOpts opts, Func<string, int> resolveFd)
    {
        string backend = opts.GetString("backend") ?? "";
        string id = opts.GetString("id") ?? throw new OptionException("chardev: no id specified");
        if (!Backends.Contains(backend))
            throw new OptionException($"'{backend}' is not a valid char driver name");
        var config = new ChardevConfig(id, backend)
        {
            Mux = opts.GetBool("mux", false),
            Path = opts.GetString("path"),
            Append = opts.GetBool("append", false),
            Signal = opts.GetBool("signal", true),
        };
        switch (backend)
        {
            case "file" when config.Path is null:
                throw new OptionException("chardev: file: no filename given");
            case "pipe" when config.Path is null:
                throw new OptionException("chardev: pipe: no filename given");
            case "ringbuf":
                return config with { RingSize = opts.GetSize("size") ?? 65536 };
            case "socket":
                return SocketFromOpts(config, opts, resolveFd);
        }
        return config;
    }

    private static ChardevConfig SocketFromOpts(ChardevConfig config, QemuOpts opts, Func<string, int> resolveFd)
    {
        string? path = opts.GetString("path");
        string? host = opts.GetString("host");
        string? fd = opts.GetString("fd");
        bool server = opts.GetBool("server", false);
        ulong reconnect = opts.GetNumber("reconnect") ?? 0;
        string? tls = opts.GetString("tls-creds");
        if ((path is null ? 0 : 1) + (host is null ? 0 : 1) + (fd is null ? 0 : 1) > 1)
            throw new OptionException("None or one of 'path', 'fd' or 'host' option required.");
        if (!server && opts.Has("wait"))
            throw new OptionException("'wait' option is incompatible with socket in client connect mode");
        if (server && reconnect > 0)
            throw new OptionException("'reconnect' option is incompatible with socket in server listen mode");
        SocketAddr address;
        if (path is not null)
        {
            if (tls is not null)
                throw new OptionException("TLS can only be used over TCP socket");
            address = new UnixAddr(path);
        }
        else if (host is not null)
        {
            string port = opts.GetString("port") ?? throw new OptionException("chardev: socket: no port given");
            address = new InetAddr(host, port);
        }
        else
        {
            if (reconnect > 0)
                throw new OptionException("'reconnect' option is incompatible with 'fd' address type");
            if (tls is not null && !server)
                throw new OptionException("'tls_creds' option is incompatible with 'fd' address type as client");
            int n = resolveFd(fd ?? "");
            if (!Native.IsSocket(n))
                throw new OptionException($"File descriptor '{fd}' is not a socket");
            address = new FdAddr(n);
        }
        if (tls is not null)
            throw new OptionException($"No TLS credentials with id '{tls}'");
        return config with
        {
            Address = address,
            Server = server,
            Wait = opts.GetBool("wait", true),
            Reconnect = reconnect,
            Telnet = opts.GetBool("telnet", false),
        };
    }

    /// <summary>The command-line rule for <c>fd=</c>: a decimal descriptor number.</summary>
    public static int ParseFdNumber(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, null, out int fd)
            ? fd
            : throw new OptionException($"Unable to parse FD number {text}");
}

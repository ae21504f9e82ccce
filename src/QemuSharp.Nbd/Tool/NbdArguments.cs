using QemuSharp.Common.Options;

namespace QemuSharp.Nbd.Tool;

/// <summary>qemu-nbd's command line, checked with qemu-nbd 7.2's messages.</summary>
internal sealed class NbdArguments
{
    private static readonly Dictionary<string, bool> LongOptions = new()
    {
        ["help"] = false, ["version"] = false, ["bind"] = true, ["port"] = true, ["socket"] = true,
        ["read-only"] = false, ["nocache"] = false, ["cache"] = true, ["aio"] = true, ["discard"] = true,
        ["detect-zeroes"] = true, ["shared"] = true, ["format"] = true, ["persistent"] = true,
        ["export-name"] = true, ["description"] = true, ["fork"] = false, ["tls-creds"] = true,
        ["object"] = true, ["pid-file"] = true, ["allocation-depth"] = false, ["verbose"] = false,
        ["list"] = false, ["snapshot"] = false,
    };

    private static readonly string[] CacheModes = ["none", "off", "writeback", "writethrough", "directsync", "unsafe"];

    public string? File { get; private set; }
    public string? Format { get; private set; }
    public string ExportName { get; private set; } = "";
    public string? Description { get; private set; }
    public bool ReadOnly { get; private set; }
    public bool Persistent { get; private set; }
    public int Shared { get; private set; } = 1;
    public string? Socket { get; private set; }
    public string? Bind { get; private set; }
    public string? Port { get; private set; }
    public bool Fork { get; private set; }
    public string? PidFile { get; private set; }
    public string Cache { get; private set; } = "writeback";
    public DiscardMode Discard { get; private set; }
    public DetectZeroesMode DetectZeroes { get; private set; }
    public string? TlsCreds { get; private set; }
    /// <summary>--object definitions by id: the QOM type and, for server x509 credentials, the loaded files.</summary>
    public Dictionary<string, (string Type, TlsCredentials? Credentials)> Objects { get; } = [];
    public bool AllocationDepth { get; private set; }
    public bool Verbose { get; private set; }
    /// <summary>-L: list another server's exports instead of serving.</summary>
    public bool List { get; private set; }
    /// <summary>-s: writes go to a temporary qcow2 overlay; the image itself stays unchanged.</summary>
    public bool Snapshot { get; private set; }
    public bool Help { get; private set; }
    public bool Version { get; private set; }

    private static readonly string[] ObjectTypes =
        ["tls-creds-x509", "tls-creds-anon", "tls-creds-psk", "secret", "authz-simple", "authz-list", "authz-listfile", "authz-pam"];

    /// <summary>Creates an --object as QEMU does while it reads the command line.</summary>
    private void AddObject(QemuOpts opts)
    {
        string type = opts.GetString("qom-type") ?? throw new OptionException("Parameter 'qom-type' is missing");
        if (!ObjectTypes.Contains(type))
            throw new OptionException($"Parameter 'qom-type' does not accept value '{type}'");
        string id = opts.GetString("id") ?? throw new OptionException("Parameter 'id' is missing");
        if (Objects.ContainsKey(id))
            throw new OptionException($"attempt to add duplicate property '{id}' to object (type 'container')");
        TlsCredentials? credentials = null;
        if (type == "tls-creds-x509")
        {
            string dir = opts.GetString("dir") ?? throw new OptionException("Missing 'dir' property value");
            string endpoint = opts.GetString("endpoint") ?? "client";
            if (endpoint == "server")
                credentials = TlsCredentials.LoadServer(dir, opts.GetBool("verify-peer", true));
            else if (!System.IO.File.Exists(Path.Combine(dir, "ca-cert.pem")))
                throw new NbdException($"Unable to access credentials {Path.Combine(dir, "ca-cert.pem")}: No such file or directory");
        }
        Objects[id] = (type, credentials);
    }

    public static NbdArguments Parse(IReadOnlyList<string> args)
    {
        var (options, operands) = new GetOpt("hVb:o:p:rsnc:dvk:e:f:tl:x:T:D:AB:L", LongOptions).Parse(args);
        var a = new NbdArguments();
        bool seenCache = false, seenAio = false;
        foreach (var (name, arg) in options)
        {
            string value = arg ?? "";
            switch (name)
            {
                case "h" or "help": a.Help = true; break;
                case "V" or "version": a.Version = true; break;
                case "b" or "bind": a.Bind = value; break;
                case "p" or "port": a.Port = value; break;
                case "k" or "socket": a.Socket = value; break;
                case "r" or "read-only": a.ReadOnly = true; break;
                case "t" or "persistent": a.Persistent = true; break;
                case "f" or "format": a.Format = value; break;
                case "fork": a.Fork = true; break;
                case "pid-file": a.PidFile = value; break;
                case "tls-creds": a.TlsCreds = value; break;
                case "A" or "allocation-depth": a.AllocationDepth = true; break;
                case "v" or "verbose": a.Verbose = true; break;
                case "L" or "list": a.List = true; break;
                case "s" or "snapshot": a.Snapshot = true; break;
                case "x" or "export-name":
                    if (value.Length > Nbd.MaxStringSize)
                        throw new OptionException($"export name '{value}' too long");
                    a.ExportName = value;
                    break;
                case "D" or "description":
                    if (value.Length > Nbd.MaxStringSize)
                        throw new OptionException($"export description '{value}' too long");
                    a.Description = value;
                    break;
                case "e" or "shared":
                    if (!int.TryParse(value, out int shared) || shared < 0)
                        throw new OptionException($"Invalid shared device number '{value}'");
                    a.Shared = shared;
                    break;
                case "n" or "nocache" or "cache":
                    if (seenCache)
                        throw new OptionException("-n and --cache can only be specified once");
                    seenCache = true;
                    if (name != "cache")
                        value = "none";
                    if (!CacheModes.Contains(value))
                        throw new OptionException($"Invalid cache mode `{value}'");
                    a.Cache = value;
                    break;
                case "aio":
                    if (seenAio)
                        throw new OptionException("--aio can only be specified once");
                    seenAio = true;
                    if (value is not ("threads" or "native" or "io_uring"))
                        throw new OptionException($"Invalid aio mode '{value}'");
                    break;
                case "discard":
                    a.Discard = value switch
                    {
                        "ignore" or "off" => DiscardMode.Ignore,
                        "unmap" or "on" => DiscardMode.Unmap,
                        _ => throw new OptionException($"Invalid discard mode `{value}'"),
                    };
                    break;
                case "detect-zeroes":
                    a.DetectZeroes = value switch
                    {
                        "off" => DetectZeroesMode.Off,
                        "on" => DetectZeroesMode.On,
                        "unmap" => DetectZeroesMode.Unmap,
                        _ => throw new OptionException($"Failed to parse detect_zeroes mode: Parameter 'detect-zeroes' does not accept value '{value}'"),
                    };
                    if (a.DetectZeroes == DetectZeroesMode.Unmap && a.Discard != DiscardMode.Unmap)
                        throw new OptionException("setting detect-zeroes to unmap is not allowed without setting discard operation to unmap");
                    break;
                case "object":
                    a.AddObject(QemuOpts.Parse(value, "qom-type"));
                    break;
                default:
                    throw new OptionException($"option '{(name.Length == 1 ? "-" : "--")}{name}' is not supported by QemuSharp");
            }
        }
        if (a.Help || a.Version)
            return a;
        if (a.List)
        {
            if (operands.Count != 0)
                throw new OptionException("List mode is incompatible with a file name");
            return a;
        }
        if (operands.Count != 1)
            throw new UsageException("Invalid number of arguments", fromGetOpt: false);
        a.File = operands[0];
        if (a.TlsCreds != null && a.Socket != null)
            throw new OptionException("TLS is only supported with IPv4/IPv6");
        return a;
    }
}

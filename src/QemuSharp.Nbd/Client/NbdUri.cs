using System.Net;

namespace QemuSharp.Nbd.Client;

/// <summary>Where an NBD export is: a unix socket path or a TCP host and port, and the export name.</summary>
public sealed record NbdAddress(string? SocketPath, string? Host, int Port, string ExportName)
{
    /// <summary>
    /// Parses QEMU's NBD image names: <c>nbd://host[:port]/export</c>, <c>nbd+tcp://…</c>,
    /// <c>nbd+unix:///export?socket=path</c>, and the legacy <c>nbd:unix:path[:exportname=x]</c> and
    /// <c>nbd:host:port[:exportname=x]</c>.
    /// </summary>
    public static NbdAddress Parse(string name)
    {
        if (name.StartsWith("nbd://", StringComparison.Ordinal) || name.StartsWith("nbd+tcp://", StringComparison.Ordinal))
            return ParseTcpUri(name);
        if (name.StartsWith("nbd+unix://", StringComparison.Ordinal))
            return ParseUnixUri(name);
        if (name.StartsWith("nbd:", StringComparison.Ordinal))
            return ParseLegacy(name[4..]);
        throw new NbdException($"invalid URI {name}");
    }

    private static NbdAddress ParseTcpUri(string name)
    {
        if (!Uri.TryCreate(name, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.Query))
            throw new NbdException($"invalid URI {name}");
        int port = uri.IsDefaultPort || uri.Port < 0 ? Nbd.DefaultPort : uri.Port;
        return new NbdAddress(null, uri.Host.Trim('[', ']'), port, ExportFromPath(uri));
    }

    private static NbdAddress ParseUnixUri(string name)
    {
        if (!Uri.TryCreate(name, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.Host))
            throw new NbdException($"invalid URI {name}");
        string query = uri.Query.TrimStart('?');
        if (!query.StartsWith("socket=", StringComparison.Ordinal) || query.Contains('&'))
            throw new NbdException($"invalid URI {name}");
        return new NbdAddress(Uri.UnescapeDataString(query[7..]), null, 0, ExportFromPath(uri));
    }

    private static string ExportFromPath(Uri uri)
    {
        string path = Uri.UnescapeDataString(uri.AbsolutePath);
        return path.StartsWith('/') ? path[1..] : path;
    }

    private static NbdAddress ParseLegacy(string rest)
    {
        string export = "";
        int at = rest.IndexOf(":exportname=", StringComparison.Ordinal);
        if (at >= 0)
        {
            export = rest[(at + 12)..];
            rest = rest[..at];
        }
        if (rest.StartsWith("unix:", StringComparison.Ordinal))
            return new NbdAddress(rest[5..], null, 0, export);
        int colon = rest.LastIndexOf(':');
        if (colon < 0)
            return new NbdAddress(null, rest, Nbd.DefaultPort, export);
        if (!int.TryParse(rest[(colon + 1)..], out int port))
            throw new NbdException($"invalid port '{rest[(colon + 1)..]}'");
        return new NbdAddress(null, rest[..colon].Trim('[', ']'), port, export);
    }

    public EndPoint EndPoint() => SocketPath != null
        ? new System.Net.Sockets.UnixDomainSocketEndPoint(SocketPath)
        : IPAddress.TryParse(Host, out var ip) ? new IPEndPoint(ip, Port) : new DnsEndPoint(Host!, Port);
}

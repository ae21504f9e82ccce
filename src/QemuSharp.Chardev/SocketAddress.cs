using System.Net;
using System.Net.Sockets;
using QemuSharp.Common.Options;

namespace QemuSharp.Chardev;

/// <summary>Where a socket chardev listens or connects: a unix path, a tcp host and port, or a descriptor.</summary>
public abstract record SocketAddr
{
    /// <summary>QEMU's text for the address in <c>disconnected:...</c> filenames.</summary>
    public abstract string Describe();

    /// <summary>
    /// Binds and listens, returning the descriptor. <paramref name="owner"/> must stay alive as
    /// long as the descriptor is used (disposing a BCL unix socket unlinks its path).
    /// </summary>
    public abstract int Listen(out Socket? owner);

    /// <summary>Connects, returning the descriptor.</summary>
    public abstract int Connect();

    /// <summary>Takes a descriptor away from a BCL socket so that it can be used raw.</summary>
    protected static int Detach(Socket socket)
    {
        int fd = Native.fcntl((int)socket.Handle, Native.F_DUPFD_CLOEXEC, 3);
        socket.Dispose();
        return fd;
    }
}

public sealed record UnixAddr(string Path) : SocketAddr
{
    public override string Describe() => $"unix:{Path}";

    public override int Listen(out Socket? owner)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            File.Delete(Path);
            s.Bind(new UnixDomainSocketEndPoint(Path));
            s.Listen(1);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            s.Dispose();
            throw new OptionException($"Failed to bind socket to {Path}: {Reason(e)}");
        }
        owner = s;
        return (int)s.Handle;
    }

    public override int Connect()
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            s.Connect(new UnixDomainSocketEndPoint(Path));
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            s.Dispose();
            throw new OptionException($"Failed to connect to '{Path}': {Reason(e)}");
        }
        return Detach(s);
    }

    internal static string Reason(Exception e) => e.Message;
}

public sealed record InetAddr(string Host, string Port) : SocketAddr
{
    public override string Describe() => $"tcp:{Host}:{Port}";

    private IPEndPoint[] Resolve()
    {
        if (!int.TryParse(Port, out int port) || port < 0 || port > 65535)
            throw new OptionException($"address resolution failed for {Host}:{Port}: Servname not supported for ai_socktype");
        IPAddress[] addrs;
        if (Host.Length == 0)
            addrs = [IPAddress.IPv6Any];
        else if (IPAddress.TryParse(Host.Trim('[', ']'), out var ip))
            addrs = [ip];
        else
        {
            try
            {
                addrs = Dns.GetHostAddresses(Host);
            }
            catch (SocketException)
            {
                throw new OptionException($"address resolution failed for {Host}:{Port}: Name or service not known");
            }
        }
        return addrs.Select(a => new IPEndPoint(a, port)).ToArray();
    }

    public override int Listen(out Socket? owner)
    {
        Exception? last = null;
        foreach (var ep in Resolve())
        {
            var s = new Socket(ep.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                if (ep.AddressFamily == AddressFamily.InterNetworkV6 && ep.Address.Equals(IPAddress.IPv6Any))
                    s.DualMode = true;
                s.Bind(ep);
                s.Listen(1);
                owner = s;
                return (int)s.Handle;
            }
            catch (SocketException e)
            {
                last = e;
                s.Dispose();
            }
        }
        throw new OptionException($"Failed to bind socket: {(last is null ? "" : UnixAddr.Reason(last))}");
    }

    public override int Connect()
    {
        Exception? last = null;
        foreach (var ep in Resolve())
        {
            var s = new Socket(ep.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                s.Connect(ep);
                return Detach(s);
            }
            catch (SocketException e)
            {
                last = e;
                s.Dispose();
            }
        }
        throw new OptionException($"Failed to connect to '{Host}:{Port}': {(last is null ? "" : UnixAddr.Reason(last))}");
    }
}

/// <summary>A descriptor handed over by the caller: listening (server) or connected (client).</summary>
public sealed record FdAddr(int Fd) : SocketAddr
{
    /// <summary>QEMU names a descriptor socket by its local address.</summary>
    public override string Describe()
    {
        try
        {
            using var s = new Socket(new SafeSocketHandle(Fd, ownsHandle: false));
            return s.LocalEndPoint switch
            {
                IPEndPoint ip => $"tcp:{ip.Address}:{ip.Port}",
                UnixDomainSocketEndPoint u => $"unix:{u}",
                _ => $"fd:{Fd}",
            };
        }
        catch (SocketException)
        {
            return $"fd:{Fd}";
        }
    }

    public override int Listen(out Socket? owner)
    {
        owner = null;
        return Fd;
    }

    public override int Connect() => Fd;
}

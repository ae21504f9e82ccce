using System.Net;
using System.Net.Sockets;

namespace QemuSharp.Chardev;

/// <summary>
/// The <c>socket</c> backend. A server accepts one client at a time (the next waits in the
/// listen backlog); a client connects once, or keeps retrying every <c>reconnect</c> seconds.
/// </summary>
public sealed class SocketChardev : Chardev
{
    private static readonly byte[] TelnetInit = [0xff, 0xfb, 0x01, 0xff, 0xfb, 0x03, 0xff, 0xfb, 0x00, 0xff, 0xfd, 0x00];
    private readonly SocketAddr _address;
    private readonly bool _server;
    private readonly bool _wait;
    private readonly ulong _reconnect;
    private readonly bool _telnet;
    private readonly TelnetFilter _telnetFilter = new();
    private int _listenFd = -1;
    private readonly Socket? _listenOwner;
    private volatile int _clientFd = -1;
    private volatile bool _disposed;
    private FdReader? _reader;
    private string _connectedName = "";

    public SocketChardev(string id, SocketAddr address, bool server, bool wait, ulong reconnect, bool telnet) : base(id)
    {
        _address = address;
        _server = server;
        _wait = wait;
        _reconnect = reconnect;
        _telnet = telnet;
        IsConnected = false;
        if (server)
        {
            _listenFd = address.Listen(out _listenOwner);
        }
        else if (reconnect == 0)
        {
            SetClient(address.Connect());
        }
    }

    public override string Driver => "socket";

    public override string Filename => IsConnected && _clientFd >= 0
        ? _connectedName
        : $"disconnected:{(_telnet ? _address.Describe().Replace("tcp:", "telnet:") : _address.Describe())}{(_server ? ",server=on" : "")}";

    /// <summary>Before returning, a <c>wait=on</c> server blocks until its first client connects.</summary>
    public override void Start()
    {
        if (_server)
        {
            if (_wait)
            {
                Console.Error.WriteLine($"QEMU waiting for connection on: {Filename}");
                int fd = AcceptOne(blocking: true);
                if (fd >= 0)
                {
                    SetClient(fd);
                    StartClient();
                }
            }
            new Thread(AcceptLoop) { IsBackground = true, Name = $"chardev {Id} accept" }.Start();
        }
        else if (_clientFd >= 0)
        {
            StartClient();
        }
        else if (_reconnect > 0)
        {
            new Thread(ReconnectLoop) { IsBackground = true, Name = $"chardev {Id} reconnect" }.Start();
        }
    }

    private unsafe int AcceptOne(bool blocking)
    {
        while (!_disposed)
        {
            if (!Native.Poll(_listenFd, Native.POLLIN, 200))
                continue;
            int fd = Native.accept4(_listenFd, null, null, Native.O_CLOEXEC);
            if (fd >= 0)
                return fd;
            if (!blocking && Native.Errno is not (Native.EAGAIN or Native.EINTR))
                Thread.Sleep(100);
        }
        return -1;
    }

    private readonly SemaphoreSlim _clientGone = new(0);

    private void AcceptLoop()
    {
        while (!_disposed)
        {
            if (_clientFd >= 0)
            {
                _clientGone.Wait();
                continue;
            }
            int fd = AcceptOne(blocking: false);
            if (fd < 0)
                return;
            SetClient(fd);
            StartClient();
        }
    }

    private void ReconnectLoop()
    {
        while (!_disposed)
        {
            if (_clientFd < 0)
            {
                try
                {
                    SetClient(_address.Connect());
                    StartClient();
                }
                catch (Common.Options.OptionException)
                {
                }
            }
            Thread.Sleep(TimeSpan.FromSeconds(Math.Min(_reconnect, 3600)));
        }
    }

    private void SetClient(int fd)
    {
        _clientFd = fd;
        _connectedName = DescribeConnection(fd);
    }

    private void StartClient()
    {
        int fd = _clientFd;
        if (_telnet)
            Native.WriteAll(fd, TelnetInit, true);
        _reader = new FdReader(fd, true, $"chardev {Id}", OnData, () => OnEnd(fd));
        RaiseOpened();
        _reader.Start();
    }

    private void OnData(ReadOnlyMemory<byte> data, List<int> fds)
    {
        if (fds.Count > 0)
            AddReceivedFds(fds);
        if (_telnet)
            Deliver(_telnetFilter.Filter(data.Span));
        else
            Deliver(data.Span);
    }

    private void OnEnd(int fd)
    {
        _clientFd = -1;
        Native.close(fd);
        RaiseClosed();
        _clientGone.Release();
    }

    public override void Write(ReadOnlySpan<byte> data)
    {
        int fd = _clientFd;
        if (fd >= 0)
            Native.WriteAll(fd, data, true);
    }

    private string DescribeConnection(int fd)
    {
        string server = _server ? ",server=on" : "";
        using var s = new Socket(new SafeSocketHandle(fd, ownsHandle: false));
        try
        {
            if (s.LocalEndPoint is IPEndPoint local && s.RemoteEndPoint is IPEndPoint remote)
            {
                string prefix = _telnet ? "telnet" : "tcp";
                return $"{prefix}:{Host(local)}:{local.Port}{server} <-> {Host(remote)}:{remote.Port}";
            }
            string path = _server && s.LocalEndPoint is UnixDomainSocketEndPoint u ? u.ToString() : "";
            return $"unix:{path}{server}";
        }
        catch (SocketException)
        {
            return $"unix:{server}";
        }
    }

    private static string Host(IPEndPoint ep)
    {
        var a = ep.Address.IsIPv4MappedToIPv6 ? ep.Address.MapToIPv4() : ep.Address;
        return a.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{a}]" : a.ToString();
    }

    public override void Dispose()
    {
        _disposed = true;
        _reader?.Stop();
        int fd = _clientFd;
        _clientFd = -1;
        if (fd >= 0)
        {
            Native.shutdown(fd, Native.SHUT_RDWR);
            Native.close(fd);
        }
        if (_listenOwner is not null)
            _listenOwner.Dispose();
        else if (_listenFd >= 0)
            Native.close(_listenFd);
        _clientGone.Release();
        if (_address is UnixAddr u && _server)
            File.Delete(u.Path);
        base.Dispose();
    }

    /// <summary>Removes telnet commands (IAC sequences) from input; IAC IAC is a literal 0xff.</summary>
    private sealed class TelnetFilter
    {
        private int _state;

        public byte[] Filter(ReadOnlySpan<byte> input)
        {
            var output = new List<byte>(input.Length);
            foreach (byte b in input)
            {
                switch (_state)
                {
                    case 0 when b == 0xff:
                        _state = 1;
                        break;
                    case 0:
                        output.Add(b);
                        break;
                    case 1 when b == 0xff:
                        output.Add(b);
                        _state = 0;
                        break;
                    case 1 when b is >= 0xfb and <= 0xfe:
                        _state = 2;
                        break;
                    default:
                        _state = 0;
                        break;
                }
            }
            return output.ToArray();
        }
    }
}

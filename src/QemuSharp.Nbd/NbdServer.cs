using System.Net;
using System.Net.Sockets;

namespace QemuSharp.Nbd;

/// <summary>How an <see cref="NbdServer"/> admits clients and when it stops.</summary>
public sealed record NbdServerOptions
{
    /// <summary>qemu-nbd -e: clients served at once; 0 is unlimited. Later clients wait to be accepted.</summary>
    public int MaxClients { get; init; } = 1;

    /// <summary>qemu-nbd -t: keep serving after the last client leaves.</summary>
    public bool Persistent { get; init; }

    public TlsCredentials? Tls { get; init; }

    /// <summary>Where messages about dropped clients go; null to stay silent.</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>An NBD server over one or more listening sockets, serving a fixed set of exports.</summary>
public sealed class NbdServer
{
    private readonly List<Socket> _listeners = [];
    private readonly NbdServerOptions _options;
    private readonly SemaphoreSlim? _slots;
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<Task> _connections = [];
    private int _active;

    public NbdServer(IReadOnlyList<NbdExport> exports, NbdServerOptions options)
    {
        Exports = exports;
        _options = options;
        if (options.MaxClients > 0)
            _slots = new SemaphoreSlim(options.MaxClients, options.MaxClients);
    }

    public IReadOnlyList<NbdExport> Exports { get; }

    internal TlsCredentials? Tls => _options.Tls;

    internal NbdExport? Find(string name) => Exports.FirstOrDefault(e => e.Name == name);

    internal void Log(string message) => _options.Log?.Invoke(message);

    /// <summary>Listens on a unix socket path; as QEMU, an existing file there is removed first.</summary>
    public void ListenUnix(string path)
    {
        File.Delete(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(128);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new NbdException($"Failed to bind socket to {path}: {e.Message}");
        }
        _listeners.Add(socket);
    }

    /// <summary>Listens on a TCP address; returns the port (useful with port 0).</summary>
    public int ListenTcp(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(128);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new NbdException($"Failed to find an available port: {e.Message}");
        }
        _listeners.Add(socket);
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>
    /// Serves until cancelled or, unless persistent, until the last client has left.
    /// The listening sockets are closed on return.
    /// </summary>
    public async Task RunAsync(CancellationToken cancel)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var loops = _listeners.Select(l => AcceptLoopAsync(l, stop.Token)).ToList();
        try
        {
            await _idle.Task.WaitAsync(cancel);
        }
        catch (OperationCanceledException)
        {
        }
        stop.Cancel();
        foreach (var l in _listeners)
            l.Dispose();
        await Task.WhenAll(loops);
        Task[] remaining;
        lock (_connections)
            remaining = [.. _connections];
        await Task.WhenAll(remaining);
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken cancel)
    {
        try
        {
            while (true)
            {
                if (_slots != null)
                    await _slots.WaitAsync(cancel);
                Socket client;
                try
                {
                    client = await listener.AcceptAsync(cancel);
                }
                catch
                {
                    _slots?.Release();
                    throw;
                }
                Interlocked.Increment(ref _active);
                var serving = ServeAsync(client, cancel);
                lock (_connections)
                    _connections.Add(serving);
                _ = serving.ContinueWith(Forget, TaskScheduler.Default);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private void Forget(Task connection)
    {
        lock (_connections)
            _connections.Remove(connection);
    }

    private async Task ServeAsync(Socket client, CancellationToken cancel)
    {
        try
        {
            if (client.AddressFamily != AddressFamily.Unix)
                client.NoDelay = true;
            // A client that stops reading would block a reply forever; closing the socket at
            // shutdown ends every pending read and write.
            using var abort = cancel.Register(client.Dispose);
            await using var connection = new ServerConnection(this, new NetworkStream(client, ownsSocket: true));
            await connection.RunAsync(cancel);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log($"Disconnect client, due to: {e.Message}");
        }
        finally
        {
            _slots?.Release();
            if (Interlocked.Decrement(ref _active) == 0 && !_options.Persistent)
                _idle.TrySetResult();
        }
    }
}

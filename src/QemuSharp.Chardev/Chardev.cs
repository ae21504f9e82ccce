using QemuSharp.Common;
using QemuSharp.Common.Options;

namespace QemuSharp.Chardev;

/// <summary>What sits on top of a character backend: a monitor, a guest serial port.</summary>
public interface IChardevFrontend
{
    /// <summary>A peer appeared (a client connected, or the backend is ready).</summary>
    void OnOpened();

    /// <summary>The peer left; the backend may open again later.</summary>
    void OnClosed();

    void Receive(ReadOnlySpan<byte> data);

    /// <summary>A mux switched its input to (true) or away from (false) this frontend.</summary>
    void OnMuxFocus(bool focused)
    {
    }
}

/// <summary>
/// A character backend (QEMU's <c>Chardev</c>). Input is delivered to the frontend under
/// <see cref="MainLoop.Lock"/>; writes go straight to the backend.
/// </summary>
public abstract class Chardev : IDisposable
{
    private readonly Queue<int> _receivedFds = new();

    protected Chardev(string id)
    {
        Id = id;
    }

    public string Id { get; }

    /// <summary>The backend's type name as in <c>query-chardev-backends</c>.</summary>
    public abstract string Driver { get; }

    /// <summary>The <c>filename</c> shown by <c>query-chardev</c> and <c>info chardev</c>.</summary>
    public abstract string Filename { get; }

    public IChardevFrontend? Frontend { get; private set; }

    /// <summary>True while a peer is connected (always true for backends without peers).</summary>
    public bool IsConnected { get; protected set; } = true;

    public virtual bool IsBusy => Frontend is not null;

    /// <summary>Attaches a frontend and starts I/O; "Chardev 'x' is busy" when one is attached already.</summary>
    public virtual void Attach(IChardevFrontend frontend)
    {
        if (Frontend is not null)
            throw new OptionException($"Chardev '{Id}' is busy");
        Frontend = frontend;
        if (IsConnected)
            frontend.OnOpened();
    }

    public virtual void Detach(IChardevFrontend frontend)
    {
        if (Frontend == frontend)
            Frontend = null;
    }

    public abstract void Write(ReadOnlySpan<byte> data);

    /// <summary>Starts any background I/O (accepting, connecting, reading).</summary>
    public virtual void Start()
    {
    }

    /// <summary>The oldest descriptor received with SCM_RIGHTS and not yet taken, or -1.</summary>
    public int TakeReceivedFd()
    {
        lock (_receivedFds)
            return _receivedFds.Count > 0 ? _receivedFds.Dequeue() : -1;
    }

    /// <summary>Closes every received descriptor nobody took.</summary>
    protected void DropReceivedFds()
    {
        lock (_receivedFds)
            while (_receivedFds.Count > 0)
                Native.close(_receivedFds.Dequeue());
    }

    protected void AddReceivedFds(List<int> fds)
    {
        lock (_receivedFds)
            foreach (int fd in fds)
                _receivedFds.Enqueue(fd);
    }

    protected void Deliver(ReadOnlySpan<byte> data)
    {
        lock (MainLoop.Lock)
            Frontend?.Receive(data);
    }

    protected void RaiseOpened()
    {
        lock (MainLoop.Lock)
        {
            IsConnected = true;
            Frontend?.OnOpened();
        }
    }

    protected void RaiseClosed()
    {
        lock (MainLoop.Lock)
        {
            IsConnected = false;
            Frontend?.OnClosed();
        }
        DropReceivedFds();
    }

    public virtual void Dispose()
    {
        DropReceivedFds();
        GC.SuppressFinalize(this);
    }
}

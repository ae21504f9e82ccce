namespace QemuSharp.Chardev;

/// <summary>
/// A background thread that reads one descriptor until end of stream or until stopped,
/// passing each chunk (and any SCM_RIGHTS descriptors, for sockets) to a callback.
/// </summary>
public sealed class FdReader
{
    private readonly int _fd;
    private readonly bool _socket;
    private readonly Action<ReadOnlyMemory<byte>, List<int>> _onData;
    private readonly Action _onEnd;
    private volatile bool _stopped;
    private readonly Thread _thread;

    public FdReader(int fd, bool socket, string name, Action<ReadOnlyMemory<byte>, List<int>> onData, Action onEnd)
    {
        _fd = fd;
        _socket = socket;
        _onData = onData;
        _onEnd = onEnd;
        _thread = new Thread(Run) { IsBackground = true, Name = name };
    }

    public void Start() => _thread.Start();

    public void Stop() => _stopped = true;

    private unsafe void Run()
    {
        var buffer = new byte[65536];
        var fds = new List<int>();
        while (!_stopped)
        {
            if (!Native.Poll(_fd, Native.POLLIN, 200))
                continue;
            if (_stopped)
                break;
            int n;
            fds.Clear();
            if (_socket)
            {
                n = Native.ReceiveWithFds(_fd, buffer, fds);
            }
            else
            {
                fixed (byte* b = buffer)
                    n = (int)Native.read(_fd, b, (nuint)buffer.Length);
            }
            if (n < 0)
            {
                int e = Native.Errno;
                if (e is Native.EINTR or Native.EAGAIN)
                    continue;
                break;
            }
            if (n == 0)
                break;
            _onData(buffer.AsMemory(0, n), fds);
        }
        if (!_stopped)
            _onEnd();
    }
}

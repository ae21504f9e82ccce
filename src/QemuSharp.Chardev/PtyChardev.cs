using System.Text;
using QemuSharp.Common.Options;

namespace QemuSharp.Chardev;

/// <summary>
/// The <c>pty</c> backend: a pseudo-terminal master whose slave path is announced on stderr
/// and in <c>query-chardev</c>. Reads fail while no one has the slave open; they are retried.
/// </summary>
public sealed unsafe class PtyChardev : Chardev
{
    private readonly int _master;
    private volatile bool _disposed;

    public PtyChardev(string id) : base(id)
    {
        _master = Native.posix_openpt(Native.O_RDWR | Native.O_NOCTTY | Native.O_CLOEXEC);
        if (_master < 0 || Native.grantpt(_master) != 0 || Native.unlockpt(_master) != 0)
            throw new OptionException($"Failed to create PTY: {Native.StrError(Native.Errno)}");
        byte* buf = stackalloc byte[128];
        if (Native.ptsname_r(_master, buf, 128) != 0)
            throw new OptionException($"Failed to create PTY: {Native.StrError(Native.Errno)}");
        SlavePath = Encoding.UTF8.GetString(new ReadOnlySpan<byte>(buf, 128).TrimEnd((byte)0).ToArray().TakeWhile(b => b != 0).ToArray());
        Terminal.MakeRaw(Native.open(SlavePath, Native.O_RDWR | Native.O_NOCTTY | Native.O_CLOEXEC, 0), true);
    }

    public string SlavePath { get; }

    public override string Driver => "pty";

    public override string Filename => $"pty:{SlavePath}";

    public override void Start()
    {
        new Thread(ReadLoop) { IsBackground = true, Name = $"chardev {Id}" }.Start();
    }

    private void ReadLoop()
    {
        var buffer = new byte[4096];
        while (!_disposed)
        {
            if (!Native.Poll(_master, Native.POLLIN, 200))
                continue;
            nint n;
            fixed (byte* b = buffer)
                n = Native.read(_master, b, (nuint)buffer.Length);
            if (n <= 0)
            {
                Thread.Sleep(200);
                continue;
            }
            Deliver(buffer.AsSpan(0, (int)n));
        }
    }

    public override void Write(ReadOnlySpan<byte> data)
    {
        if (Native.Poll(_master, Native.POLLOUT, 0))
            Native.WriteAll(_master, data, false);
    }

    public override void Dispose()
    {
        _disposed = true;
        Native.close(_master);
        base.Dispose();
    }
}

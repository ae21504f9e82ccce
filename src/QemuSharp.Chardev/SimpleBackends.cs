using QemuSharp.Common.Options;

namespace QemuSharp.Chardev;

/// <summary>The <c>null</c> backend: output is discarded, no input ever arrives.</summary>
public sealed class NullChardev(string id) : Chardev(id)
{
    public override string Driver => "null";

    public override string Filename => "null";

    public override void Write(ReadOnlySpan<byte> data)
    {
    }
}

/// <summary>The <c>ringbuf</c> backend: keeps the last <c>size</c> bytes written.</summary>
public sealed class RingbufChardev : Chardev
{
    private readonly byte[] _buffer;
    private long _produced;

    public RingbufChardev(string id, ulong size) : base(id)
    {
        if (size == 0 || (size & (size - 1)) != 0 || size > int.MaxValue)
            throw new OptionException("size of ringbuf chardev must be power of two");
        _buffer = new byte[size];
    }

    public override string Driver => "ringbuf";

    public override string Filename => "ringbuf";

    public override void Write(ReadOnlySpan<byte> data)
    {
        lock (_buffer)
            foreach (byte b in data)
                _buffer[_produced++ & (_buffer.Length - 1)] = b;
    }

    /// <summary>The bytes still held, oldest first.</summary>
    public byte[] Contents()
    {
        lock (_buffer)
        {
            long count = Math.Min(_produced, _buffer.Length);
            var result = new byte[count];
            for (long i = 0; i < count; i++)
                result[i] = _buffer[(_produced - count + i) & (_buffer.Length - 1)];
            return result;
        }
    }
}

/// <summary>
/// A backend over plain descriptors: <c>file</c> (output only), <c>pipe</c> (PATH.in/PATH.out,
/// or PATH both ways) and <c>stdio</c>.
/// </summary>
public sealed class FdChardev : Chardev
{
    private readonly int _in;
    private readonly int _out;
    private readonly bool _ownsFds;
    private FdReader? _reader;

    private FdChardev(string id, string driver, int input, int output, bool ownsFds) : base(id)
    {
        Driver = driver;
        _in = input;
        _out = output;
        _ownsFds = ownsFds;
    }

    public override string Driver { get; }

    public override string Filename => Driver;

    public static FdChardev OpenFile(string id, string path, bool append)
    {
        int flags = Native.O_WRONLY | Native.O_CREAT | Native.O_CLOEXEC | (append ? Native.O_APPEND : Native.O_TRUNC);
        int fd = Native.open(path, flags, Convert.ToInt32("666", 8));
        if (fd < 0)
            throw new OptionException($"Could not open '{path}': {Native.StrError(Native.Errno)}");
        return new FdChardev(id, "file", -1, fd, true);
    }

    public static FdChardev OpenPipe(string id, string path)
    {
        int input = Native.open(path + ".in", Native.O_RDWR | Native.O_CLOEXEC, 0);
        int output = Native.open(path + ".out", Native.O_RDWR | Native.O_CLOEXEC, 0);
        if (input < 0 || output < 0)
        {
            if (input >= 0)
                Native.close(input);
            if (output >= 0)
                Native.close(output);
            input = output = Native.open(path, Native.O_RDWR | Native.O_CLOEXEC, 0);
            if (input < 0)
                throw new OptionException($"Could not open '{path}': {Native.StrError(Native.Errno)}");
        }
        return new FdChardev(id, "pipe", input, output, true);
    }

    public static FdChardev OpenStdio(string id, bool allowSignals)
    {
        Terminal.MakeRaw(0, allowSignals);
        return new FdChardev(id, "stdio", 0, 1, false);
    }

    public override void Start()
    {
        if (_in < 0 || _reader is not null)
            return;
        _reader = new FdReader(_in, false, $"chardev {Id}", (data, _) => Deliver(data.Span), () => { });
        _reader.Start();
    }

    public override void Write(ReadOnlySpan<byte> data) => Native.WriteAll(_out, data, false);

    public override void Dispose()
    {
        _reader?.Stop();
        if (_ownsFds)
        {
            if (_in >= 0 && _in != _out)
                Native.close(_in);
            Native.close(_out);
        }
        base.Dispose();
    }
}

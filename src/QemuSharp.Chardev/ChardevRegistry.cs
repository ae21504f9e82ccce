using QemuSharp.Common.Options;

namespace QemuSharp.Chardev;

/// <summary>Every chardev of the process by id, in creation order (a mux's backend as ID-base).</summary>
public sealed class ChardevRegistry
{
    private readonly List<Chardev> _chardevs = [];
    private bool _stdioUsed;

    public IReadOnlyList<Chardev> All => _chardevs;

    /// <summary>Raised for Ctrl-A x on any mux.</summary>
    public event Action? QuitRequested;

    public Chardev? Find(string id) => _chardevs.FirstOrDefault(c => c.Id == id);

    /// <summary>Creates (and starts) a chardev; errors carry QEMU's text without the "Failed to add" prefix.</summary>
    public Chardev Create(ChardevConfig config, bool start = true)
    {
        string baseId = config.Mux ? config.Id + "-base" : config.Id;
        if (Find(config.Id) is not null || (config.Mux && Find(baseId) is not null))
            throw new OptionException($"Chardev with id '{config.Id}' already exists");
        Chardev chardev = Open(config, baseId);
        if (config.Mux)
        {
            _chardevs.Add(chardev);
            var mux = new MuxChardev(config.Id, chardev);
            mux.QuitRequested += () => QuitRequested?.Invoke();
            chardev = mux;
        }
        _chardevs.Add(chardev);
        if (start)
            chardev.Start();
        return chardev;
    }

    private Chardev Open(ChardevConfig config, string id)
    {
        switch (config.Backend)
        {
            case "null":
                return new NullChardev(id);
            case "ringbuf":
                return new RingbufChardev(id, config.RingSize);
            case "file":
                return FdChardev.OpenFile(id, config.Path!, config.Append);
            case "pipe":
                return FdChardev.OpenPipe(id, config.Path!);
            case "pty":
                return new PtyChardev(id);
            case "stdio":
                if (_stdioUsed)
                    throw new OptionException("cannot use stdio by multiple character devices");
                _stdioUsed = true;
                return FdChardev.OpenStdio(id, config.Signal);
            case "socket":
                return new SocketChardev(id, config.Address!, config.Server, config.Server && config.Wait, config.Reconnect, config.Telnet);
            default:
                throw new OptionException($"'{config.Backend}' is not a valid char driver name");
        }
    }

    /// <summary>Removes an unused chardev: "Chardev 'x' not found" or "Chardev 'x' is busy".</summary>
    public void Remove(string id)
    {
        var chardev = Find(id) ?? throw new OptionException($"Chardev '{id}' not found");
        if (chardev.IsBusy)
            throw new OptionException($"Chardev '{id}' is busy");
        _chardevs.Remove(chardev);
        if (chardev is MuxChardev mux)
            _chardevs.Remove(mux.Backend);
        if (chardev.Driver == "stdio")
            _stdioUsed = false;
        chardev.Dispose();
    }
}

using System.Text;
using QemuSharp.Chardev;
using QemuSharp.Common.Options;

namespace QemuSharp.Monitor;

/// <summary>
/// What QMP and HMP monitors share: the chardev they sit on, and the table of descriptors
/// named with <c>getfd</c> (kept per monitor, across client reconnects).
/// </summary>
public abstract class MonitorSession(MonitorHost host, Chardev.Chardev chardev) : IChardevFrontend
{
    private readonly Dictionary<string, int> _namedFds = new();

    public MonitorHost Host { get; } = host;

    public Chardev.Chardev Chardev { get; } = chardev;

    /// <summary>The monitor's <c>id=</c>, if any.</summary>
    public string? Id { get; init; }

    public abstract void OnOpened();

    public abstract void OnClosed();

    public abstract void Receive(ReadOnlySpan<byte> data);

    public virtual void OnMuxFocus(bool focused)
    {
    }

    /// <summary>Called for every event; only negotiated QMP monitors send it.</summary>
    public virtual void SendEvent(System.Text.Json.Nodes.JsonObject ev)
    {
    }

    protected void WriteText(string text) => Chardev.Write(Encoding.UTF8.GetBytes(text));

    /// <summary>The descriptor that arrived with the command being run, or -1.</summary>
    public virtual int TakeMessageFd() => Chardev.TakeReceivedFd();

    /// <summary>QMP/HMP <c>getfd</c>: names the descriptor that came with this command.</summary>
    public void GetFd(string name)
    {
        int fd = TakeMessageFd();
        if (fd < 0)
            throw new OptionException("No file descriptor supplied via SCM_RIGHTS");
        if (name.Length > 0 && char.IsAsciiDigit(name[0]))
        {
            Native.close(fd);
            throw new OptionException("Parameter 'fdname' expects a name not starting with a digit");
        }
        if (_namedFds.Remove(name, out int old))
            Native.close(old);
        _namedFds[name] = fd;
    }

    public void CloseFd(string name)
    {
        if (!_namedFds.Remove(name, out int fd))
            throw new OptionException($"File descriptor named '{name}' not found");
        Native.close(fd);
    }

    /// <summary>Looks a name up without taking it (chardev-add takes it only once it succeeds).</summary>
    public int PeekNamedFd(string name) =>
        _namedFds.TryGetValue(name, out int fd) ? fd : throw new OptionException($"File descriptor named '{name}' has not been found");

    public void ForgetNamedFd(string name) => _namedFds.Remove(name);
}

using System.Diagnostics;

namespace QemuSharp.Common.Time;

/// <summary>
/// The guest's clock (QEMU's QEMU_CLOCK_VIRTUAL): follows host time while the machine runs and
/// stands still while it is stopped, so a paused guest sees no time pass.
/// </summary>
public sealed class VirtualClock : IClock
{
    private readonly Lock _lock = new();
    private readonly long _origin = Stopwatch.GetTimestamp();
    private long _stoppedAt;
    private long _offset;
    private bool _running;

    public long NowNs
    {
        get
        {
            lock (_lock)
                return _running ? HostNs() - _offset : _stoppedAt;
        }
    }

    public bool Running
    {
        get
        {
            lock (_lock)
                return _running;
        }
    }

    public void Start()
    {
        lock (_lock)
        {
            if (_running)
                return;
            _offset = HostNs() - _stoppedAt;
            _running = true;
        }
    }

    public void Stop()
    {
        lock (_lock)
        {
            if (!_running)
                return;
            _stoppedAt = HostNs() - _offset;
            _running = false;
        }
    }

    private long HostNs() => (long)((Stopwatch.GetTimestamp() - _origin) * (1e9 / Stopwatch.Frequency));
}

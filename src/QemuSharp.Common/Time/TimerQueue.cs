namespace QemuSharp.Common.Time;

/// <summary>
/// Timers on one clock (QEMU's QEMUTimerList). Devices arm timers with absolute deadlines; the
/// machine's timer thread (or a test) calls <see cref="RunExpired"/>, which fires every timer
/// whose deadline has passed, in deadline order. All calls happen under the machine lock.
/// </summary>
public sealed class TimerQueue
{
    private readonly List<DeviceTimer> _armed = [];

    public TimerQueue(IClock clock) => Clock = clock;

    public IClock Clock { get; }

    /// <summary>Raised when a timer is armed earlier than every other, so a waiting thread can wake.</summary>
    public event Action? DeadlineChanged;

    public DeviceTimer Create(string name, Action callback) => new(this, name, callback);

    /// <summary>The earliest deadline, or null when no timer is armed.</summary>
    public long? NextDeadline => _armed.Count == 0 ? null : _armed[0].Deadline;

    /// <summary>Fires expired timers; a callback may re-arm its own timer or others.</summary>
    public void RunExpired()
    {
        while (_armed.Count > 0 && _armed[0].Deadline <= Clock.NowNs)
        {
            DeviceTimer t = _armed[0];
            _armed.RemoveAt(0);
            t.Pending = false;
            t.Callback();
        }
    }

    internal void Arm(DeviceTimer timer, long deadline)
    {
        if (timer.Pending)
            _armed.Remove(timer);
        timer.Deadline = deadline;
        timer.Pending = true;
        int i = 0;
        while (i < _armed.Count && _armed[i].Deadline <= deadline)
            i++;
        _armed.Insert(i, timer);
        if (i == 0)
            DeadlineChanged?.Invoke();
    }

    internal void Cancel(DeviceTimer timer)
    {
        if (timer.Pending)
        {
            _armed.Remove(timer);
            timer.Pending = false;
        }
    }
}

/// <summary>One timer of a device: armed with an absolute deadline in the queue's clock.</summary>
public sealed class DeviceTimer
{
    private readonly TimerQueue _queue;

    internal DeviceTimer(TimerQueue queue, string name, Action callback)
    {
        _queue = queue;
        Name = name;
        Callback = callback;
    }

    public string Name { get; }
    internal Action Callback { get; }
    public long Deadline { get; internal set; }
    public bool Pending { get; internal set; }

    public void Arm(long deadlineNs) => _queue.Arm(this, deadlineNs);

    public void Cancel() => _queue.Cancel(this);
}

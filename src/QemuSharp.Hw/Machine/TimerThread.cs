using QemuSharp.Common.Time;

namespace QemuSharp.Hw.Machine;

/// <summary>
/// The host thread that fires device timers: it sleeps until the earliest deadline of the
/// machine's <see cref="TimerQueue"/>, then runs the expired timers under the machine lock.
/// Arming an earlier timer, or restarting the stopped clock, wakes it.
/// </summary>
public sealed class TimerThread : IDisposable
{
    private readonly TimerQueue _queue;
    private readonly object _machineLock;
    private readonly AutoResetEvent _wake = new(false);
    private readonly Thread _thread;
    private volatile bool _stopping;

    public TimerThread(TimerQueue queue, object machineLock)
    {
        _queue = queue;
        _machineLock = machineLock;
        queue.DeadlineChanged += Wake;
        _thread = new Thread(Loop) { IsBackground = true, Name = "timers" };
    }

    public void Start() => _thread.Start();

    public void Wake() => _wake.Set();

    private void Loop()
    {
        while (!_stopping)
        {
            long? deadline;
            bool running;
            lock (_machineLock)
            {
                _queue.RunExpired();
                deadline = _queue.NextDeadline;
                running = _queue.Clock is not VirtualClock v || v.Running;
            }
            if (deadline is not { } d || !running)
            {
                _wake.WaitOne();
                continue;
            }
            long waitNs = d - _queue.Clock.NowNs;
            if (waitNs > 0)
                _wake.WaitOne(TimeSpan.FromTicks(Math.Max(1, waitNs / 100)));
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _wake.Set();
        if (_thread.IsAlive)
            _thread.Join();
        _queue.DeadlineChanged -= Wake;
    }
}

namespace QemuSharp.LinuxUser.Signals;

/// <summary>
/// A set of pending signals with their siginfo. A standard signal (1-31) is pending at most once;
/// real-time signals (32-64) queue every instance, as on Linux. Callers hold <see cref="SignalState.Lock"/>.
/// </summary>
internal sealed class PendingSignals
{
    private readonly Queue<byte[]>?[] _infos = new Queue<byte[]>?[65];

    /// <summary>Bit sig-1 set for each pending signal; readable without the lock as a hint.</summary>
    public ulong Bits;

    public void Add(int sig, byte[] info)
    {
        var q = _infos[sig] ??= new Queue<byte[]>();
        if (sig < 32 && q.Count > 0)
            return;
        q.Enqueue(info);
        Bits |= SignalState.Bit(sig);
    }

    public byte[]? Take(int sig)
    {
        var q = _infos[sig];
        if (q == null || q.Count == 0)
            return null;
        byte[] info = q.Dequeue();
        if (q.Count == 0)
            Bits &= ~SignalState.Bit(sig);
        return info;
    }

    public void Remove(int sig)
    {
        _infos[sig]?.Clear();
        Bits &= ~SignalState.Bit(sig);
    }
}

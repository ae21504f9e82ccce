using System.Diagnostics;

namespace QemuSharp.Common.Time;

/// <summary>A source of nanoseconds for timers and guest clocks (QEMU's QEMU_CLOCK_VIRTUAL).</summary>
public interface IClock
{
    long NowNs { get; }
}

/// <summary>Follows the host's monotonic clock from the moment it is created.</summary>
public sealed class HostClock : IClock
{
    private readonly long _origin = Stopwatch.GetTimestamp();

    public long NowNs => (long)((Stopwatch.GetTimestamp() - _origin) * (1e9 / Stopwatch.Frequency));
}

/// <summary>A clock that moves only when told to: device tests drive time with it.</summary>
public sealed class ManualClock : IClock
{
    public long NowNs { get; set; }

    public void Advance(long ns) => NowNs += ns;
}

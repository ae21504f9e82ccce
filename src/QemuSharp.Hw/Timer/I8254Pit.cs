using QemuSharp.Common.Irq;
using QemuSharp.Common.Time;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Timer;

/// <summary>
/// The Intel 8254 programmable interval timer at 0x40-0x43, clocked at 1.193182 MHz. On a PC
/// channel 0's OUT drives IRQ0, channel 1 once refreshed DRAM, and channel 2's GATE and OUT
/// are reached through port 0x61 (<c>PcSpeaker</c>). Channels 0 and 1 have GATE tied
/// high. Counters follow the guest clock; nothing ticks unless IRQ0 needs an edge.
/// </summary>
public sealed class I8254Pit : IIoHandler, IDeviceInfo
{
    public const long Frequency = 1_193_182;

    public enum Register
    {
        Counter0 = 0,
        Counter1 = 1,
        Counter2 = 2,

        /// <summary>Control word: SC1-SC0 (counter or read-back), RW1-RW0, M2-M0, BCD.</summary>
        ControlWord = 3,
    }

    /// <summary>RW1-RW0 of the control word: 00 latches the count.</summary>
    private enum Access
    {
        Latch = 0,
        LowByte = 1,
        HighByte = 2,
        LowThenHigh = 3,
    }

    private readonly IClock _clock;
    private readonly IIrqLine _irq0;
    private readonly DeviceTimer _timer;
    private readonly Channel[] _channels = [new(), new(), new()];
    private bool _irq0Enabled = true;

    public I8254Pit(TimerQueue timers, IIrqLine irq0)
    {
        _clock = timers.Clock;
        _irq0 = irq0;
        _timer = timers.Create("i8254", OnTimer);
        Reset();
    }

    public string TypeName => "isa-pit";

    public IReadOnlyDictionary<string, string> Properties => new Dictionary<string, string>
    {
        ["iobase"] = "64 (0x40)",
    };

    public void Attach(IoPortSpace io) => io.Map(0x40, 4, new ByteWideIo(this), "pit");

    /// <summary>
    /// Power-on as QEMU models it: every counter in mode 3 with a count of 65536 (and no access
    /// mode until a control word sets one), so channel 0 gives IRQ0 its 18.2 Hz square wave from
    /// the start; channel 2 waits for its GATE.
    /// </summary>
    public void Reset()
    {
        long now = _clock.NowNs;
        for (int i = 0; i < 3; i++)
        {
            bool gate = i < 2;
            _channels[i] = new Channel
            {
                Gate = gate, Mode = 3, ModeBits = 3, Access = Access.Latch, Loaded = true, Waiting = !gate, IdleOutput = true, Start = now,
            };
        }
        UpdateInterrupts();
    }

    /// <summary>
    /// False while an HPET in legacy replacement mode owns IRQ0: channel 0 keeps counting but
    /// leaves the line as it is and runs no timer.
    /// </summary>
    public bool Irq0Enabled
    {
        get => _irq0Enabled;
        set
        {
            _irq0Enabled = value;
            UpdateInterrupts();
        }
    }

    /// <summary>Channel 2's GATE, from bit 0 of port 0x61.</summary>
    public void SetGate(int channel, bool level)
    {
        Channel c = _channels[channel];
        long now = _clock.NowNs;
        if (c.Gate == level)
            return;
        // Modes 1, 2, 3 and 5 (re)start on a rising edge; modes 0, 2, 3 and 4 stop counting while GATE is low.
        if (level)
        {
            if (c.Mode is 1 or 2 or 3 or 5)
            {
                if (c.Loaded)
                {
                    c.Start = now;
                    c.Held = null;
                    c.Waiting = false;
                }
            }
            else if (c.Held is long held)
            {
                c.Start = now - TicksToNs(held);
                c.Held = null;
            }
        }
        else if (c.Mode is 0 or 2 or 3 or 4 && !c.Waiting && c.Held is null)
        {
            c.Held = c.Mode is 2 or 3 ? 0 : Elapsed(c, now);
            if (c.Mode is 2 or 3)
                c.Waiting = true;
        }
        c.Gate = level;
        if (channel == 0)
            UpdateInterrupts();
    }

    public bool GetGate(int channel) => _channels[channel].Gate;

    /// <summary>The level of a channel's OUT pin now.</summary>
    public bool GetOutput(int channel) => GetOutputOf(_channels[channel]);

    public ulong Read(ulong offset, int size)
    {
        if (offset == (ulong)Register.ControlWord)
            return 0xff;
        Channel c = _channels[offset];
        if (c.Status is byte status)
        {
            c.Status = null;
            return status;
        }
        int value = c.Latched ?? CurrentCount(c);
        bool high = c.Access == Access.HighByte || (c.Access == Access.LowThenHigh && c.ReadHigh);
        if (c.Access == Access.LowThenHigh)
            c.ReadHigh = !c.ReadHigh;
        if (c.Latched is not null && (c.Access != Access.LowThenHigh || !c.ReadHigh))
            c.Latched = null;
        return (ulong)(high ? value >> 8 : value & 0xff);
    }

    public void Write(ulong offset, int size, ulong value)
    {
        int v = (int)(value & 0xff);
        if (offset == (ulong)Register.ControlWord)
            WriteControl(v);
        else
            WriteCount(_channels[offset], v);
        UpdateInterrupts();
    }

    private void WriteControl(int v)
    {
        int select = v >> 6;
        if (select == 3)
        {
            // Read-back: bit 5 low latches counts, bit 4 low latches status, bits 3-1 pick channels.
            for (int i = 0; i < 3; i++)
            {
                if ((v & (2 << i)) == 0)
                    continue;
                Channel rc = _channels[i];
                if ((v & 0x20) == 0)
                    Latch(rc);
                if ((v & 0x10) == 0 && rc.Status is null)
                    rc.Status = StatusByte(rc);
            }
            return;
        }
        Channel c = _channels[select];
        var access = (Access)((v >> 4) & 3);
        if (access == Access.Latch)
        {
            Latch(c);
            return;
        }
        c.Access = access;
        c.ReadHigh = c.WriteHigh = false;
        // M2 is a don't-care bit for modes 2 and 3; the status byte reports the bits as written.
        c.ModeBits = (v >> 1) & 7;
        c.Mode = c.ModeBits > 5 ? c.ModeBits - 4 : c.ModeBits;
        c.Bcd = (v & 1) != 0;
        c.Latched = null;
        c.Status = null;
        c.Loaded = false;
        c.Waiting = true;
        c.Held = null;
        c.NullCount = true;
        c.IdleOutput = c.Mode != 0;
    }

    private void WriteCount(Channel c, int v)
    {
        switch (c.Access)
        {
            case Access.LowByte:
                c.Pending = v;
                break;
            case Access.HighByte:
                c.Pending = v << 8;
                break;
            default:
                if (!c.WriteHigh)
                {
                    c.Pending = v;
                    c.WriteHigh = true;
                    // Mode 0: writing the first byte stops the count with OUT low until the second.
                    if (c.Mode == 0)
                    {
                        c.Waiting = true;
                        c.IdleOutput = false;
                    }
                    return;
                }
                c.Pending |= v << 8;
                c.WriteHigh = false;
                break;
        }
        int count = c.Bcd ? FromBcd(c.Pending) : c.Pending;
        c.Count = count == 0 ? (c.Bcd ? 10000 : 0x10000) : count;
        c.NullCount = false;
        c.Loaded = true;
        // Modes 1 and 5 wait for a rising edge on GATE; the others start counting at once.
        if (c.Mode is 1 or 5)
        {
            c.Waiting = true;
            c.IdleOutput = true;
            return;
        }
        c.Waiting = false;
        c.Start = _clock.NowNs;
        c.Held = c.Gate ? null : 0;
    }

    private void Latch(Channel c)
    {
        if (c.Latched is null)
        {
            c.Latched = CurrentCount(c);
            c.ReadHigh = false;
        }
    }

    private byte StatusByte(Channel c) => (byte)((GetOutputOf(c) ? 0x80 : 0) | (c.NullCount ? 0x40 : 0)
        | ((int)c.Access << 4) | (c.ModeBits << 1) | (c.Bcd ? 1 : 0));

    private bool GetOutputOf(Channel c) => Output(c, Elapsed(c, _clock.NowNs));

    private int CurrentCount(Channel c)
    {
        if (!c.Loaded)
            return 0;
        if (c.Waiting)
            return c.Count & 0xffff;
        long d = Elapsed(c, _clock.NowNs);
        int modulus = c.Bcd ? 10000 : 0x10000;
        long raw = c.Mode switch
        {
            2 => c.Count - d % c.Count,
            3 => c.Count - 2 * d % c.Count,
            _ => ((c.Count - d) % modulus + modulus) % modulus,
        };
        int count = (int)(raw % modulus);
        return c.Bcd ? ToBcd(count) : count;
    }

    /// <summary>CLK pulses since the count was loaded.</summary>
    private long Elapsed(Channel c, long now) => c.Held ?? NsToTicks(now - c.Start);

    /// <summary>
    /// OUT after <paramref name="d"/> clocks, per the 8254 data sheet's waveforms. QEMU draws modes
    /// 2, 4 and 5 inverted (a one-clock high pulse); the rising edges that reach IRQ0 come once per
    /// period either way.
    /// </summary>
    private static bool Output(Channel c, long d)
    {
        if (c.Waiting || !c.Loaded)
            return c.IdleOutput;
        long n = c.Count;
        return c.Mode switch
        {
            0 => d >= n,
            1 => d >= n,
            2 => n == 1 || d % n != n - 1,
            3 => d % n < (n + 1) / 2,
            _ => d != n,
        };
    }

    /// <summary>The next clock count after <paramref name="d"/> at which OUT changes, or null.</summary>
    private static long? NextEdge(Channel c, long d)
    {
        if (c.Waiting || !c.Loaded || c.Held is not null)
            return null;
        long n = c.Count;
        long period = d / n * n;
        return c.Mode switch
        {
            0 or 1 => d < n ? n : null,
            2 => n == 1 ? null : d % n < n - 1 ? period + n - 1 : period + n,
            3 => n == 1 ? null : d % n < (n + 1) / 2 ? period + (n + 1) / 2 : period + n,
            _ => d < n ? n : d == n ? n + 1 : null,
        };
    }

    /// <summary>
    /// Drives IRQ0 from channel 0's OUT and arms the timer for its next edge. The level is taken
    /// at the edge's own time, so a late timer still produces every edge, as QEMU does.
    /// </summary>
    private void UpdateInterrupts() => UpdateChannel0(_clock.NowNs);

    private void UpdateChannel0(long when)
    {
        if (!_irq0Enabled)
        {
            _timer.Cancel();
            return;
        }
        Channel c = _channels[0];
        long d = Elapsed(c, when);
        _irq0.Set(Output(c, d));
        if (NextEdge(c, d) is long edge)
            _timer.Arm(c.Start + TicksToNsCeiling(edge));
        else
            _timer.Cancel();
    }

    private void OnTimer() => UpdateChannel0(_timer.Deadline);

    private static long NsToTicks(long ns) => ns <= 0 ? 0 : (long)((UInt128)(ulong)ns * Frequency / 1_000_000_000);

    private static long TicksToNs(long ticks) => (long)((UInt128)(ulong)ticks * 1_000_000_000 / Frequency);

    private static long TicksToNsCeiling(long ticks) =>
        (long)(((UInt128)(ulong)ticks * 1_000_000_000 + Frequency - 1) / Frequency);

    private static int FromBcd(int v) =>
        (v & 0xf) + ((v >> 4) & 0xf) * 10 + ((v >> 8) & 0xf) * 100 + ((v >> 12) & 0xf) * 1000;

    private static int ToBcd(int v) => v % 10 | v / 10 % 10 << 4 | v / 100 % 10 << 8 | v / 1000 % 10 << 12;

    private sealed class Channel
    {
        public int Mode;
        public int ModeBits;
        public bool Bcd;
        public Access Access;
        public bool ReadHigh;
        public bool WriteHigh;
        public int Pending;
        public int Count = 0x10000;
        public bool Loaded;
        public bool NullCount;
        public bool Gate;

        /// <summary>Counting has not begun: no count yet, or modes 1 and 5 waiting for a GATE trigger.</summary>
        public bool Waiting = true;

        public bool IdleOutput;
        public long Start;

        /// <summary>The clock count frozen while GATE is low.</summary>
        public long? Held;

        public int? Latched;
        public byte? Status;
    }
}

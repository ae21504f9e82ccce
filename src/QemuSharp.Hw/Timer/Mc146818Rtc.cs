using QemuSharp.Common.Irq;
using QemuSharp.Common.Time;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Timer;

/// <summary>
/// The Motorola MC146818A real-time clock and its 128 bytes of CMOS RAM, reached through the
/// index port 0x70 (bit 7 masks NMI) and the data port 0x71; its IRQ output is ISA IRQ 8. The
/// clock counts in UTC from the host's time at start; flags nobody waits for are computed when
/// register C is read, so an idle guest arms no timers.
/// </summary>
public sealed class Mc146818Rtc : IIoHandler, IDeviceInfo
{
    public enum Register
    {
        Seconds = 0x00,
        SecondsAlarm = 0x01,
        Minutes = 0x02,
        MinutesAlarm = 0x03,
        Hours = 0x04,
        HoursAlarm = 0x05,
        DayOfWeek = 0x06,
        DayOfMonth = 0x07,
        Month = 0x08,
        Year = 0x09,

        /// <summary>UIP (7, read only), DV2-DV0 divider (6-4), RS3-RS0 periodic rate (3-0).</summary>
        A = 0x0a,

        /// <summary>SET, PIE, AIE, UIE, SQWE, DM (1 = binary), 24/12, DSE.</summary>
        B = 0x0b,

        /// <summary>IRQF, PF, AF, UF; read only, cleared by reading.</summary>
        C = 0x0c,

        /// <summary>VRT (7): the battery is good.</summary>
        D = 0x0d,

        /// <summary>The century, at the IBM PS/2 position QEMU and its ACPI FADT use.</summary>
        Century = 0x32,
    }

    private const int RegAUip = 0x80;
    private const int RegBSet = 0x80;
    private const int RegBPie = 0x40;
    private const int RegBAie = 0x20;
    private const int RegBUie = 0x10;
    private const int RegBBinary = 0x04;
    private const int RegB24Hour = 0x02;
    private const int RegCIrqf = 0x80;
    private const int RegCPf = 0x40;
    private const int RegCAf = 0x20;
    private const int RegCUf = 0x10;
    private const int RegDVrt = 0x80;
    private const long Second = 1_000_000_000;

    /// <summary>UIP rises this long (8 cycles of the 32.768 kHz time base) before each update.</summary>
    private const long UipLeadNs = 244_141;

    private readonly byte[] _cmos = new byte[128];
    private readonly IClock _clock;
    private readonly IIrqLine _irq;
    private readonly DeviceTimer _periodicTimer;
    private readonly DeviceTimer _updateTimer;
    private long _baseUnixNs;
    private long _baseClockNs;
    private long _lastCheckNs;
    private int _index;

    /// <param name="startUtc">The time the clock shows at start; the host's UTC time when null.</param>
    public Mc146818Rtc(TimerQueue timers, IIrqLine irq, DateTime? startUtc = null)
    {
        _clock = timers.Clock;
        _irq = irq;
        _periodicTimer = timers.Create("rtc-periodic", OnTimer);
        _updateTimer = timers.Create("rtc-update", OnTimer);
        _baseClockNs = _lastCheckNs = _clock.NowNs;
        _baseUnixNs = ((startUtc ?? DateTime.UtcNow) - DateTime.UnixEpoch).Ticks * 100;
        _cmos[(int)Register.A] = 0x26;
        _cmos[(int)Register.B] = RegB24Hour;
        _cmos[(int)Register.D] = RegDVrt;
        Reset();
    }

    public string TypeName => "mc146818rtc";

    public IReadOnlyDictionary<string, string> Properties => new Dictionary<string, string>
    {
        ["base_year"] = "0 (0x0)",
        ["iobase"] = "112 (0x70)",
        ["irq"] = "8 (0x8)",
        ["lost_tick_policy"] = "\"discard\"",
    };

    /// <summary>True while the guest holds NMI masked through bit 7 of port 0x70.</summary>
    public bool NmiMasked { get; private set; }

    public DateTime Now => DateTime.UnixEpoch.AddTicks(GuestNs() / 100);

    public void Attach(IoPortSpace io) => io.Map(0x70, 2, new ByteWideIo(this), "rtc");

    /// <summary>RESET clears the interrupt enables and flags; the clock and CMOS RAM keep running.</summary>
    public void Reset()
    {
        UpdateFlags();
        _cmos[(int)Register.B] &= unchecked((byte)~(RegBPie | RegBAie | RegBUie | 0x08));
        _cmos[(int)Register.C] = 0;
        UpdateInterrupts();
    }

    /// <summary>A CMOS byte that the machine fills in (boot order, equipment, CPU count at 0x5f).</summary>
    public void SetCmos(int index, byte value) => _cmos[index & 0x7f] = value;

    public byte GetCmos(int index) => _cmos[index & 0x7f];

    /// <summary>QEMU's memory size bytes: base, extended, above 16 MiB and above 4 GiB.</summary>
    public void SetMemorySize(ulong belowFourGiB, ulong aboveFourGiB)
    {
        const ulong KiB = 1024, MiB = 1024 * KiB;
        ulong baseKiB = Math.Min(belowFourGiB / KiB, 640);
        SetWord(0x15, baseKiB);
        ulong extended = Math.Min(belowFourGiB > MiB ? (belowFourGiB - MiB) / KiB : 0, 0xffff);
        SetWord(0x17, extended);
        SetWord(0x30, extended);
        ulong above16 = Math.Min(belowFourGiB > 16 * MiB ? (belowFourGiB - 16 * MiB) / (64 * KiB) : 0, 0xffff);
        SetWord(0x34, above16);
        ulong high = aboveFourGiB / (64 * KiB);
        SetWord(0x5b, high);
        _cmos[0x5d] = (byte)(high >> 16);
    }

    private void SetWord(int index, ulong value)
    {
        _cmos[index] = (byte)value;
        _cmos[index + 1] = (byte)(value >> 8);
    }

    public ulong Read(ulong offset, int size)
    {
        if (offset == 0)
            return 0xff;
        switch ((Register)_index)
        {
            case Register.A:
                bool uip = Running && Second - GuestNs() % Second <= UipLeadNs;
                return (ulong)(_cmos[_index] | (uip ? RegAUip : 0));
            case Register.C:
                UpdateFlags();
                byte flags = _cmos[_index];
                _cmos[_index] = 0;
                UpdateInterrupts();
                return flags;
            case Register.D:
                return RegDVrt;
        }
        if (IsTimeRegister(_index) && Running)
            StoreTime(GuestNs());
        return _cmos[_index];
    }

    public void Write(ulong offset, int size, ulong value)
    {
        byte v = (byte)value;
        if (offset == 0)
        {
            _index = v & 0x7f;
            NmiMasked = (v & 0x80) != 0;
            return;
        }
        switch ((Register)_index)
        {
            case Register.A:
                UpdateFlags();
                bool wasReset = (_cmos[_index] & 0x60) == 0x60;
                bool wasRunning = Running;
                if (wasRunning)
                    StoreTime(GuestNs());
                _cmos[_index] = (byte)(v & 0x7f);
                // Leaving divider reset: the first update comes half a second later.
                if (!wasRunning && Running)
                    LoadTime(wasReset ? Second / 2 : 0);
                break;
            case Register.B:
                UpdateFlags();
                if (Running && (v & RegBSet) != 0)
                    StoreTime(GuestNs());
                bool wasSet = (_cmos[_index] & RegBSet) != 0;
                // Setting SET clears UIE.
                _cmos[_index] = (v & RegBSet) != 0 ? (byte)(v & ~RegBUie) : v;
                if (wasSet && Running)
                    LoadTime(0);
                break;
            case Register.C:
            case Register.D:
                break;
            default:
                if (IsTimeRegister(_index) && Running)
                {
                    long phase = GuestNs() % Second;
                    StoreTime(GuestNs());
                    _cmos[_index] = v;
                    LoadTime(phase);
                }
                else
                {
                    _cmos[_index] = v;
                }
                break;
        }
        UpdateInterrupts();
    }

    private bool Running => (_cmos[(int)Register.B] & RegBSet) == 0 && (_cmos[(int)Register.A] & 0x70) <= 0x20;

    private static bool IsTimeRegister(int index) =>
        index is 0x00 or 0x02 or 0x04 or 0x06 or 0x07 or 0x08 or 0x09 or (int)Register.Century;

    private long GuestNs() => Running ? _baseUnixNs + (_clock.NowNs - _baseClockNs) : _baseUnixNs;

    private bool Binary => (_cmos[(int)Register.B] & RegBBinary) != 0;

    private byte Encode(int v) => Binary ? (byte)v : (byte)(v / 10 << 4 | v % 10);

    private int Decode(byte v) => Binary ? v : (v >> 4) * 10 + (v & 0xf);

    /// <summary>In 12-hour mode the hours run 1-12 with bit 7 set after noon.</summary>
    private byte EncodeHour(int hour)
    {
        if ((_cmos[(int)Register.B] & RegB24Hour) != 0)
            return Encode(hour);
        int h12 = hour % 12 == 0 ? 12 : hour % 12;
        return (byte)(Encode(h12) | (hour >= 12 ? 0x80 : 0));
    }

    /// <summary>Writes the time at <paramref name="unixNs"/> into the time registers, in the current format.</summary>
    private void StoreTime(long unixNs)
    {
        DateTime t = DateTime.UnixEpoch.AddTicks(unixNs / 100);
        _cmos[(int)Register.Seconds] = Encode(t.Second);
        _cmos[(int)Register.Minutes] = Encode(t.Minute);
        _cmos[(int)Register.Hours] = EncodeHour(t.Hour);
        _cmos[(int)Register.DayOfWeek] = Encode((int)t.DayOfWeek + 1);
        _cmos[(int)Register.DayOfMonth] = Encode(t.Day);
        _cmos[(int)Register.Month] = Encode(t.Month);
        _cmos[(int)Register.Year] = Encode(t.Year % 100);
        _cmos[(int)Register.Century] = Encode(t.Year / 100);
        _baseUnixNs = unixNs;
        _baseClockNs = _clock.NowNs;
    }

    /// <summary>Restarts the clock from the time registers, <paramref name="phase"/> into the second.</summary>
    private void LoadTime(long phase)
    {
        byte hours = _cmos[(int)Register.Hours];
        int hour;
        if ((_cmos[(int)Register.B] & RegB24Hour) != 0)
            hour = Decode(hours);
        else
            hour = Decode((byte)(hours & 0x7f)) % 12 + ((hours & 0x80) != 0 ? 12 : 0);
        int year = Math.Clamp(Decode(_cmos[(int)Register.Century]) * 100 + Decode(_cmos[(int)Register.Year]), 1970, 9998);
        DateTime t = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc)
            .AddMonths(Math.Clamp(Decode(_cmos[(int)Register.Month]), 1, 12) - 1)
            .AddDays(Math.Clamp(Decode(_cmos[(int)Register.DayOfMonth]), 1, 31) - 1)
            .AddHours(hour)
            .AddMinutes(Decode(_cmos[(int)Register.Minutes]))
            .AddSeconds(Decode(_cmos[(int)Register.Seconds]));
        _baseUnixNs = (t - DateTime.UnixEpoch).Ticks * 100 + phase;
        _baseClockNs = _lastCheckNs = _clock.NowNs;
    }

    /// <summary>Periodic interrupt period in 32.768 kHz cycles; rates 1 and 2 repeat rates 8 and 9.</summary>
    private int PeriodicCycles
    {
        get
        {
            int rs = _cmos[(int)Register.A] & 0x0f;
            return rs switch { 0 => 0, 1 or 2 => 1 << (rs + 6), _ => 1 << (rs - 1) };
        }
    }

    private static long CyclesAt(long ns) => (long)((Int128)ns * 32768 / Second);

    private static long NsAtCycles(long cycles) => (long)(((Int128)cycles * Second + 32767) / 32768);

    /// <summary>Sets PF and UF (and AF on a matching update) for boundaries passed since the last look.</summary>
    private void UpdateFlags()
    {
        long now = _clock.NowNs;
        long prev = _lastCheckNs;
        _lastCheckNs = now;
        bool dividerRunning = (_cmos[(int)Register.A] & 0x70) <= 0x20;
        int period = PeriodicCycles;
        if (dividerRunning && period > 0 && CyclesAt(now) / period > CyclesAt(prev) / period)
            _cmos[(int)Register.C] |= RegCPf;
        if (!Running)
            return;
        long guestNow = GuestNs();
        long guestPrev = guestNow - (now - prev);
        if (guestNow / Second > guestPrev / Second)
        {
            _cmos[(int)Register.C] |= RegCUf;
            if (AlarmMatches(guestNow))
                _cmos[(int)Register.C] |= RegCAf;
        }
    }

    /// <summary>An alarm byte with its two top bits set matches any value.</summary>
    private bool AlarmMatches(long unixNs)
    {
        DateTime t = DateTime.UnixEpoch.AddTicks(unixNs / 100);
        return Matches(Register.SecondsAlarm, Encode(t.Second))
            && Matches(Register.MinutesAlarm, Encode(t.Minute))
            && Matches(Register.HoursAlarm, EncodeHour(t.Hour));
    }

    private bool Matches(Register alarm, byte value) =>
        (_cmos[(int)alarm] & 0xc0) == 0xc0 || _cmos[(int)alarm] == value;

    private void OnTimer()
    {
        UpdateFlags();
        UpdateInterrupts();
    }

    /// <summary>
    /// IRQF (and the IRQ 8 level) is any flag whose enable is set. Timers run only for enabled
    /// events whose flag is still clear: until register C is read, another one changes nothing.
    /// </summary>
    private void UpdateInterrupts()
    {
        byte b = _cmos[(int)Register.B];
        byte c = (byte)(_cmos[(int)Register.C] & ~RegCIrqf);
        bool irqf = (c & b & (RegBPie | RegBAie | RegBUie)) != 0;
        _cmos[(int)Register.C] = (byte)(c | (irqf ? RegCIrqf : 0));
        _irq.Set(irqf);

        long now = _clock.NowNs;
        int period = PeriodicCycles;
        bool periodic = (b & RegBPie) != 0 && (c & RegCPf) == 0 && period > 0 && (_cmos[(int)Register.A] & 0x70) <= 0x20;
        if (periodic)
            _periodicTimer.Arm(NsAtCycles((CyclesAt(now) / period + 1) * period));
        else
            _periodicTimer.Cancel();
        bool update = ((b & RegBUie) != 0 && (c & RegCUf) == 0) || ((b & RegBAie) != 0 && (c & RegCAf) == 0);
        if (update && Running)
            _updateTimer.Arm(now + Second - GuestNs() % Second);
        else
            _updateTimer.Cancel();
    }
}

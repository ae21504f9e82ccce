using QemuSharp.Common.Irq;
using QemuSharp.Common.Time;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Timer;

/// <summary>HPET register offsets (IA-PC HPET specification 1.0a, section 2.3); timer N's block is at 0x100 + 0x20 * N.</summary>
public enum HpetRegister : ushort
{
    GeneralCapabilities = 0x000,
    GeneralConfiguration = 0x010,
    GeneralInterruptStatus = 0x020,
    MainCounter = 0x0f0,
    TimerConfiguration = 0x100,
    TimerComparator = 0x108,
    TimerFsbRoute = 0x110,
}

/// <summary>
/// The High Precision Event Timer as QEMU's pc machine has it: three comparators on a 100 MHz
/// 64-bit main counter, each one-shot or periodic, edge or level, 32- or 64-bit; in legacy
/// replacement mode timer 0 drives IRQ0 and timer 1 drives IRQ8 and the PIT and RTC are cut off.
/// </summary>
public sealed class Hpet : IIoHandler
{
    public const ulong DefaultBase = 0xfed00000;
    public const ulong MmioSize = 0x400;
    public const int TimerCount = 3;

    /// <summary>Counter period in femtoseconds: 10 ns, a 100 MHz counter.</summary>
    public const uint PeriodFs = 10_000_000;

    private const long NsPerTick = 10;

    /// <summary>Tn_INT_ROUTE_CNF selects one of 32 inputs; those beyond the IOAPIC's 24 go nowhere, as in QEMU.</summary>
    private const int IoApicPins = 24;

    /// <summary>Revision 1, NUM_TIM_CAP 2 (three timers), COUNT_SIZE_CAP, LEG_RT_CAP, vendor 0x8086.</summary>
    public const ulong CapabilitiesValue = (ulong)PeriodFs << 32 | 0x8086_0000 | 1 << 15 | 1 << 13 | (TimerCount - 1) << 8 | 0x01;

    private const ulong ConfigEnable = 1 << 0, ConfigLegacy = 1 << 1;
    private const ulong TnLevel = 1 << 1, TnEnable = 1 << 2, TnPeriodic = 1 << 3, TnPeriodicCap = 1 << 4;
    private const ulong TnSizeCap = 1 << 5, TnSetValue = 1 << 6, Tn32Bit = 1 << 8;
    private const ulong TnWritable = 0x7f4e;

    /// <summary>QEMU's pc (i440FX) allows timers to route only to IOAPIC input 2 (Tn_INT_ROUTE_CAP bit 2).</summary>
    public const uint RouteCapability = 1 << 2;

    private sealed class Comparator
    {
        public ulong Config, Compare, Period;
        public DeviceTimer Timer = null!;
    }

    private readonly IClock _clock;
    private readonly Comparator[] _timers = new Comparator[TimerCount];
    private readonly IIrqLine _legacyIrq0, _legacyIrq8;
    private readonly Func<int, IIrqLine> _ioApicInput;
    private ulong _config, _status, _counter;
    private long _offsetNs;
    private bool _rtcLevel;

    /// <param name="legacyIrq0">ISA IRQ0 (8259 input 0 and IOAPIC input 2).</param>
    /// <param name="legacyIrq8">ISA IRQ8 (8259 input 8 and IOAPIC input 8).</param>
    /// <param name="ioApicInput">The IOAPIC input a timer's Tn_INT_ROUTE_CNF selects.</param>
    public Hpet(TimerQueue timers, IIrqLine legacyIrq0, IIrqLine legacyIrq8, Func<int, IIrqLine> ioApicInput)
    {
        _clock = timers.Clock;
        _legacyIrq0 = legacyIrq0;
        _legacyIrq8 = legacyIrq8;
        _ioApicInput = ioApicInput;
        for (int i = 0; i < TimerCount; i++)
        {
            int n = i;
            _timers[i] = new Comparator { Timer = timers.Create($"hpet-timer{i}", () => Expired(n)) };
        }
        RtcIrqInput = new IrqLine(SetRtcLevel);
        Reset();
    }

    /// <summary>The RTC's interrupt output: it reaches IRQ8 only outside legacy replacement mode.</summary>
    public IIrqLine RtcIrqInput { get; }

    /// <summary>Called with false when legacy replacement mode takes IRQ0 from the PIT, true when it gives it back.</summary>
    public Action<bool>? PitEnabledChanged { get; set; }

    private bool Enabled => (_config & ConfigEnable) != 0;

    private bool Legacy => (_config & ConfigLegacy) != 0;

    public void Reset()
    {
        foreach (var t in _timers)
        {
            t.Timer.Cancel();
            t.Config = TnPeriodicCap | TnSizeCap | (ulong)RouteCapability << 32;
            t.Compare = ulong.MaxValue;
            t.Period = 0;
        }
        bool wasLegacy = Legacy;
        _config = _status = _counter = 0;
        _offsetNs = 0;
        if (wasLegacy)
            PitEnabledChanged?.Invoke(true);
    }

    public ulong Read(ulong offset, int size)
    {
        ulong value = ReadRegister(offset & ~7ul);
        if (size == 4)
            value = (uint)(value >> (int)(8 * (offset & 4)));
        return value;
    }

    public void Write(ulong offset, int size, ulong value)
    {
        ulong mask = size == 8 ? ulong.MaxValue : 0xffffffffUL << (int)(8 * (offset & 4));
        if (size != 8)
            value <<= (int)(8 * (offset & 4));
        WriteRegister(offset & ~7ul, value & mask, mask);
    }

    private ulong Ticks => Enabled ? (ulong)((_clock.NowNs + _offsetNs) / NsPerTick) : _counter;

    private ulong ReadRegister(ulong reg)
    {
        switch ((HpetRegister)reg)
        {
            case HpetRegister.GeneralCapabilities: return CapabilitiesValue;
            case HpetRegister.GeneralConfiguration: return _config;
            case HpetRegister.GeneralInterruptStatus: return _status;
            case HpetRegister.MainCounter: return Ticks;
        }
        if (TimerAt(reg, out var t, out var field))
        {
            return field switch
            {
                HpetRegister.TimerConfiguration => t.Config,
                HpetRegister.TimerComparator => t.Compare,
                _ => 0,
            };
        }
        return 0;
    }

    private void WriteRegister(ulong reg, ulong value, ulong mask)
    {
        switch ((HpetRegister)reg)
        {
            case HpetRegister.GeneralConfiguration:
                WriteConfiguration((_config & ~mask) | (value & mask & (ConfigEnable | ConfigLegacy)));
                return;
            case HpetRegister.GeneralInterruptStatus:
                for (int i = 0; i < TimerCount; i++)
                    if ((value & _status & (1ul << i)) != 0)
                        UpdateInterrupt(i, false);
                return;
            case HpetRegister.MainCounter:
                if (!Enabled)
                    _counter = (_counter & ~mask) | (value & mask);
                return;
        }
        if (!TimerAt(reg, out var t, out var field))
            return;
        int n = Array.IndexOf(_timers, t);
        if (field == HpetRegister.TimerConfiguration)
            WriteTimerConfiguration(n, t, (t.Config & ~(mask & TnWritable)) | (value & mask & TnWritable));
        else if (field == HpetRegister.TimerComparator)
            WriteComparator(t, value, mask);
    }

    private bool TimerAt(ulong reg, out Comparator timer, out HpetRegister field)
    {
        int n = (int)((reg - 0x100) >> 5);
        timer = null!;
        field = (HpetRegister)(0x100 + (reg & 0x1f));
        if (reg < 0x100 || n >= TimerCount)
            return false;
        timer = _timers[n];
        return true;
    }

    private void WriteConfiguration(ulong value)
    {
        ulong old = _config;
        _config = value;
        if ((value & ~old & ConfigEnable) != 0)
        {
            _offsetNs = (long)_counter * NsPerTick - _clock.NowNs;
            for (int i = 0; i < TimerCount; i++)
                if ((_timers[i].Config & TnEnable) != 0)
                    Schedule(_timers[i]);
        }
        else if ((old & ~value & ConfigEnable) != 0)
        {
            _counter = (ulong)((_clock.NowNs + _offsetNs) / NsPerTick);
            foreach (var t in _timers)
                t.Timer.Cancel();
        }
        if ((value & ~old & ConfigLegacy) != 0)
        {
            PitEnabledChanged?.Invoke(false);
            _legacyIrq0.Lower();
            _legacyIrq8.Lower();
        }
        else if ((old & ~value & ConfigLegacy) != 0)
        {
            _legacyIrq0.Lower();
            PitEnabledChanged?.Invoke(true);
            _legacyIrq8.Set(_rtcLevel);
        }
    }

    private void WriteTimerConfiguration(int n, Comparator t, ulong value)
    {
        ulong old = t.Config;
        t.Config = value;
        if ((value & Tn32Bit) != 0)
        {
            t.Compare = (uint)t.Compare;
            t.Period = (uint)t.Period;
        }
        if ((value & ~old & TnEnable) != 0 && Enabled)
            Schedule(t);
        else if ((old & ~value & TnEnable) != 0)
            t.Timer.Cancel();
        if ((old & ~value & TnLevel) != 0 || (old & ~value & TnEnable) != 0)
            UpdateInterrupt(n, false);
    }

    /// <summary>
    /// A comparator write sets the comparator (one-shot, or periodic with Tn_VAL_SET_CNF) and
    /// the period; in 32-bit mode the upper half reads and stays zero.
    /// </summary>
    private void WriteComparator(Comparator t, ulong value, ulong mask)
    {
        if ((t.Config & Tn32Bit) != 0)
            mask &= 0xffffffff;
        if ((t.Config & TnPeriodic) == 0 || (t.Config & TnSetValue) != 0)
            t.Compare = (t.Compare & ~mask) | (value & mask);
        t.Period = (t.Period & ~mask) | (value & mask);
        t.Config &= ~TnSetValue;
        if (Enabled && (t.Config & TnEnable) != 0)
            Schedule(t);
    }

    /// <summary>
    /// Arms the host timer for the tick at which the counter next equals the comparator; a
    /// comparator already passed fires on the next tick, as in QEMU.
    /// </summary>
    private void Schedule(Comparator t)
    {
        ulong now = Ticks;
        ulong diff;
        if ((t.Config & Tn32Bit) != 0)
        {
            uint d = (uint)t.Compare - (uint)now;
            diff = (int)d > 0 ? d : 1;
        }
        else
        {
            ulong d = t.Compare - now;
            diff = (long)d > 0 ? d : 1;
        }
        long deadline = ((long)(now + Math.Min(diff, (ulong)long.MaxValue / 32)) * NsPerTick) - _offsetNs;
        t.Timer.Arm(deadline);
    }

    /// <summary>A periodic comparator that matched moves on by whole periods until it lies ahead of the counter.</summary>
    private void Expired(int n)
    {
        Comparator t = _timers[n];
        ulong now = Ticks;
        if ((t.Config & TnPeriodic) != 0 && t.Period != 0)
        {
            if ((t.Config & Tn32Bit) != 0)
            {
                while ((int)((uint)t.Compare - (uint)now) <= 0)
                    t.Compare = (uint)(t.Compare + t.Period);
            }
            else
            {
                while ((long)(t.Compare - now) <= 0)
                    t.Compare += t.Period;
            }
            Schedule(t);
        }
        UpdateInterrupt(n, true);
    }

    /// <summary>
    /// Edge timers pulse their line; level timers set their status bit and hold the line until
    /// software writes 1 to that bit. A disabled timer or HPET leaves its line low.
    /// </summary>
    private void UpdateInterrupt(int n, bool fire)
    {
        Comparator t = _timers[n];
        ulong bit = 1ul << n;
        IIrqLine line = Route(n);
        if (!fire || (t.Config & TnEnable) == 0 || !Enabled)
        {
            _status &= ~bit;
            line.Lower();
        }
        else if ((t.Config & TnLevel) != 0)
        {
            _status |= bit;
            line.Raise();
        }
        else
        {
            _status &= ~bit;
            line.Pulse();
        }
    }

    private IIrqLine Route(int n)
    {
        if (Legacy && n < 2)
            return n == 0 ? _legacyIrq0 : _legacyIrq8;
        int route = (int)((_timers[n].Config >> 9) & 0x1f);
        return route < IoApicPins ? _ioApicInput(route) : NullIrqLine.Instance;
    }

    private void SetRtcLevel(bool level)
    {
        _rtcLevel = level;
        if (!Legacy)
            _legacyIrq8.Set(level);
    }
}

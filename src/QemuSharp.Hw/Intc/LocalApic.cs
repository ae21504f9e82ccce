using QemuSharp.Common.Irq;
using QemuSharp.Common.Time;
using QemuSharp.Memory;
using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.Hw.Intc;

/// <summary>
/// The local APIC of one CPU in xAPIC mode, as QEMU's "apic" device: a 4 KiB register page at
/// the APIC base, six LVT entries, a timer counting the 1 GHz APIC bus clock, and the LINT0
/// virtual-wire path that passes the 8259's INTR to the CPU.
/// </summary>
public sealed class LocalApic : IIoHandler, IInterruptController
{
    public const ulong DefaultBase = 0xfee00000;
    public const ulong MmioSize = 0x1000;

    /// <summary>IA32_APIC_BASE (MSR 0x1b) bits: BSP flag and global enable.</summary>
    public const ulong BaseMsrBsp = 1 << 8, BaseMsrEnable = 1 << 11;

    /// <summary>Version 0x14 (integrated APIC), six LVT entries (max LVT index 5 in bits 16-23).</summary>
    public const uint VersionValue = 0x00050014;

    private const uint LvtMasked = 1 << 16, LvtLevel = 1 << 15, LvtRemoteIrr = 1 << 14;
    private const uint SvrEnable = 1 << 8;
    private const int LvtCount = 6, LvtTimerIndex = 0, LvtLint0Index = 3, LvtLint1Index = 4, LvtErrorIndex = 5;
    private const uint EsrSendIllegalVector = 1 << 5, EsrReceiveIllegalVector = 1 << 6, EsrIllegalRegister = 1 << 7;

    private readonly IClock _clock;
    private readonly DeviceTimer _timer;
    private readonly bool _bsp;
    private readonly ApicVectorSet _isr = new(), _tmr = new(), _irr = new();
    private readonly uint[] _lvt = new uint[LvtCount];
    private uint _id, _tpr, _ldr, _dfr, _svr, _esr, _esrPending, _icrLow, _icrHigh;
    private uint _initialCount, _divideConfig;
    private int _countShift;
    private long _countLoadTime;
    private ulong _tscDeadline;
    private bool _lint0Level, _lint1Level, _nmiPending;

    public LocalApic(TimerQueue timers, byte apicId = 0, bool bsp = true)
    {
        _clock = timers.Clock;
        _timer = timers.Create("apic-timer", TimerExpired);
        _bsp = bsp;
        InitialId = apicId;
        Lint0 = new IrqLine(SetLint0);
        Lint1 = new IrqLine(SetLint1);
        Reset();
    }

    public byte InitialId { get; }

    /// <summary>IA32_APIC_BASE as the CPU's RDMSR/WRMSR sees it.</summary>
    public ulong BaseMsr { get; private set; }

    public ulong BaseAddress => BaseMsr & 0xf_ffff_f000;

    /// <summary>Local interrupt 0: the 8259's INTR output in a PC.</summary>
    public IIrqLine Lint0 { get; }

    /// <summary>Local interrupt 1: the NMI line in a PC.</summary>
    public IIrqLine Lint1 { get; }

    /// <summary>The INTA cycle to the 8259: returns the vector of its highest pending request.</summary>
    public Func<byte>? PicAcknowledge { get; set; }

    /// <summary>An EOI for a level-triggered vector, broadcast to the IOAPICs.</summary>
    public Action<byte>? EoiBroadcast { get; set; }

    /// <summary>Called when an interrupt or NMI becomes deliverable, to wake a halted CPU.</summary>
    public Action? Kick { get; set; }

    /// <summary>Converts an IA32_TSC_DEADLINE value to the clock's nanoseconds (the TSC runs at 1 GHz).</summary>
    public Func<ulong, long> TscToClockNs { get; set; } = tsc => (long)Math.Min(tsc, long.MaxValue);

    public bool HardwareEnabled => (BaseMsr & BaseMsrEnable) != 0;

    public bool SoftwareEnabled => (_svr & SvrEnable) != 0;

    public bool HasInterrupt => HighestDeliverable() >= 0 || PicInterruptPending;

    public bool HasNmi => _nmiPending;

    /// <summary>
    /// The 8259 reaches the CPU when the APIC is globally disabled, or when LINT0 is unmasked in
    /// ExtINT mode (virtual-wire mode A).
    /// </summary>
    private bool PicInterruptPending =>
        _lint0Level && (!HardwareEnabled || (_lvt[LvtLint0Index] & LvtMasked) == 0 && LvtMode(LvtLint0Index) == ApicDeliveryMode.ExtInt);

    /// <summary>Power-on and INIT state; the BSP's LINT0 starts in ExtINT mode, as QEMU leaves it for the BIOS.</summary>
    public void Reset()
    {
        BaseMsr = DefaultBase | BaseMsrEnable | (_bsp ? BaseMsrBsp : 0);
        _id = InitialId;
        _tpr = _ldr = _esr = _esrPending = _icrLow = _icrHigh = 0;
        _dfr = 0xffffffff;
        _svr = 0xff;
        _isr.Clear();
        _tmr.Clear();
        _irr.Clear();
        Array.Fill(_lvt, LvtMasked);
        if (_bsp)
            _lvt[LvtLint0Index] = (uint)ApicDeliveryMode.ExtInt << 8;
        _initialCount = _divideConfig = 0;
        _countShift = 1;
        _countLoadTime = 0;
        _tscDeadline = 0;
        _nmiPending = false;
        _timer.Cancel();
        UpdateInterrupts();
    }

    /// <summary>
    /// WRMSR to IA32_APIC_BASE: the BSP flag is read-only and a globally disabled APIC stays
    /// disabled until reset. A new base is recorded in <see cref="BaseAddress"/>; moving the MMIO
    /// window is the machine's job.
    /// </summary>
    public void WriteBaseMsr(ulong value)
    {
        ulong keep = BaseMsr & (BaseMsrBsp | BaseMsrEnable);
        if ((value & BaseMsrEnable) == 0)
        {
            keep &= ~BaseMsrEnable;
            _svr &= ~SvrEnable;
            MaskAllLvts();
        }
        BaseMsr = (value & 0xf_ffff_f000) | keep;
        UpdateInterrupts();
    }

    /// <summary>IA32_TSC_DEADLINE (MSR 0x6e0): in TSC-deadline mode the timer fires when the TSC reaches it, then reads 0.</summary>
    public ulong TscDeadline
    {
        get => _tscDeadline;
        set
        {
            _tscDeadline = value;
            if (TimerMode == 2)
                ArmTimer();
        }
    }

    public ulong Read(ulong offset, int size)
    {
        uint value = ReadRegister((int)(offset & 0xff0));
        return (offset & 0xf) < 4 ? value >> (int)(8 * (offset & 3)) : 0;
    }

    public void Write(ulong offset, int size, ulong value)
    {
        if ((offset & 0xf) == 0)
            WriteRegister((int)(offset & 0xff0), (uint)value);
    }

    /// <summary>An APIC-bus message (from an IOAPIC or an ICR) that this APIC accepts if its destination matches.</summary>
    public void Accept(ApicMessage message)
    {
        if (!HardwareEnabled || !MatchesDestination(message.Destination, message.LogicalDestination))
            return;
        Deliver(message.Mode, message.Vector, message.LevelTriggered);
    }

    public byte Acknowledge()
    {
        int vector = HighestDeliverable();
        if (vector >= 0)
        {
            _irr.Remove(vector);
            _isr.Add(vector);
            UpdateInterrupts();
            return (byte)vector;
        }
        if (PicInterruptPending && PicAcknowledge is { } inta)
            return inta();
        return (byte)_svr;
    }

    public void AcknowledgeNmi() => _nmiPending = false;

    private uint ReadRegister(int offset)
    {
        switch ((LocalApicRegister)offset)
        {
            case LocalApicRegister.Id: return _id << 24;
            case LocalApicRegister.Version: return VersionValue;
            case LocalApicRegister.TaskPriority: return _tpr;
            case LocalApicRegister.ProcessorPriority: return ProcessorPriority();
            case LocalApicRegister.LogicalDestination: return _ldr;
            case LocalApicRegister.DestinationFormat: return _dfr;
            case LocalApicRegister.SpuriousVector: return _svr;
            case LocalApicRegister.ErrorStatus: return _esr;
            case LocalApicRegister.InterruptCommandLow: return _icrLow;
            case LocalApicRegister.InterruptCommandHigh: return _icrHigh;
            case LocalApicRegister.TimerInitialCount: return _initialCount;
            case LocalApicRegister.TimerCurrentCount: return CurrentCount();
            case LocalApicRegister.TimerDivideConfig: return _divideConfig;
        }
        if (offset >= 0x100 && offset < 0x280)
        {
            ApicVectorSet bank = offset < 0x180 ? _isr : offset < 0x200 ? _tmr : _irr;
            return bank.Word((offset >> 4) & 7);
        }
        if (offset >= (int)LocalApicRegister.LvtTimer && offset <= (int)LocalApicRegister.LvtError)
            return _lvt[(offset - (int)LocalApicRegister.LvtTimer) >> 4];
        return 0;
    }

    private void WriteRegister(int offset, uint value)
    {
        switch ((LocalApicRegister)offset)
        {
            case LocalApicRegister.Id: _id = value >> 24; return;
            case LocalApicRegister.TaskPriority: _tpr = value & 0xff; break;
            case LocalApicRegister.Eoi: EndOfInterrupt(); return;
            case LocalApicRegister.LogicalDestination: _ldr = value & 0xff000000; return;
            case LocalApicRegister.DestinationFormat: _dfr = value | 0x0fffffff; return;
            case LocalApicRegister.SpuriousVector:
                _svr = value & 0x1ff;
                if (!SoftwareEnabled)
                    MaskAllLvts();
                break;
            case LocalApicRegister.ErrorStatus: _esr = _esrPending; _esrPending = 0; return;
            case LocalApicRegister.InterruptCommandLow: _icrLow = value & ~(1u << 12); SendIpi(); break;
            case LocalApicRegister.InterruptCommandHigh: _icrHigh = value & 0xff000000; return;
            case LocalApicRegister.TimerInitialCount:
                _initialCount = value;
                _countLoadTime = _clock.NowNs;
                ArmTimer(countJustLoaded: true);
                return;
            case LocalApicRegister.TimerDivideConfig:
                _divideConfig = value & 0xb;
                _countShift = (int)(((value & 3) | ((value >> 1) & 4)) + 1) & 7;
                return;
            default:
                if (offset >= (int)LocalApicRegister.LvtTimer && offset <= (int)LocalApicRegister.LvtError)
                {
                    WriteLvt((offset - (int)LocalApicRegister.LvtTimer) >> 4, value);
                    break;
                }
                if (!Enum.IsDefined((LocalApicRegister)offset) && offset is not (>= 0x100 and < 0x280))
                    SignalError(EsrIllegalRegister);
                return;
        }
        UpdateInterrupts();
    }

    private void WriteLvt(int index, uint value)
    {
        uint writable = index switch
        {
            LvtTimerIndex => 0x700ff,
            LvtLint0Index or LvtLint1Index => 0x1a7ff,
            LvtErrorIndex => 0x100ff,
            _ => 0x107ff,
        };
        uint old = _lvt[index];
        _lvt[index] = (value & writable) | (old & LvtRemoteIrr) | (SoftwareEnabled ? 0 : LvtMasked);
        if (index == LvtTimerIndex && ((old ^ _lvt[index]) & (3u << 17)) != 0)
        {
            _timer.Cancel();
            if (TimerMode == 2)
                _initialCount = 0;
            ArmTimer();
        }
    }

    private uint TimerMode => (_lvt[LvtTimerIndex] >> 17) & 3;

    private ApicDeliveryMode LvtMode(int index) => (ApicDeliveryMode)((_lvt[index] >> 8) & 7);

    private void MaskAllLvts()
    {
        for (int i = 0; i < LvtCount; i++)
            _lvt[i] |= LvtMasked;
    }

    private uint ProcessorPriority()
    {
        int isrv = _isr.Highest;
        uint isrClass = isrv < 0 ? 0 : (uint)isrv & 0xf0;
        return (_tpr & 0xf0) >= isrClass ? _tpr : isrClass;
    }

    private int HighestDeliverable()
    {
        if (!HardwareEnabled || !SoftwareEnabled)
            return -1;
        int vector = _irr.Highest;
        return vector >= 0 && (vector & 0xf0) > (ProcessorPriority() & 0xf0) ? vector : -1;
    }

    private void EndOfInterrupt()
    {
        int vector = _isr.Highest;
        if (vector < 0)
            return;
        _isr.Remove(vector);
        if (_tmr.Contains(vector))
            EoiBroadcast?.Invoke((byte)vector);
        UpdateInterrupts();
    }

    private void Deliver(ApicDeliveryMode mode, byte vector, bool level)
    {
        switch (mode)
        {
            case ApicDeliveryMode.Fixed or ApicDeliveryMode.LowestPriority:
                if (vector < 16)
                {
                    SignalError(EsrReceiveIllegalVector);
                    return;
                }
                _irr.Add(vector);
                if (level) _tmr.Add(vector); else _tmr.Remove(vector);
                break;
            case ApicDeliveryMode.Nmi:
                _nmiPending = true;
                break;
        }
        UpdateInterrupts();
    }

    private void DeliverLvt(int index)
    {
        uint lvt = _lvt[index];
        if ((lvt & LvtMasked) != 0)
            return;
        bool level = index is LvtLint0Index or LvtLint1Index && (lvt & LvtLevel) != 0;
        Deliver(LvtMode(index), (byte)lvt, level);
    }

    private void SetLint0(bool level)
    {
        bool rising = level && !_lint0Level;
        _lint0Level = level;
        if (rising && LvtMode(LvtLint0Index) != ApicDeliveryMode.ExtInt)
            DeliverLvt(LvtLint0Index);
        UpdateInterrupts();
    }

    private void SetLint1(bool level)
    {
        bool rising = level && !_lint1Level;
        _lint1Level = level;
        if (rising)
            DeliverLvt(LvtLint1Index);
    }

    /// <summary>Sends the ICR's message. With one CPU only this APIC can be a destination.</summary>
    private void SendIpi()
    {
        var mode = (ApicDeliveryMode)((_icrLow >> 8) & 7);
        byte vector = (byte)_icrLow;
        bool toSelf = ((_icrLow >> 18) & 3) switch
        {
            1 or 2 => true,
            3 => false,
            _ => MatchesDestination((byte)(_icrHigh >> 24), (_icrLow & (1 << 11)) != 0),
        };
        if (mode is ApicDeliveryMode.Fixed or ApicDeliveryMode.LowestPriority && vector < 16)
        {
            SignalError(EsrSendIllegalVector);
            return;
        }
        if (toSelf && mode is ApicDeliveryMode.Fixed or ApicDeliveryMode.LowestPriority or ApicDeliveryMode.Nmi)
            Deliver(mode, vector, level: false);
    }

    private bool MatchesDestination(byte destination, bool logical)
    {
        if (!logical)
            return destination == 0xff || destination == (byte)_id;
        byte ldr = (byte)(_ldr >> 24);
        if (destination == 0xff)
            return true;
        if ((_dfr >> 28) == 0xf)
            return (ldr & destination) != 0;
        return (destination >> 4 == ldr >> 4 || destination >> 4 == 0xf) && (ldr & destination & 0xf) != 0;
    }

    private void SignalError(uint bit)
    {
        _esrPending |= bit;
        DeliverLvt(LvtErrorIndex);
    }

    private uint CurrentCount()
    {
        if (TimerMode == 2 || _initialCount == 0)
            return 0;
        long ticks = (_clock.NowNs - _countLoadTime) >> _countShift;
        if (TimerMode == 1)
            return (uint)(_initialCount - ticks % ((long)_initialCount + 1));
        return ticks >= _initialCount ? 0 : (uint)(_initialCount - ticks);
    }

    /// <summary>
    /// One-shot counts down once from the initial count; periodic reloads it every
    /// (initial count + 1) ticks of the bus clock divided by 2^shift; TSC-deadline fires at the deadline.
    /// </summary>
    private void ArmTimer(bool countJustLoaded = false)
    {
        _timer.Cancel();
        switch (TimerMode)
        {
            case 2 when _tscDeadline != 0:
                _timer.Arm(TscToClockNs(_tscDeadline));
                break;
            case 1 when _initialCount != 0:
                long period = (long)_initialCount + 1;
                long elapsed = (_clock.NowNs - _countLoadTime) >> _countShift;
                _timer.Arm(_countLoadTime + ((elapsed / period + 1) * period << _countShift));
                break;
            case 0 when _initialCount != 0:
                // A count that ran out before this call still fires: a write of a tiny count
                // (Linux's minimum delta) must interrupt even if time moved on meanwhile.
                long ticks = (_clock.NowNs - _countLoadTime) >> _countShift;
                if (ticks < _initialCount || countJustLoaded)
                    _timer.Arm(_countLoadTime + ((long)_initialCount << _countShift));
                break;
        }
    }

    private void TimerExpired()
    {
        DeliverLvt(LvtTimerIndex);
        switch (TimerMode)
        {
            case 1:
                ArmTimer();
                break;
            case 2:
                _tscDeadline = 0;
                break;
        }
    }

    /// <summary>Wakes the CPU when an interrupt or NMI is deliverable.</summary>
    private void UpdateInterrupts()
    {
        if (_nmiPending || HasInterrupt)
            Kick?.Invoke();
    }
}

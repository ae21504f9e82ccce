using QemuSharp.Common.Irq;
using QemuSharp.Common.Time;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Acpi;

/// <summary>Offsets in the PIIX4 power-management I/O block (PIIX4 datasheet, section 7.2; ACPI 6.4, section 4.8).</summary>
public enum PmRegister : byte
{
    Pm1Status = 0x00,
    Pm1Enable = 0x02,
    Pm1Control = 0x04,
    PmTimer = 0x08,
}

/// <summary>
/// The ACPI fixed hardware of QEMU's PIIX4 PM function: PM1a event and control blocks, the
/// 24-bit 3.579545 MHz PM timer, a 4-byte GPE0 block, the SCI, the fixed power button, soft-off
/// through SLP_TYP 0, and the APM command port where ACPI_ENABLE and ACPI_DISABLE toggle SCI_EN.
/// </summary>
public sealed class Piix4Pm
{
    /// <summary>The PM base that QEMU's firmware programs into the PIIX4 (PMBA); the block is 64 ports.</summary>
    public const ushort DefaultBase = 0x600;
    public const int BlockLength = 0x40;
    public const ushort Gpe0Base = 0xafe0;
    public const byte Gpe0Length = 4;

    /// <summary>APM control (SMI command) and status ports.</summary>
    public const ushort SmiCommandPort = 0xb2;
    public const byte AcpiEnableCommand = 0xf1, AcpiDisableCommand = 0xf0;
    public const byte SciIrq = 9;

    /// <summary>The SLP_TYP value of QEMU's \_S5 package.</summary>
    public const byte SoftOffSleepType = 0;

    public const long TimerFrequencyHz = 3_579_545;

    public const ushort TimerStatus = 1 << 0, GlobalStatus = 1 << 5, PowerButtonStatus = 1 << 8, RtcStatus = 1 << 10;
    public const ushort SciEnable = 1 << 0, SleepEnable = 1 << 13;

    /// <summary>PM1 events that raise the SCI when both their status and enable bits are set.</summary>
    private const ushort SciEvents = TimerStatus | GlobalStatus | PowerButtonStatus | RtcStatus;

    private const long TimerOverflowTicks = 1 << 23;

    private readonly IClock _clock;
    private readonly DeviceTimer _overflowTimer;
    private readonly IIrqLine _sci;
    private ushort _status, _enable, _control, _gpeStatus, _gpeEnable;
    private byte _apmControl, _apmStatus;
    private long _nextOverflowNs;

    public Piix4Pm(TimerQueue timers, IIrqLine sci)
    {
        _clock = timers.Clock;
        _sci = sci;
        _overflowTimer = timers.Create("acpi-pm-timer", UpdateInterrupts);
        Pm = new IoHandler(ReadPm, WritePm);
        Gpe0 = new IoHandler(ReadGpe, WriteGpe);
        Apm = new IoHandler(ReadApm, WriteApm);
        Reset();
    }

    /// <summary>The PM1 and timer block, 64 ports at <see cref="DefaultBase"/>.</summary>
    public IIoHandler Pm { get; }

    /// <summary>GPE0 status and enable, 4 ports at <see cref="Gpe0Base"/>.</summary>
    public IIoHandler Gpe0 { get; }

    /// <summary>APM control and status, 2 ports at <see cref="SmiCommandPort"/>.</summary>
    public IIoHandler Apm { get; }

    /// <summary>Called when the guest enters S5 (soft off).</summary>
    public Action? PowerOff { get; set; }

    /// <summary>The 24-bit PM timer: 3.579545 MHz since the clock's origin.</summary>
    public uint TimerValue => (uint)(TimerTicks(_clock.NowNs) & 0xffffff);

    public void Map(IoPortSpace io)
    {
        io.Map(DefaultBase, BlockLength, Pm, "piix4-pm");
        io.Map(Gpe0Base, Gpe0Length, Gpe0, "acpi-gpe0");
        io.Map(SmiCommandPort, 2, Apm, "apm-io");
    }

    public void Reset()
    {
        _status = _enable = _control = _gpeStatus = _gpeEnable = 0;
        _apmControl = _apmStatus = 0;
        _nextOverflowNs = NextOverflowNs(_clock.NowNs);
        _overflowTimer.Cancel();
        UpdateInterrupts();
    }

    /// <summary>The power button (QEMU's system_powerdown): sets PWRBTN_STS, which raises the SCI when enabled.</summary>
    public void PressPowerButton()
    {
        _status |= PowerButtonStatus;
        UpdateInterrupts();
    }

    private ulong ReadPm(ulong offset, int size)
    {
        RefreshTimerStatus();
        uint timer = TimerValue;
        ulong value = 0;
        for (int i = 0; i < size; i++)
        {
            int at = (int)offset + i;
            uint b = at switch
            {
                < 2 => (uint)_status >> (8 * at),
                < 4 => (uint)_enable >> (8 * (at - 2)),
                < 6 => (uint)(_control & ~SleepEnable) >> (8 * (at - 4)),
                >= 8 and < 12 => timer >> (8 * (at - 8)),
                _ => 0,
            };
            value |= (ulong)(b & 0xff) << (8 * i);
        }
        return value;
    }

    private void WritePm(ulong offset, int size, ulong value)
    {
        for (int i = 0; i < size; i++)
        {
            int at = (int)offset + i;
            ushort b = (ushort)((value >> (8 * i)) & 0xff);
            switch (at)
            {
                case 0 or 1:
                    RefreshTimerStatus();
                    _status &= (ushort)~(b << (8 * at));
                    if ((_status & TimerStatus) == 0)
                        _nextOverflowNs = NextOverflowNs(_clock.NowNs);
                    break;
                case 2 or 3:
                    _enable = Merge(_enable, at - 2, b);
                    break;
                case 4 or 5:
                    WriteControl(Merge(_control, at - 4, b));
                    break;
            }
        }
        UpdateInterrupts();
    }

    /// <summary>SLP_EN with SLP_TYP 0 (QEMU's S5) powers off; other sleep types are not offered in the DSDT and do nothing.</summary>
    private void WriteControl(ushort value)
    {
        _control = (ushort)(value & ~SleepEnable);
        if ((value & SleepEnable) != 0 && ((value >> 10) & 7) == SoftOffSleepType)
            PowerOff?.Invoke();
    }

    private ulong ReadGpe(ulong offset, int size)
    {
        ulong value = 0;
        for (int i = 0; i < size; i++)
        {
            int at = (int)offset + i;
            uint b = at < 2 ? (uint)_gpeStatus >> (8 * at) : (uint)_gpeEnable >> (8 * (at - 2));
            value |= (ulong)(b & 0xff) << (8 * i);
        }
        return value;
    }

    private void WriteGpe(ulong offset, int size, ulong value)
    {
        for (int i = 0; i < size; i++)
        {
            int at = (int)offset + i;
            ushort b = (ushort)((value >> (8 * i)) & 0xff);
            if (at < 2)
                _gpeStatus &= (ushort)~(b << (8 * at));
            else
                _gpeEnable = Merge(_gpeEnable, at - 2, b);
        }
        UpdateInterrupts();
    }

    private ulong ReadApm(ulong offset, int size) => offset == 1 ? _apmStatus : _apmControl;

    /// <summary>Port 0xb2 (APMC) takes ACPI_ENABLE/ACPI_DISABLE, as QEMU's PIIX4 handles them without an SMI; port 0xb3 (APMS) is a scratch byte.</summary>
    private void WriteApm(ulong offset, int size, ulong value)
    {
        if (offset == 1)
        {
            _apmStatus = (byte)value;
            return;
        }
        _apmControl = (byte)value;
        if ((byte)value == AcpiEnableCommand)
            _control |= SciEnable;
        else if ((byte)value == AcpiDisableCommand)
            _control &= unchecked((ushort)~SciEnable);
    }

    /// <summary>TMR_STS is set each time bit 23 of the PM timer changes.</summary>
    private void RefreshTimerStatus()
    {
        long now = _clock.NowNs;
        if (now >= _nextOverflowNs)
        {
            _status |= TimerStatus;
            _nextOverflowNs = NextOverflowNs(now);
        }
    }

    private void UpdateInterrupts()
    {
        RefreshTimerStatus();
        bool level = (_status & _enable & SciEvents) != 0 || (_gpeStatus & _gpeEnable) != 0;
        _sci.Set(level);
        if ((_enable & TimerStatus) != 0)
            _overflowTimer.Arm(_nextOverflowNs);
        else
            _overflowTimer.Cancel();
    }

    private static long TimerTicks(long ns) => (long)((Int128)ns * TimerFrequencyHz / 1_000_000_000);

    private static long NextOverflowNs(long now)
    {
        long next = (TimerTicks(now) / TimerOverflowTicks + 1) * TimerOverflowTicks;
        return (long)(((Int128)next * 1_000_000_000 + TimerFrequencyHz - 1) / TimerFrequencyHz);
    }

    private static ushort Merge(ushort register, int byteIndex, ushort b) =>
        (ushort)((register & ~(0xff << (8 * byteIndex))) | (b << (8 * byteIndex)));
}

using QemuSharp.Common.Irq;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Intc;

/// <summary>Indirect registers selected through IOREGSEL (82093AA datasheet, section 3.2).</summary>
public enum IoApicRegister : byte
{
    Id = 0x00,
    Version = 0x01,
    Arbitration = 0x02,
    RedirectionTable = 0x10,
}

/// <summary>
/// The I/O APIC at 0xfec00000 with 24 inputs, as QEMU's ioapic version 0x20: IOREGSEL at
/// offset 0x00, IOWIN at 0x10 and a directed EOI register at 0x40. Each redirection entry
/// sends an APIC-bus message on an edge, or while a level input is asserted and its remote
/// IRR is clear.
/// </summary>
public sealed class IoApic : IIoHandler
{
    public const ulong DefaultBase = 0xfec00000;
    public const ulong MmioSize = 0x1000;
    public const int PinCount = 24;

    /// <summary>Version 0x20 with the highest redirection entry index (23) in bits 16-23.</summary>
    public const uint VersionValue = 0x20 | (PinCount - 1) << 16;

    private const ulong Masked = 1 << 16, LevelTrigger = 1 << 15, RemoteIrr = 1 << 14, LogicalMode = 1 << 11;
    private const ulong WritableBits = 0xff000000_0001afff;
    private const ulong IoRegSel = 0x00, IoWin = 0x10, Eoi = 0x40;

    private readonly Action<ApicMessage> _deliver;
    private readonly ulong[] _redirection = new ulong[PinCount];
    private readonly IrqLine[] _inputs = new IrqLine[PinCount];
    private uint _edgePending, _inputLevels;
    private byte _select, _id;

    /// <param name="deliver">The APIC bus: every local APIC's <see cref="LocalApic.Accept"/>.</param>
    public IoApic(Action<ApicMessage> deliver)
    {
        _deliver = deliver;
        for (int pin = 0; pin < PinCount; pin++)
        {
            int p = pin;
            _inputs[pin] = new IrqLine(level => SetInput(p, level));
        }
        Reset();
    }

    /// <summary>Input pin <paramref name="pin"/> (the GSI of the same number).</summary>
    public IIrqLine Input(int pin) => _inputs[pin];

    public void Reset()
    {
        _select = 0;
        _id = 0;
        _edgePending = 0;
        Array.Fill(_redirection, Masked);
    }

    public ulong Read(ulong offset, int size)
    {
        return offset switch
        {
            IoRegSel => _select,
            IoWin => ReadRegister(_select),
            _ => 0,
        };
    }

    public void Write(ulong offset, int size, ulong value)
    {
        switch (offset)
        {
            case IoRegSel:
                _select = (byte)value;
                break;
            case IoWin:
                WriteRegister(_select, (uint)value);
                break;
            case Eoi:
                EndOfInterrupt((byte)value);
                break;
        }
    }

    /// <summary>
    /// A local APIC's EOI for a level-triggered vector: entries with that vector drop their
    /// remote IRR, and one whose input is still asserted sends again.
    /// </summary>
    public void EndOfInterrupt(byte vector)
    {
        for (int pin = 0; pin < PinCount; pin++)
        {
            ulong entry = _redirection[pin];
            if ((byte)entry == vector && (entry & LevelTrigger) != 0 && (entry & RemoteIrr) != 0)
                _redirection[pin] = entry & ~RemoteIrr;
        }
        UpdateInterrupts();
    }

    private uint ReadRegister(byte index)
    {
        switch ((IoApicRegister)index)
        {
            case IoApicRegister.Id:
            case IoApicRegister.Arbitration:
                return (uint)_id << 24;
            case IoApicRegister.Version:
                return VersionValue;
        }
        int entry = index - (int)IoApicRegister.RedirectionTable;
        if (entry < 0 || entry >= 2 * PinCount)
            return 0;
        ulong value = _redirection[entry >> 1];
        return (entry & 1) == 0 ? (uint)value : (uint)(value >> 32);
    }

    private void WriteRegister(byte index, uint value)
    {
        if (index == (byte)IoApicRegister.Id)
        {
            _id = (byte)((value >> 24) & 0xf);
            return;
        }
        int entry = index - (int)IoApicRegister.RedirectionTable;
        if (entry < 0 || entry >= 2 * PinCount)
            return;
        int pin = entry >> 1;
        ulong old = _redirection[pin];
        ulong merged = (entry & 1) == 0
            ? (old & 0xffffffff_00000000) | value
            : (old & 0xffffffff) | (ulong)value << 32;
        ulong updated = (merged & WritableBits) | (old & RemoteIrr);
        if ((updated & LevelTrigger) == 0)
            updated &= ~RemoteIrr;
        _redirection[pin] = updated;
        UpdateInterrupts();
    }

    private void SetInput(int pin, bool level)
    {
        uint bit = 1u << pin;
        bool wasHigh = (_inputLevels & bit) != 0;
        _inputLevels = level ? _inputLevels | bit : _inputLevels & ~bit;
        if (level && !wasHigh && (_redirection[pin] & LevelTrigger) == 0)
            _edgePending |= bit;
        UpdateInterrupts();
    }

    /// <summary>
    /// Sends every pending, unmasked entry: an edge request is consumed when sent (one that
    /// arrived while masked waits for the unmask, as in QEMU); a level request stays while its
    /// input is asserted and is sent once per remote IRR cycle.
    /// </summary>
    private void UpdateInterrupts()
    {
        for (int pin = 0; pin < PinCount; pin++)
        {
            uint bit = 1u << pin;
            ulong entry = _redirection[pin];
            bool level = (entry & LevelTrigger) != 0;
            if (((level ? _inputLevels : _edgePending) & bit) == 0 || (entry & Masked) != 0)
                continue;
            if (level)
            {
                if ((entry & RemoteIrr) != 0)
                    continue;
                _redirection[pin] = entry | RemoteIrr;
            }
            else
            {
                _edgePending &= ~bit;
            }
            _deliver(new ApicMessage((byte)entry, (ApicDeliveryMode)((entry >> 8) & 7), level,
                (byte)(entry >> 56), (entry & LogicalMode) != 0));
        }
    }
}

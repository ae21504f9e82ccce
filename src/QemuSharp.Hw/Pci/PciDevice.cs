using System.Buffers.Binary;

namespace QemuSharp.Hw.Pci;

/// <summary>How a base address register decodes: I/O space, or 32/64-bit memory, prefetchable or not.</summary>
public enum PciBarKind
{
    Io,
    Memory32,
    Memory64,
    PrefetchableMemory32,
    PrefetchableMemory64,
}

/// <summary>
/// One PCI function: its 256-byte configuration space with a type 0 header, which bits software
/// may write, which it clears by writing ones, and the base address registers that report
/// their size by keeping the low address bits at zero. Chips derive from it and add their own
/// registers in the device-specific area (0x40-0xff), which is writable unless they restrict it.
/// </summary>
public abstract class PciDevice : IDeviceInfo
{
    /// <summary>Configuration header offsets (PCI Local Bus Specification 3.0, 6.1).</summary>
    public enum Header
    {
        VendorId = 0x00,
        DeviceId = 0x02,
        Command = 0x04,
        Status = 0x06,
        RevisionId = 0x08,
        ClassCode = 0x09,
        CacheLineSize = 0x0c,
        LatencyTimer = 0x0d,
        HeaderType = 0x0e,
        Bist = 0x0f,
        Bar0 = 0x10,
        SubsystemVendorId = 0x2c,
        SubsystemId = 0x2e,
        ExpansionRom = 0x30,
        CapabilitiesPointer = 0x34,
        InterruptLine = 0x3c,
        InterruptPin = 0x3d,
    }

    /// <summary>Command bits software may set, as in QEMU: I/O, memory, bus master, SERR#, INTx disable.</summary>
    private const ushort CommandWritable = 0x0507;

    /// <summary>Status error bits, cleared by writing 1: parity, signalled/received aborts, SERR#.</summary>
    private const ushort StatusWriteOneToClear = 0xf900;

    private const ushort CommandIntxDisable = 0x0400;
    private const ushort StatusInterrupt = 0x0008;

    /// <summary>QEMU's default subsystem IDs: Red Hat, "QEMU virtual machine".</summary>
    private const ushort DefaultSubsystemVendor = 0x1af4, DefaultSubsystem = 0x1100;

    private readonly byte[] _writeOneToClear = new byte[256];
    private byte[] _powerOn = [];
    private PciBus? _bus;
    private bool _intx;

    protected PciDevice(ushort vendor, ushort device, byte revision, int classCode, bool multifunction = false)
    {
        SetWord(Header.VendorId, vendor);
        SetWord(Header.DeviceId, device);
        Config[(int)Header.RevisionId] = revision;
        Config[0x09] = (byte)classCode;
        Config[0x0a] = (byte)(classCode >> 8);
        Config[0x0b] = (byte)(classCode >> 16);
        Config[(int)Header.HeaderType] = (byte)(multifunction ? 0x80 : 0x00);
        SetWord(Header.SubsystemVendorId, DefaultSubsystemVendor);
        SetWord(Header.SubsystemId, DefaultSubsystem);
        SetWriteMask(Header.Command, CommandWritable, 2);
        _writeOneToClear[(int)Header.Status + 1] = StatusWriteOneToClear >> 8;
        // QEMU keeps the latency timer at 0: there is no real bus to share.
        WriteMask[(int)Header.CacheLineSize] = 0xff;
        WriteMask[(int)Header.InterruptLine] = 0xff;
        Array.Fill(WriteMask, (byte)0xff, 0x40, 0xc0);
    }

    public byte[] Config { get; } = new byte[256];

    /// <summary>Per byte of <see cref="Config"/>, the bits a configuration write changes.</summary>
    protected byte[] WriteMask { get; } = new byte[256];

    /// <summary>Device number and function on bus 0, set when plugged.</summary>
    public int DevFn { get; private set; } = -1;

    public abstract string TypeName { get; }

    /// <summary>The lines QEMU's <c>info qtree</c> prints for a PCI device.</summary>
    public virtual IReadOnlyDictionary<string, string> Properties => new Dictionary<string, string>
    {
        ["addr"] = $"{DevFn >> 3:x2}.{DevFn & 7}",
        ["romfile"] = "\"\"",
        ["romsize"] = "4294967295 (0xffffffff)",
        ["rombar"] = "1 (0x1)",
        ["multifunction"] = (Config[(int)Header.HeaderType] & 0x80) != 0 ? "true" : "false",
        ["x-pcie-lnksta-dllla"] = "true",
        ["x-pcie-extcap-init"] = "true",
        ["failover_pair_id"] = "\"\"",
        ["acpi-index"] = "0 (0x0)",
    };

    /// <summary>The class line QEMU prints after a PCI function's properties.</summary>
    public IEnumerable<string> Details =>
    [
        $"class {ClassName}, addr 00:{DevFn >> 3:x2}.{DevFn & 7}, pci id {Word(Header.VendorId):x4}:{Word(Header.DeviceId):x4} " +
        $"(sub {Word(Header.SubsystemVendorId):x4}:{Word(Header.SubsystemId):x4})",
    ];

    /// <summary>The class name <c>info qtree</c> and <c>info pci</c> print.</summary>
    protected abstract string ClassName { get; }

    public ushort Command => Word(Header.Command);

    public uint ReadConfig(int offset, int size)
    {
        uint v = 0;
        for (int i = 0; i < size && offset + i < 256; i++)
            v |= (uint)Config[offset + i] << (8 * i);
        return v;
    }

    public void WriteConfig(int offset, int size, uint value)
    {
        for (int i = 0; i < size && offset + i < 256; i++)
        {
            int at = offset + i;
            byte b = (byte)(value >> (8 * i));
            byte mask = WriteMask[at];
            Config[at] = (byte)((Config[at] & ~mask) | (b & mask));
            Config[at] &= (byte)~(b & _writeOneToClear[at]);
        }
        if (offset < (int)Header.Command + 2 && offset + size > (int)Header.Command)
            UpdateIntx();
        OnConfigWritten(offset, size);
    }

    /// <summary>The address a BAR holds now, without its type bits.</summary>
    public ulong BarAddress(int index)
    {
        int at = (int)Header.Bar0 + 4 * index;
        uint low = BinaryPrimitives.ReadUInt32LittleEndian(Config.AsSpan(at));
        if ((low & 1) != 0)
            return low & ~3u;
        ulong address = low & ~0xfu;
        if ((low & 6) == 4)
            address |= (ulong)BinaryPrimitives.ReadUInt32LittleEndian(Config.AsSpan(at + 4)) << 32;
        return address;
    }

    /// <summary>Power-on values: the configuration space as it was when the device was plugged.</summary>
    public virtual void Reset()
    {
        _powerOn.CopyTo(Config, 0);
        _intx = false;
        OnConfigWritten(0, 256);
    }

    /// <summary>Called after every configuration write, for chips that act on their registers.</summary>
    protected virtual void OnConfigWritten(int offset, int size)
    {
    }

    /// <summary>
    /// Declares a BAR of <paramref name="size"/> bytes (a power of two): software writing all
    /// ones reads back the size mask, as firmware and Linux size it.
    /// </summary>
    protected void DefineBar(int index, ulong size, PciBarKind kind)
    {
        int at = (int)Header.Bar0 + 4 * index;
        ulong mask = ~(size - 1);
        uint typeBits = kind switch
        {
            PciBarKind.Io => 0x1,
            PciBarKind.Memory64 => 0x4,
            PciBarKind.PrefetchableMemory32 => 0x8,
            PciBarKind.PrefetchableMemory64 => 0xc,
            _ => 0x0,
        };
        uint lowMask = (uint)mask & (kind == PciBarKind.Io ? ~3u : ~0xfu);
        BinaryPrimitives.WriteUInt32LittleEndian(Config.AsSpan(at), typeBits);
        BinaryPrimitives.WriteUInt32LittleEndian(WriteMask.AsSpan(at), lowMask);
        if (kind is PciBarKind.Memory64 or PciBarKind.PrefetchableMemory64)
            BinaryPrimitives.WriteUInt32LittleEndian(WriteMask.AsSpan(at + 4), (uint)(mask >> 32));
    }

    /// <summary>INTA#-INTD# of this function (<see cref="Header.InterruptPin"/> 1-4).</summary>
    protected void SetInterruptPin(int pin) => Config[(int)Header.InterruptPin] = (byte)pin;

    /// <summary>Drives the function's INTx# pin; the Interrupt Disable command bit masks it.</summary>
    protected void SetIrq(bool level)
    {
        _intx = level;
        UpdateIntx();
    }

    private void UpdateIntx()
    {
        if (_intx)
            Config[(int)Header.Status] |= (byte)StatusInterrupt;
        else
            Config[(int)Header.Status] &= unchecked((byte)~StatusInterrupt);
        int pin = Config[(int)Header.InterruptPin];
        if (pin != 0)
            _bus?.SetIntx(DevFn >> 3, pin - 1, this, _intx && (Command & CommandIntxDisable) == 0);
    }

    protected void SetWriteMask(Header offset, uint mask, int size)
    {
        for (int i = 0; i < size; i++)
            WriteMask[(int)offset + i] = (byte)(mask >> (8 * i));
    }

    protected void SetWord(Header offset, ushort value) =>
        BinaryPrimitives.WriteUInt16LittleEndian(Config.AsSpan((int)offset), value);

    protected ushort Word(Header offset) => BinaryPrimitives.ReadUInt16LittleEndian(Config.AsSpan((int)offset));

    internal void Plug(PciBus bus, int devfn)
    {
        _bus = bus;
        DevFn = devfn;
        _powerOn = (byte[])Config.Clone();
    }
}

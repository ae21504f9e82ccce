using QemuSharp.Memory;

namespace QemuSharp.Hw.Pci;

/// <summary>
/// PCI configuration mechanism #1 of the i440FX: a dword write to CONFADDR (0xcf8) selects
/// enable (bit 31), bus (23-16), device (15-11), function (10-8) and dword register (7-2), and
/// reads back as written (QEMU keeps the reserved bits too);
/// accesses of 1, 2 or 4 bytes at CONFDATA (0xcfc-0xcff) reach that register plus the port's
/// offset. Byte accesses to 0xcf8-0xcfb are not CONFADDR: 0xcf9 is the PIIX3's reset control.
/// </summary>
public sealed class PciConfigPorts : IIoHandler
{
    public enum Register
    {
        ConfigAddress = 0,
        ResetControl = 1,
        ConfigData = 4,
    }

    private readonly PciBus _bus;
    private readonly IIoHandler? _resetControl;
    private uint _address;

    /// <param name="resetControl">The register at 0xcf9 (the PIIX3's), reached by byte accesses.</param>
    public PciConfigPorts(PciBus bus, IIoHandler? resetControl)
    {
        _bus = bus;
        _resetControl = resetControl;
    }

    /// <summary>Maps CONFADDR and CONFDATA under the names <c>info mtree</c> gives them.</summary>
    public void Attach(IoPortSpace io)
    {
        io.Map(0xcf8, 4, this, "pci-conf-idx");
        io.Map(0xcfc, 4, new OffsetIo(this, (ulong)Register.ConfigData), "pci-conf-data");
    }

    public void Reset() => _address = 0;

    public ulong Read(ulong offset, int size)
    {
        if (offset == (ulong)Register.ConfigAddress && size == 4)
            return _address;
        if (offset == (ulong)Register.ResetControl && size == 1 && _resetControl is not null)
            return _resetControl.Read(0, 1);
        if (offset < (ulong)Register.ConfigData || !Selected(out int devfn))
            return size == 4 ? uint.MaxValue : (1ul << (8 * size)) - 1;
        return _bus.ReadConfig(devfn, RegisterOffset(offset), size);
    }

    public void Write(ulong offset, int size, ulong value)
    {
        if (offset == (ulong)Register.ConfigAddress && size == 4)
            _address = (uint)value;
        else if (offset == (ulong)Register.ResetControl && size == 1)
            _resetControl?.Write(0, 1, value);
        else if (offset >= (ulong)Register.ConfigData && Selected(out int devfn))
            _bus.WriteConfig(devfn, RegisterOffset(offset), size, (uint)value);
    }

    /// <summary>Only bus 0 exists; type 1 cycles to other buses find nothing.</summary>
    private bool Selected(out int devfn)
    {
        devfn = (int)(_address >> 8) & 0xff;
        return (_address & 0x80000000) != 0 && ((_address >> 16) & 0xff) == 0;
    }

    private int RegisterOffset(ulong offset) => (int)(_address & 0xfc) + (int)(offset - (ulong)Register.ConfigData);
}

namespace QemuSharp.Hw.Pci;

/// <summary>
/// PCI bus 0 of the i440FX (QEMU's pci.0): up to 32 devices of 8 functions. Configuration reads
/// of an empty slot return all ones, which software takes as "no device". INTx# pins reach
/// the PIIX3's PIRQ inputs through the board's rotation: PIRQ = (pin + slot - 1) mod 4.
/// </summary>
public sealed class PciBus
{
    private readonly PciDevice?[] _functions = new PciDevice?[256];
    private readonly Dictionary<PciDevice, int> _assertedPirq = [];
    private readonly bool[] _pirqLevel = new bool[4];

    /// <summary>Receives PIRQA#-PIRQD# (0-3) level changes; the PIIX3 routes them to ISA IRQs.</summary>
    public Action<int, bool>? PirqChanged { get; set; }

    public IEnumerable<PciDevice> Devices => _functions.OfType<PciDevice>();

    public void Add(int device, int function, PciDevice pciDevice)
    {
        int devfn = device << 3 | function;
        if (device is < 0 or > 31 || function is < 0 or > 7 || _functions[devfn] is not null)
            throw new InvalidOperationException($"PCI: slot {device} function {function} not available");
        _functions[devfn] = pciDevice;
        pciDevice.Plug(this, devfn);
    }

    public PciDevice? Find(int devfn) => _functions[devfn & 0xff];

    public uint ReadConfig(int devfn, int offset, int size) =>
        _functions[devfn] is { } d ? d.ReadConfig(offset, size) : size == 4 ? uint.MaxValue : (1u << (8 * size)) - 1;

    public void WriteConfig(int devfn, int offset, int size, uint value) =>
        _functions[devfn]?.WriteConfig(offset, size, value);

    public void Reset()
    {
        foreach (PciDevice d in Devices)
            d.Reset();
    }

    internal void SetIntx(int slot, int pin, PciDevice device, bool level)
    {
        int pirq = (pin + slot - 1) & 3;
        if (level)
            _assertedPirq[device] = pirq;
        else
            _assertedPirq.Remove(device);
        bool any = _assertedPirq.ContainsValue(pirq);
        if (any != _pirqLevel[pirq])
        {
            _pirqLevel[pirq] = any;
            PirqChanged?.Invoke(pirq, any);
        }
    }
}

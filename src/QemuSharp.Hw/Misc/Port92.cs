using QemuSharp.Memory;

namespace QemuSharp.Hw.Misc;

/// <summary>
/// System control port A at 0x92 (the PS/2 "fast A20 and reset" port): bit 1 gates A20, and a
/// 0-to-1 transition of bit 0 resets the CPU. Reads return the last value written.
/// </summary>
public sealed class Port92 : IIoHandler, IDeviceInfo
{
    [Flags]
    public enum Bits
    {
        /// <summary>Alternate hot reset: a rising edge resets the processor.</summary>
        FastReset = 0x01,

        /// <summary>Alternate A20 gate.</summary>
        A20 = 0x02,
    }

    private readonly Action _resetRequest;
    private readonly Action<bool> _setA20;
    private int _value;

    public Port92(Action resetRequest, Action<bool> setA20)
    {
        _resetRequest = resetRequest;
        _setA20 = setA20;
    }

    public string TypeName => "port92";

    public IReadOnlyDictionary<string, string> Properties => new Dictionary<string, string>();

    public void Attach(IoPortSpace io) => io.Map(0x92, 1, this, "port92");

    /// <summary>
    /// A system reset clears the fast reset bit and keeps bit 1, as QEMU does (the register is 0
    /// at power-on); the CPU's reset enables A20 on its own.
    /// </summary>
    public void Reset() => _value &= ~(int)Bits.FastReset;

    public ulong Read(ulong offset, int size) => (ulong)_value;

    public void Write(ulong offset, int size, ulong value)
    {
        int old = _value;
        _value = (int)value & 0xff;
        if (((old ^ _value) & (int)Bits.A20) != 0)
            _setA20((_value & (int)Bits.A20) != 0);
        if ((_value & (int)Bits.FastReset) != 0 && (old & (int)Bits.FastReset) == 0)
            _resetRequest();
    }
}

using QemuSharp.Memory;

namespace QemuSharp.Hw;

/// <summary>
/// Adapts a chip with 8-bit registers to wider accesses: on the ISA bus a 16- or 32-bit IN or
/// OUT to such a chip becomes consecutive byte cycles at consecutive ports, low byte first.
/// </summary>
internal sealed class ByteWideIo(IIoHandler chip) : IIoHandler
{
    public ulong Read(ulong offset, int size)
    {
        ulong value = 0;
        for (int i = 0; i < size; i++)
            value |= (chip.Read(offset + (ulong)i, 1) & 0xff) << (8 * i);
        return value;
    }

    public void Write(ulong offset, int size, ulong value)
    {
        for (int i = 0; i < size; i++)
            chip.Write(offset + (ulong)i, 1, (value >> (8 * i)) & 0xff);
    }
}

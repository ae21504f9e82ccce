using QemuSharp.Memory;

namespace QemuSharp.Hw;

/// <summary>
/// A window that starts <paramref name="skip"/> bytes into a chip's register file, for a chip
/// whose registers are mapped as two separate windows (CONFDATA after CONFADDR, the slave's
/// ELCR after the master's).
/// </summary>
internal sealed class OffsetIo(IIoHandler chip, ulong skip) : IIoHandler
{
    public ulong Read(ulong offset, int size) => chip.Read(offset + skip, size);

    public void Write(ulong offset, int size, ulong value) => chip.Write(offset + skip, size, value);
}

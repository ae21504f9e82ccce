namespace QemuSharp.Memory;

/// <summary>
/// A device's register window, in memory (MMIO) or I/O port space. Offsets are relative to the
/// start of the window; sizes are 1, 2, 4 or 8 bytes, as the CPU or DMA engine issued them.
/// </summary>
public interface IIoHandler
{
    ulong Read(ulong offset, int size);

    void Write(ulong offset, int size, ulong value);
}

/// <summary>An <see cref="IIoHandler"/> made of two delegates, for small windows such as port 0x80.</summary>
public sealed class IoHandler(Func<ulong, int, ulong> read, Action<ulong, int, ulong> write) : IIoHandler
{
    public ulong Read(ulong offset, int size) => read(offset, size);

    public void Write(ulong offset, int size, ulong value) => write(offset, size, value);
}

using QemuSharp.Memory;

namespace QemuSharp.Hw.Misc;

/// <summary>
/// Port 0x80, where firmware writes POST codes and where Linux's outb_p() writes to delay.
/// Nothing decodes it on a PC without a POST card: writes vanish and reads float to 0xff. It has
/// no state, so nothing to reset.
/// </summary>
public sealed class DebugPort80 : IIoHandler
{
    public void Attach(IoPortSpace io) => io.Map(0x80, 1, this, "ioport80");

    public ulong Read(ulong offset, int size) => 0xff;

    public void Write(ulong offset, int size, ulong value)
    {
    }
}

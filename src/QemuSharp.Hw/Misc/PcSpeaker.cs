using QemuSharp.Hw.Timer;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Misc;

/// <summary>
/// Port 0x61, the AT's system control port B (NMI status and control in the PIIX): PIT channel
/// 2's GATE and the speaker enable in, channel 2's OUT and the refresh toggle out. No sound is
/// produced; the bits are what firmware and Linux's PIT calibration loops read.
/// </summary>
public sealed class PcSpeaker : IIoHandler, IDeviceInfo
{
    [Flags]
    public enum PortBBits
    {
        /// <summary>Timer 2 GATE (read/write).</summary>
        Timer2Gate = 0x01,

        /// <summary>Speaker data enable: OUT2 reaches the speaker (read/write).</summary>
        SpeakerDataEnable = 0x02,

        /// <summary>Parity (SERR#) check enable, active low (read/write).</summary>
        ParityCheckEnable = 0x04,

        /// <summary>IOCHK# check enable, active low (read/write).</summary>
        IoCheckEnable = 0x08,

        /// <summary>Refresh cycle toggle (read only).</summary>
        RefreshToggle = 0x10,

        /// <summary>Timer 2 OUT (read only).</summary>
        Timer2Output = 0x20,

        /// <summary>IOCHK# NMI source (read only).</summary>
        IoCheckNmi = 0x40,

        /// <summary>SERR# NMI source (read only).</summary>
        SerrNmi = 0x80,
    }

    private const int Writable = 0x0f;

    private readonly I8254Pit _pit;
    private int _control;
    private bool _refresh;

    public PcSpeaker(I8254Pit pit)
    {
        _pit = pit;
        Reset();
    }

    public string TypeName => "isa-pcspk";

    public IReadOnlyDictionary<string, string> Properties => new Dictionary<string, string>
    {
        ["audiodev"] = "\"\"",
        ["iobase"] = "97 (0x61)",
        ["migrate"] = "true",
    };

    public void Attach(IoPortSpace io) => io.Map(0x61, 1, this, "pcspk");

    public void Reset()
    {
        _control = 0;
        _refresh = false;
        _pit.SetGate(2, false);
    }

    /// <summary>
    /// The refresh bit flips on every read (as in QEMU) rather than every 15 µs, so that loops
    /// counting its toggles always make progress.
    /// </summary>
    public ulong Read(ulong offset, int size)
    {
        _refresh = !_refresh;
        int v = _control & Writable;
        if (_refresh)
            v |= (int)PortBBits.RefreshToggle;
        if (_pit.GetOutput(2))
            v |= (int)PortBBits.Timer2Output;
        return (ulong)v;
    }

    public void Write(ulong offset, int size, ulong value)
    {
        _control = (int)value & Writable;
        _pit.SetGate(2, (_control & (int)PortBBits.Timer2Gate) != 0);
    }
}

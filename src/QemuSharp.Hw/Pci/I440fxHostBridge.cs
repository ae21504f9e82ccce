namespace QemuSharp.Hw.Pci;

/// <summary>
/// The Intel 82441FX PCI and memory controller (PMC), function 00.0: the host bridge. Its PAM
/// registers (0x59-0x5f) and SMRAM register (0x72) are stored and read back, but the emulated
/// memory map does not follow them: RAM below 1 MiB stays RAM.
/// </summary>
public sealed class I440fxHostBridge : PciDevice
{
    public enum Register
    {
        /// <summary>PCI memory controller configuration.</summary>
        Pmccfg = 0x50,

        /// <summary>DRAM control.</summary>
        Dramc = 0x57,

        /// <summary>Programmable attribute map: 0x59 covers 0xf0000-0xfffff, 0x5a-0x5f the 16 KiB blocks from 0xc0000.</summary>
        Pam0 = 0x59,
        Pam6 = 0x5f,

        /// <summary>DRAM row boundaries.</summary>
        Drb0 = 0x60,

        /// <summary>System management RAM control: D_OPEN, D_CLS, D_LCK, G_SMRAME, C_BASE_SEG.</summary>
        Smram = 0x72,
    }

    /// <summary>DRAMC at reset: DRAM refresh rate 15.6 µs at 66 MHz.</summary>
    private const byte DramcAtReset = 0x10;

    /// <summary>SMRAM at reset: C_BASE_SEG = 010, the compatible SMRAM at 0xa0000.</summary>
    private const byte SmramAtReset = 0x02;

    public I440fxHostBridge()
        : base(vendor: 0x8086, device: 0x1237, revision: 0x02, classCode: 0x060000)
    {
        Config[(int)Register.Dramc] = DramcAtReset;
        Config[(int)Register.Smram] = SmramAtReset;
    }

    public override string TypeName => "i440FX";

    protected override string ClassName => "Host bridge";

    /// <summary>The PAM attribute of a segment: bits 1-0 read enable, write enable, per nibble.</summary>
    public byte Pam(int index) => Config[(int)Register.Pam0 + index];
}

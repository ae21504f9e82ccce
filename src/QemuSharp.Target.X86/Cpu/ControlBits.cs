namespace QemuSharp.Target.X86.Cpu;

/// <summary>Bits of CR0, CR4 and EFER.</summary>
public static class ControlBits
{
    public const ulong Cr0Pe = 1, Cr0Mp = 1 << 1, Cr0Em = 1 << 2, Cr0Ts = 1 << 3, Cr0Et = 1 << 4, Cr0Ne = 1 << 5;
    public const ulong Cr0Wp = 1 << 16, Cr0Am = 1 << 18, Cr0Nw = 1 << 29, Cr0Cd = 1 << 30, Cr0Pg = 1UL << 31;

    public const ulong Cr4Vme = 1, Cr4Pvi = 1 << 1, Cr4Tsd = 1 << 2, Cr4De = 1 << 3, Cr4Pse = 1 << 4, Cr4Pae = 1 << 5;
    public const ulong Cr4Mce = 1 << 6, Cr4Pge = 1 << 7, Cr4Pce = 1 << 8, Cr4Osfxsr = 1 << 9, Cr4Osxmmexcpt = 1 << 10;

    /// <summary>The CR4 bits this CPU implements; setting any other raises #GP.</summary>
    public const ulong Cr4Supported = Cr4Tsd | Cr4De | Cr4Pse | Cr4Pae | Cr4Mce | Cr4Pge | Cr4Pce | Cr4Osfxsr | Cr4Osxmmexcpt;

    public const ulong EferSce = 1, EferLme = 1 << 8, EferLma = 1 << 10, EferNxe = 1 << 11;
}

using static QemuSharp.Target.X86.Cpu.ControlBits;

namespace QemuSharp.Target.X86.Cpu;

/// <summary>Model-specific registers that Linux reads and writes; any other raises #GP, as QEMU's TCG does.</summary>
public sealed partial class X86Cpu
{
    public ulong KernelGsBase, Star, Lstar, Cstar, Sfmask;
    public ulong SysenterCs, SysenterEsp, SysenterEip;
    public ulong Pat, TscAux, MiscEnable, MtrrDefType, McgStatus, TscAdjust;
    public readonly ulong[] MtrrVariable = new ulong[16];
    public readonly ulong[] MtrrFixed = new ulong[11];

    public static class MsrIndex
    {
        public const uint Tsc = 0x10, ApicBase = 0x1b, MicrocodeRevision = 0x8b, MtrrCap = 0xfe, PerfStatus = 0x198;
        public const uint SysenterCs = 0x174, SysenterEsp = 0x175, SysenterEip = 0x176;
        public const uint McgCap = 0x179, McgStatus = 0x17a, MiscEnable = 0x1a0, Pat = 0x277, MtrrDefType = 0x2ff;
        public const uint MtrrPhysBase0 = 0x200, MtrrFix64K = 0x250, MtrrFix16K0 = 0x258, MtrrFix16K1 = 0x259, MtrrFix4K0 = 0x268;
        public const uint Efer = 0xc0000080, Star = 0xc0000081, Lstar = 0xc0000082, Cstar = 0xc0000083, Sfmask = 0xc0000084;
        public const uint FsBase = 0xc0000100, GsBase = 0xc0000101, KernelGsBase = 0xc0000102, TscAux = 0xc0000103;
    }

    /// <summary>MTRRcap: 8 variable ranges, fixed ranges, write-combining.</summary>
    private const ulong MtrrCapValue = 0x508;

    /// <summary>MISC_ENABLE at reset: fast strings enabled.</summary>
    private const ulong MiscEnableDefault = 1;

    private void ResetMsrs()
    {
        KernelGsBase = Star = Lstar = Cstar = Sfmask = 0;
        SysenterCs = SysenterEsp = SysenterEip = 0;
        Pat = 0x0007040600070406;
        TscAux = MtrrDefType = McgStatus = TscAdjust = 0;
        MiscEnable = MiscEnableDefault;
        Array.Clear(MtrrVariable);
        Array.Clear(MtrrFixed);
    }

    /// <summary>The time-stamp counter as RDTSC and RDMSR read it (1 GHz clock plus what WRMSR to the TSC added).</summary>
    public ulong TimeStampCounter => ClockNs() + TscAdjust;

    /// <summary>
    /// Nanoseconds the TSC counts from: host time in user mode; the machine's virtual clock in system
    /// mode, so that the TSC stands still while the machine is stopped and agrees with the timers.
    /// </summary>
    public Func<ulong>? TscClock { get; set; }

    private ulong ClockNs() => TscClock?.Invoke() ?? Exec.SystemHandlers.TimeStamp();

    /// <summary>RDMSR; false for an MSR this CPU does not have.</summary>
    public bool TryReadMsr(uint index, out ulong value)
    {
        bool known = true;
        value = index switch
        {
            MsrIndex.Tsc => TimeStampCounter,
            MsrIndex.ApicBase => ReadApicBase?.Invoke() ?? 0,
            // QEMU reports microcode revision 1 and a fixed performance status.
            MsrIndex.MicrocodeRevision => 0x1_0000_0000,
            MsrIndex.PerfStatus => 1000 | (4UL << 40),
            MsrIndex.MtrrCap => MtrrCapValue,
            MsrIndex.SysenterCs => SysenterCs,
            MsrIndex.SysenterEsp => SysenterEsp,
            MsrIndex.SysenterEip => SysenterEip,
            MsrIndex.McgCap => 0,
            MsrIndex.McgStatus => McgStatus,
            MsrIndex.MiscEnable => MiscEnable,
            MsrIndex.Pat => Pat,
            MsrIndex.MtrrDefType => MtrrDefType,
            >= MsrIndex.MtrrPhysBase0 and < MsrIndex.MtrrPhysBase0 + 16 => MtrrVariable[index - MsrIndex.MtrrPhysBase0],
            MsrIndex.MtrrFix64K => MtrrFixed[0],
            MsrIndex.MtrrFix16K0 or MsrIndex.MtrrFix16K1 => MtrrFixed[1 + index - MsrIndex.MtrrFix16K0],
            >= MsrIndex.MtrrFix4K0 and < MsrIndex.MtrrFix4K0 + 8 => MtrrFixed[3 + index - MsrIndex.MtrrFix4K0],
            MsrIndex.Efer => Efer,
            MsrIndex.Star => Star,
            MsrIndex.Lstar => Lstar,
            MsrIndex.Cstar => Cstar,
            MsrIndex.Sfmask => Sfmask,
            MsrIndex.FsBase => Seg[SegReg.Fs].Base,
            MsrIndex.GsBase => Seg[SegReg.Gs].Base,
            MsrIndex.KernelGsBase => KernelGsBase,
            MsrIndex.TscAux => TscAux,
            _ => Unknown(out known),
        };
        return known;
    }

    private static ulong Unknown(out bool known)
    {
        known = false;
        return 0;
    }

    /// <summary>WRMSR; false (the caller raises #GP) for an unknown MSR or a value it does not accept.</summary>
    public bool TryWriteMsr(uint index, ulong value)
    {
        switch (index)
        {
            case MsrIndex.Tsc: TscAdjust = value - ClockNs(); return true;
            case MsrIndex.ApicBase: WriteApicBase?.Invoke(value); return true;
            case MsrIndex.MicrocodeRevision: return true;
            case MsrIndex.SysenterCs: SysenterCs = (uint)value; return true;
            case MsrIndex.SysenterEsp: SysenterEsp = value; return true;
            case MsrIndex.SysenterEip: SysenterEip = value; return true;
            case MsrIndex.McgStatus: McgStatus = value; return true;
            case MsrIndex.MiscEnable: MiscEnable = value; return true;
            case MsrIndex.Pat: Pat = value; return true;
            case MsrIndex.MtrrDefType: MtrrDefType = value; return true;
            case >= MsrIndex.MtrrPhysBase0 and < MsrIndex.MtrrPhysBase0 + 16: MtrrVariable[index - MsrIndex.MtrrPhysBase0] = value; return true;
            case MsrIndex.MtrrFix64K: MtrrFixed[0] = value; return true;
            case MsrIndex.MtrrFix16K0 or MsrIndex.MtrrFix16K1: MtrrFixed[1 + index - MsrIndex.MtrrFix16K0] = value; return true;
            case >= MsrIndex.MtrrFix4K0 and < MsrIndex.MtrrFix4K0 + 8: MtrrFixed[3 + index - MsrIndex.MtrrFix4K0] = value; return true;
            case MsrIndex.Efer: return TrySetEfer(value);
            case MsrIndex.Star: Star = value; return true;
            case MsrIndex.Lstar: Lstar = value; return true;
            case MsrIndex.Cstar: Cstar = value; return true;
            case MsrIndex.Sfmask: Sfmask = (uint)value; return true;
            case MsrIndex.FsBase: FsBase = value; return true;
            case MsrIndex.GsBase: GsBase = value; return true;
            case MsrIndex.KernelGsBase: KernelGsBase = value; return true;
            case MsrIndex.TscAux: TscAux = (uint)value; return true;
            default: return false;
        }
    }

    /// <summary>EFER: SCE, LME and NXE are writable (NXE only with NX in CPUID); LMA follows CR0.PG.</summary>
    public bool TrySetEfer(ulong value)
    {
        ulong writable = EferSce | EferLme | ((Model.Ext1Edx & CpuModel.Nx) != 0 ? EferNxe : 0);
        if ((value & ~(writable | EferLma)) != 0)
            return false;
        if ((Cr0 & Cr0Pg) != 0 && ((value ^ Efer) & EferLme) != 0)
            return false;
        ulong old = Efer;
        Efer = (value & writable) | (Efer & EferLma);
        if (((old ^ Efer) & EferNxe) != 0)
            FlushTlb();
        return true;
    }
}

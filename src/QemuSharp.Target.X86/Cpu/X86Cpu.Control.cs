using static QemuSharp.Target.X86.Cpu.ControlBits;

namespace QemuSharp.Target.X86.Cpu;

/// <summary>MOV to CR0, CR3, CR4 with the checks of the Intel SDM (vol. 3, 2.5) and the TLB flushes they imply.</summary>
public sealed partial class X86Cpu
{
    /// <summary>Sets CR0; false (#GP) for PG without PE, NW without CD, or long-mode paging without PAE.</summary>
    public bool TrySetCr0(ulong value)
    {
        value |= Cr0Et;
        if ((value >> 32) != 0 || ((value & Cr0Pg) != 0 && (value & Cr0Pe) == 0) || ((value & Cr0Nw) != 0 && (value & Cr0Cd) == 0))
            return false;
        ulong old = Cr0;
        bool enablingPaging = (value & Cr0Pg) != 0 && (old & Cr0Pg) == 0;
        if (enablingPaging && (Efer & EferLme) != 0)
        {
            if ((Cr4 & Cr4Pae) == 0)
                return false;
            Efer |= EferLma;
        }
        if ((value & Cr0Pg) == 0 && (old & Cr0Pg) != 0 && LongMode)
        {
            if (CodeBits == 64)
                return false;
            Efer &= ~EferLma;
        }
        Cr0 = value;
        if (((old ^ value) & (Cr0Pg | Cr0Wp | Cr0Pe)) != 0)
            FlushTlb();
        if (((old ^ value) & Cr0Pe) != 0 && (value & Cr0Pe) == 0)
            Cpl = 0;
        UpdateMode();
        ModeChanged();
        return true;
    }

    public void SetCr3(ulong value)
    {
        Cr3 = value & (LongMode ? 0x000f_ffff_ffff_f000UL | 0x18 : 0xffff_ffffUL);
        FlushTlb();
    }

    /// <summary>Sets CR4; false (#GP) for a bit this CPU lacks or clearing PAE in long mode.</summary>
    public bool TrySetCr4(ulong value)
    {
        if ((value & ~Cr4Supported) != 0 || (LongMode && (value & Cr4Pae) == 0))
            return false;
        ulong old = Cr4;
        Cr4 = value;
        if (((old ^ value) & (Cr4Pse | Cr4Pae | Cr4Pge)) != 0)
            FlushTlb();
        return true;
    }
}

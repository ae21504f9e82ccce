using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;
using static QemuSharp.Target.X86.Cpu.ControlBits;
using static QemuSharp.Target.X86.Exec.Operands;

namespace QemuSharp.Target.X86.Exec;

/// <summary>
/// Control, debug and model-specific registers, descriptor-table registers, TLB and cache control,
/// HLT, CLI and STI. All need CPL 0 (CLI/STI: CPL at most IOPL), so in user-mode emulation
/// (CPL 3) they raise #GP as a user process expects.
/// </summary>
public static class PrivilegedHandlers
{
    public static void RequireCpl0(X86Cpu c)
    {
        if (c.Cpl != 0)
            throw c.RaiseGp();
    }

    private static ulong RegisterWidth(X86Cpu c, ulong v) => c.CodeBits == 64 ? v : (uint)v;

    /// <summary>MOV CRn, reg: Cond = n, Reg1 = the source register.</summary>
    public static void MovToCr(X86Cpu c, ref Op op)
    {
        RequireCpl0(c);
        ulong v = RegisterWidth(c, c.R[op.Reg1]);
        bool ok = op.Cond switch
        {
            0 => c.TrySetCr0(v),
            2 => Set(ref c.Cr2, v),
            3 => Cr3(c, v),
            4 => c.TrySetCr4(v),
            8 => Set(ref c.Cr8, v & 15),
            _ => throw c.RaiseUd(),
        };
        if (!ok)
            throw c.RaiseGp();
        c.ModeChanged();
    }

    private static bool Set(ref ulong r, ulong v)
    {
        r = v;
        return true;
    }

    private static bool Cr3(X86Cpu c, ulong v)
    {
        c.SetCr3(v);
        return true;
    }

    /// <summary>MOV reg, CRn: Cond = n, Reg0 = the destination register.</summary>
    public static void MovFromCr(X86Cpu c, ref Op op)
    {
        RequireCpl0(c);
        ulong v = op.Cond switch { 0 => c.Cr0, 2 => c.Cr2, 3 => c.Cr3, 4 => c.Cr4, 8 => c.Cr8, _ => throw c.RaiseUd() };
        c.R[op.Reg0] = RegisterWidth(c, v);
    }

    /// <summary>The DR named by Cond after the CPL 0 check: DR4 and DR5 alias DR6 and DR7 unless CR4.DE is set, then they are #UD.</summary>
    private static int DebugRegister(X86Cpu c, ref Op op)
    {
        RequireCpl0(c);
        int n = op.Cond is 4 or 5 && (c.Cr4 & Cr4De) == 0 ? op.Cond + 2 : op.Cond;
        if (n is 4 or 5 or > 7)
            throw c.RaiseUd();
        return n;
    }

    public static void MovToDr(X86Cpu c, ref Op op)
    {
        int n = DebugRegister(c, ref op);
        c.Dr[n] = RegisterWidth(c, c.R[op.Reg1]);
    }

    public static void MovFromDr(X86Cpu c, ref Op op)
    {
        int n = DebugRegister(c, ref op);
        c.R[op.Reg0] = RegisterWidth(c, c.Dr[n]);
    }

    /// <summary>LGDT (Cond 0) and LIDT (Cond 1): a 16-bit limit and a base of 64 bits (64-bit mode), 32 or 24 bits (operand size 16).</summary>
    public static void LoadTable(X86Cpu c, ref Op op)
    {
        RequireCpl0(c);
        ulong ea = Ea(c, ref op);
        uint limit = c.Read16(ea);
        ulong b = c.CodeBits == 64 ? c.Read64(ea + 2) : c.Read32(ea + 2);
        if (op.Size == 2)
            b &= 0xff_ffff;
        var t = new TableRegister { Base = b, Limit = limit };
        if (op.Cond == 0) c.Gdtr = t;
        else c.Idtr = t;
    }

    /// <summary>SGDT (Cond 0) and SIDT (Cond 1).</summary>
    public static void StoreTable(X86Cpu c, ref Op op)
    {
        ulong ea = Ea(c, ref op);
        TableRegister t = op.Cond == 0 ? c.Gdtr : c.Idtr;
        if (c.CodeBits == 64)
        {
            c.Read64(ea + 2);
            c.Write16(ea, (ushort)t.Limit);
            c.Write64(ea + 2, t.Base);
        }
        else
        {
            c.Read32(ea + 2);
            c.Write16(ea, (ushort)t.Limit);
            c.Write32(ea + 2, (uint)t.Base);
        }
    }

    /// <summary>LLDT (Cond 6) and LTR (Cond 7), named by <see cref="SegReg"/>.</summary>
    public static void LoadSystemSegment(X86Cpu c, ref Op op)
    {
        if (!c.ProtectedMode || c.Virtual8086)
            throw c.RaiseUd();
        RequireCpl0(c);
        c.LoadSystemSegment(op.Cond, (ushort)Read0(c, ref op));
    }

    /// <summary>SLDT (Cond 6) and STR (Cond 7); a register destination takes the operand size, memory 16 bits.</summary>
    public static void StoreSystemSegment(X86Cpu c, ref Op op)
    {
        if (!c.ProtectedMode || c.Virtual8086)
            throw c.RaiseUd();
        ushort v = c.Seg[op.Cond].Selector;
        if (op.Kind0 == OperandKind.Gpr)
            SetReg(c, op.Reg0, op.Size, v);
        else
            c.Write16(Ea(c, ref op), v);
    }

    public static void Smsw(X86Cpu c, ref Op op)
    {
        if (op.Kind0 == OperandKind.Gpr)
            SetReg(c, op.Reg0, op.Size, c.Cr0);
        else
            c.Write16(Ea(c, ref op), (ushort)c.Cr0);
    }

    /// <summary>LMSW sets PE, MP, EM and TS; it cannot clear PE.</summary>
    public static void Lmsw(X86Cpu c, ref Op op)
    {
        RequireCpl0(c);
        ulong v = op.Kind0 == OperandKind.Gpr ? c.R[op.Reg0] : c.Read16(Ea(c, ref op));
        ulong cr0 = (c.Cr0 & ~0xeUL) | (v & 0xf) | (c.Cr0 & Cr0Pe);
        if (!c.TrySetCr0(cr0))
            throw c.RaiseGp();
    }

    public static void Clts(X86Cpu c, ref Op op)
    {
        RequireCpl0(c);
        c.Cr0 &= ~Cr0Ts;
    }

    public static void Invlpg(X86Cpu c, ref Op op)
    {
        RequireCpl0(c);
        if (c.Tlb.Mmu is Mmu.SystemMmu { LargePagesCached: true })
            c.FlushTlb();
        else
        {
            c.Tlb.FlushPage(Ea(c, ref op));
            c.TranslationsChanged();
        }
    }

    /// <summary>WBINVD and INVD: caches are coherent here, so only the privilege check remains.</summary>
    public static void CacheControl(X86Cpu c, ref Op op) => RequireCpl0(c);

    public static void Rdmsr(X86Cpu c, ref Op op)
    {
        RequireCpl0(c);
        if (!c.TryReadMsr((uint)c.R[Gpr.Rcx], out ulong v))
            throw c.RaiseGp();
        c.R[Gpr.Rax] = (uint)v;
        c.R[Gpr.Rdx] = v >> 32;
    }

    public static void Wrmsr(X86Cpu c, ref Op op)
    {
        RequireCpl0(c);
        ulong v = (uint)c.R[Gpr.Rax] | (c.R[Gpr.Rdx] << 32);
        if (!c.TryWriteMsr((uint)c.R[Gpr.Rcx], v))
            throw c.RaiseGp();
        c.UpdateMode();
        c.ModeChanged();
    }

    /// <summary>HLT: stops until an interrupt, unless one can be taken at once.</summary>
    public static void Hlt(X86Cpu c, ref Op op)
    {
        RequireCpl0(c);
        c.Rip = op.Next;
        if (c.InterruptDeliverable())
        {
            c.StopBlock = true;
            c.Attention = true;
            return;
        }
        c.Halted = true;
        c.Exit = ExitReason.Halt;
        c.StopBlock = true;
    }

    private static void RequireIopl(X86Cpu c)
    {
        if (!c.SystemMode || (c.ProtectedMode && c.Cpl > (int)((c.FlagsRaw >> 12) & 3)))
            throw c.RaiseGp();
    }

    public static void Cli(X86Cpu c, ref Op op)
    {
        RequireIopl(c);
        c.FlagsRaw &= ~EFlags.IF;
    }

    /// <summary>STI: interrupts are recognised only after the next instruction (the STI shadow).</summary>
    public static void Sti(X86Cpu c, ref Op op)
    {
        RequireIopl(c);
        if ((c.FlagsRaw & EFlags.IF) == 0)
        {
            c.FlagsRaw |= EFlags.IF;
            c.InterruptShadow = true;
            c.Attention = true;
            c.StopBlock = true;
        }
    }

    /// <summary>SWAPGS: exchanges GS base and KernelGSbase (64-bit mode, CPL 0).</summary>
    public static void Swapgs(X86Cpu c, ref Op op)
    {
        if (c.CodeBits != 64)
            throw c.RaiseUd();
        RequireCpl0(c);
        (c.GsBase, c.KernelGsBase) = (c.KernelGsBase, c.GsBase);
    }

    public static void Rdtscp(X86Cpu c, ref Op op)
    {
        ulong t = c.TimeStampCounter;
        c.R[Gpr.Rax] = (uint)t;
        c.R[Gpr.Rdx] = t >> 32;
        c.R[Gpr.Rcx] = (uint)c.TscAux;
    }
}

using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;
using static QemuSharp.Target.X86.Cpu.ControlBits;
using static QemuSharp.Target.X86.Exec.Operands;

namespace QemuSharp.Target.X86.Exec;

/// <summary>
/// Transfers that change privilege or segment: SYSCALL/SYSRET, INT n/INTO/IRET, far JMP/CALL/RET,
/// and the segment-register moves. Outside system mode they keep the user-mode meaning (SYSCALL
/// exits to the emulator, the rest raise #GP).
/// </summary>
public static class TransferHandlers
{
    private const uint FlatCode64 = SegmentCache.Present | SegmentCache.CodeOrData | SegmentCache.TypeCode | SegmentCache.TypeReadable
        | SegmentCache.TypeAccessed | SegmentCache.Long | SegmentCache.Granular;
    private const uint FlatCode32 = (FlatCode64 & ~SegmentCache.Long) | SegmentCache.Big;
    private const uint FlatData = SegmentCache.Present | SegmentCache.CodeOrData | SegmentCache.TypeWritable | SegmentCache.TypeAccessed
        | SegmentCache.Big | SegmentCache.Granular;

    /// <summary>SYSCALL (AMD APM vol. 2, 6.1.1): to CPL 0 at LSTAR (64-bit mode) or CSTAR (compatibility mode).</summary>
    public static void Syscall(X86Cpu c, ref Op op)
    {
        if (!c.SystemMode)
        {
            SystemHandlers.Syscall(c, ref op);
            return;
        }
        if ((c.Efer & EferSce) == 0 || !c.LongMode)
            throw c.RaiseUd();
        ulong flags = c.Flags;
        c.R[Gpr.Rcx] = op.Next;
        c.R[Gpr.R11] = flags & ~EFlags.RF;
        ushort cs = (ushort)((c.Star >> 32) & 0xfffc);
        c.Seg[SegReg.Cs] = new SegmentCache { Selector = cs, Limit = 0xffff_ffff, Flags = FlatCode64 };
        c.Seg[SegReg.Ss] = new SegmentCache { Selector = (ushort)(cs + 8), Limit = 0xffff_ffff, Flags = FlatData };
        c.Flags = flags & ~(c.Sfmask | EFlags.RF);
        c.Rip = c.CodeBits == 64 ? c.Lstar : c.Cstar;
        c.Cpl = 0;
        c.UpdateMode();
        c.ModeChanged();
    }

    /// <summary>SYSRET: back to CPL 3 at RCX with RFLAGS from R11; Cond 1 returns to 64-bit code (REX.W).</summary>
    public static void Sysret(X86Cpu c, ref Op op)
    {
        if (!c.SystemMode || (c.Efer & EferSce) == 0 || !c.LongMode)
            throw c.RaiseUd();
        if (c.Cpl != 0)
            throw c.RaiseGp();
        ulong rip = c.R[Gpr.Rcx];
        ushort sel = (ushort)(c.Star >> 48);
        if (op.Cond == 1)
        {
            if ((ulong)((long)(rip << 16) >> 16) != rip)
                throw c.RaiseGp();
            c.Seg[SegReg.Cs] = new SegmentCache { Selector = (ushort)((sel + 16) | 3), Limit = 0xffff_ffff, Flags = FlatCode64 | (3u << 13) };
        }
        else
        {
            c.Seg[SegReg.Cs] = new SegmentCache { Selector = (ushort)(sel | 3), Limit = 0xffff_ffff, Flags = FlatCode32 | (3u << 13) };
            rip = (uint)rip;
        }
        c.Seg[SegReg.Ss].Selector = (ushort)((sel + 8) | 3);
        c.Seg[SegReg.Ss].Flags = FlatData | (3u << 13);
        c.Flags = (c.R[Gpr.R11] & 0x3c7fd7) | EFlags.Reserved1;
        c.Rip = rip;
        c.Cpl = 3;
        c.Attention = true;
        c.UpdateMode();
        c.ModeChanged();
    }

    /// <summary>SYSENTER: to CPL 0 at SYSENTER_EIP with the flat segments SYSENTER_CS describes.</summary>
    public static void Sysenter(X86Cpu c, ref Op op)
    {
        if (!c.SystemMode || !c.ProtectedMode || (c.SysenterCs & 0xfffc) == 0)
            throw c.RaiseGp();
        ushort cs = (ushort)(c.SysenterCs & 0xfffc);
        c.Flags &= ~(EFlags.VM | EFlags.IF | EFlags.RF);
        c.Seg[SegReg.Cs] = new SegmentCache { Selector = cs, Limit = 0xffff_ffff, Flags = c.LongMode ? FlatCode64 : FlatCode32 };
        c.Seg[SegReg.Ss] = new SegmentCache { Selector = (ushort)(cs + 8), Limit = 0xffff_ffff, Flags = FlatData };
        c.Cpl = 0;
        c.R[Gpr.Rsp] = c.LongMode ? c.SysenterEsp : (uint)c.SysenterEsp;
        c.Rip = c.LongMode ? c.SysenterEip : (uint)c.SysenterEip;
        c.UpdateMode();
        c.ModeChanged();
    }

    /// <summary>SYSEXIT: to CPL 3 at EDX/RDX with stack ECX/RCX; Cond 1 returns to 64-bit code.</summary>
    public static void Sysexit(X86Cpu c, ref Op op)
    {
        if (!c.SystemMode || !c.ProtectedMode || (c.SysenterCs & 0xfffc) == 0)
            throw c.RaiseGp();
        if (c.Cpl != 0)
            throw c.RaiseGp();
        ushort cs = (ushort)(c.SysenterCs & 0xfffc);
        bool to64 = op.Cond == 1;
        c.Seg[SegReg.Cs] = new SegmentCache { Selector = (ushort)((cs + (to64 ? 32 : 16)) | 3), Limit = 0xffff_ffff, Flags = (to64 ? FlatCode64 : FlatCode32) | (3u << 13) };
        c.Seg[SegReg.Ss] = new SegmentCache { Selector = (ushort)((cs + (to64 ? 40 : 24)) | 3), Limit = 0xffff_ffff, Flags = FlatData | (3u << 13) };
        c.Cpl = 3;
        c.R[Gpr.Rsp] = to64 ? c.R[Gpr.Rcx] : (uint)c.R[Gpr.Rcx];
        c.Rip = to64 ? c.R[Gpr.Rdx] : (uint)c.R[Gpr.Rdx];
        c.UpdateMode();
        c.ModeChanged();
    }

    /// <summary>INT imm8 (Imm) and INTO (Cond 1, only when OF is set).</summary>
    public static void Int(X86Cpu c, ref Op op)
    {
        if (!c.SystemMode)
            throw c.RaiseGp();
        if (op.Cond == 1 && !c.OverflowFlag())
        {
            c.Rip = op.Next;
            return;
        }
        c.Rip = op.Next;
        c.RaiseSoftwareInterrupt((byte)op.Imm);
    }

    /// <summary>IRET, IRETD, IRETQ (Size 2, 4, 8).</summary>
    public static void Iret(X86Cpu c, ref Op op)
    {
        if (!c.SystemMode)
            throw c.RaiseGp();
        c.InterruptReturn(op.Size);
    }

    /// <summary>Far JMP: ptr16:16/32 (Imm = offset, Cond unused, Disp = selector) or m16:16/32/64.</summary>
    public static void FarJmp(X86Cpu c, ref Op op)
    {
        (ushort sel, ulong offset) = FarTarget(c, ref op);
        c.LoadCodeSegment(sel, offset, false);
    }

    public static void FarCall(X86Cpu c, ref Op op)
    {
        (ushort sel, ulong offset) = FarTarget(c, ref op);
        int size = op.Cond;
        ushort oldCs = c.Cs;
        ulong sp = c.R[Gpr.Rsp];
        if (c.CodeBits == 64)
        {
            Push(c, oldCs, size);
            Push(c, op.Next, size);
        }
        else
        {
            c.PushStack(size, oldCs);
            c.PushStack(size, op.Next);
        }
        try
        {
            c.LoadCodeSegment(sel, offset, false);
        }
        catch (GuestFault)
        {
            c.R[Gpr.Rsp] = sp;
            throw;
        }
    }

    private static (ushort, ulong) FarTarget(X86Cpu c, ref Op op)
    {
        if (op.Kind0 == OperandKind.Immediate)
            return ((ushort)op.Disp, op.Imm);
        ulong ea = Ea(c, ref op);
        int size = op.Cond;
        ulong offset = c.Read(ea, size);
        return (c.Read16(ea + (ulong)size), offset);
    }

    /// <summary>RETF/LRETQ (Cond = operand size, Imm = bytes to release); to an outer level also pops SS:rSP.</summary>
    public static void FarRet(X86Cpu c, ref Op op)
    {
        int size = op.Cond;
        bool flat = c.CodeBits == 64;
        ulong sp = c.R[Gpr.Rsp];
        ulong offset = flat ? Pop(c, size) : c.PopStack(size);
        ushort sel = (ushort)(flat ? Pop(c, size) : c.PopStack(size));
        int oldCpl = c.Cpl;
        bool outer = c.ProtectedMode && !c.Virtual8086 && (sel & 3) > oldCpl;
        try
        {
            if (!outer)
            {
                c.LoadCodeSegment(sel, offset, true);
                Release(c, op.Imm);
                return;
            }
            Release(c, op.Imm);
            ulong newSp = flat ? Pop(c, size) : c.PopStack(size);
            ushort ss = (ushort)(flat ? Pop(c, size) : c.PopStack(size));
            c.LoadCodeSegment(sel, offset, true);
            LoadOuterStack(c, ss, newSp + op.Imm);
        }
        catch (GuestFault)
        {
            c.R[Gpr.Rsp] = sp;
            throw;
        }
    }

    private static void Release(X86Cpu c, ulong bytes)
    {
        ulong mask = c.StackMask;
        c.R[Gpr.Rsp] = (c.R[Gpr.Rsp] & ~mask) | ((c.R[Gpr.Rsp] + bytes) & mask);
    }

    internal static void LoadOuterStack(X86Cpu c, ushort ss, ulong sp)
    {
        if ((ss & 0xfffc) == 0 && c.CodeBits == 64)
            c.Seg[SegReg.Ss] = new SegmentCache { Selector = ss, Flags = SegmentCache.CodeOrData | SegmentCache.TypeWritable | ((uint)c.Cpl << 13) };
        else
            c.Seg[SegReg.Ss] = c.LoadStackDescriptor(ss, c.Cpl);
        c.R[Gpr.Rsp] = c.CodeBits == 64 || (c.Seg[SegReg.Ss].Flags & SegmentCache.Big) != 0 ? sp : (c.R[Gpr.Rsp] & ~0xffffUL) | (ushort)sp;
        c.NullInaccessibleSegments();
    }

    /// <summary>MOV Sreg, r/m16: Cond is the segment register.</summary>
    public static void MovToSegment(X86Cpu c, ref Op op)
    {
        if (op.Cond == SegReg.Cs)
            throw c.RaiseUd();
        ushort sel = (ushort)Read1(c, ref op);
        LoadUserVisible(c, op.Cond, sel);
    }

    private static void LoadUserVisible(X86Cpu c, int seg, ushort sel)
    {
        if (c.SystemMode)
        {
            c.LoadSegmentRegister(seg, sel);
            return;
        }
        // User mode: Linux's flat selectors keep their bases (FS/GS bases come from arch_prctl).
        c.Seg[seg].Selector = sel;
    }

    /// <summary>LDS, LES, LSS, LFS, LGS: a far pointer from memory into Sreg (Cond) and a register (Size bytes).</summary>
    public static void LoadFarPointer(X86Cpu c, ref Op op)
    {
        ulong ea = Ea(c, ref op);
        ulong offset = c.Read(ea, op.Size);
        ushort sel = (ushort)c.Read16(ea + op.Size);
        LoadUserVisible(c, op.Cond, sel);
        SetReg(c, op.Reg0, op.Size, offset);
    }

    /// <summary>MOV r/m16, Sreg: a register destination takes the operand size (zero-extended), memory 16 bits.</summary>
    public static void MovFromSegment(X86Cpu c, ref Op op)
    {
        ushort v = c.Seg[op.Cond].Selector;
        if (op.Kind0 == OperandKind.Gpr)
            SetReg(c, op.Reg0, op.Size == 2 ? 2 : 4, v);
        else
            c.Write16(Ea(c, ref op), v);
    }

    /// <summary>PUSH Sreg (Cond) with operand size Size.</summary>
    public static void PushSegment(X86Cpu c, ref Op op)
    {
        ushort v = c.Seg[op.Cond].Selector;
        if (c.CodeBits == 64) Push(c, v, op.Size);
        else c.PushStack(op.Size, v);
    }

    public static void PopSegment(X86Cpu c, ref Op op)
    {
        ulong sp = c.R[Gpr.Rsp];
        ushort v = (ushort)(c.CodeBits == 64 ? Pop(c, op.Size) : c.PopStack(op.Size));
        try
        {
            LoadUserVisible(c, op.Cond, v);
        }
        catch (GuestFault)
        {
            c.R[Gpr.Rsp] = sp;
            throw;
        }
    }
}

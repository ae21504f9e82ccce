using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.Target.X86.Cpu;

/// <summary>
/// Exceptions and interrupts in system mode (Intel SDM vol. 3, chapter 6): delivery through the
/// real-mode IVT, 32-bit protected-mode gates or 64-bit long-mode gates with IST and TSS stacks,
/// double and triple faults, and the interrupt inputs polled between blocks.
/// </summary>
public sealed partial class X86Cpu
{
    /// <summary>Called before each exception or interrupt is delivered (vector, software, error code or -1): QEMU's <c>-d int</c>.</summary>
    public Action<int, bool, int>? OnEvent { get; set; }

    /// <summary>Looks at stop requests, the interrupt shadow, NMI and INTR; called between blocks when <see cref="Attention"/> is set.</summary>
    public ExitReason ServiceAttention()
    {
        Attention = false;
        if (StopRequested)
        {
            Attention = true;
            return ExitReason.Interrupted;
        }
        if (!SystemMode)
            return ExitReason.None;
        if (InterruptShadow)
        {
            InterruptShadow = false;
            Attention = true;
            return ExitReason.None;
        }
        return TakeInterrupt(out _);
    }

    /// <summary>Delivers a waiting NMI or (with IF set) external interrupt; <paramref name="taken"/> says whether one was.</summary>
    private ExitReason TakeInterrupt(out bool taken)
    {
        taken = false;
        var ic = Interrupts;
        if (ic == null)
            return ExitReason.None;
        lock (DeviceLock)
        {
            if (ic.HasNmi && !NmiBlocked)
            {
                ic.AcknowledgeNmi();
                NmiBlocked = true;
                taken = true;
                return DeliverEvent(Vector.NMI, false, false, 0);
            }
            if ((FlagsRaw & EFlags.IF) == 0 || !ic.HasInterrupt)
                return ExitReason.None;
            byte vector = ic.Acknowledge();
            taken = true;
            return DeliverEvent((Vector)vector, false, false, 0);
        }
    }

    /// <summary>After HLT: true (and the CPU running again) if an interrupt was delivered.</summary>
    public bool WakeFromHalt()
    {
        Attention = false;
        TakeInterrupt(out bool taken);
        if (taken)
            Halted = false;
        return taken;
    }

    /// <summary>True when HLT would be woken at once (an NMI, or an interrupt with IF set).</summary>
    public bool InterruptDeliverable()
    {
        var ic = Interrupts;
        if (ic == null)
            return false;
        lock (DeviceLock)
            return (ic.HasNmi && !NmiBlocked) || ((FlagsRaw & EFlags.IF) != 0 && ic.HasInterrupt);
    }

    /// <summary>Delivers the exception in <see cref="Fault"/>; RIP is the faulting instruction (after it for #BP and #OF).</summary>
    public ExitReason DeliverFault()
    {
        Vector v = Fault.Vector;
        uint error = Fault.ErrorCode;
        if (v == Vector.PF)
            Cr2 = Fault.Address;
        bool software = v is Vector.BP or Vector.OF;
        return DeliverEvent(v, software, HasErrorCode(v), error);
    }

    /// <summary>INT n: a software interrupt, with the gate's DPL checked against the CPL.</summary>
    public ExitReason SoftwareInterrupt(byte vector) => DeliverEvent((Vector)vector, true, false, 0);

    private static bool HasErrorCode(Vector v) => v is Vector.DF or Vector.TS or Vector.NP or Vector.SS or Vector.GP or Vector.PF or Vector.AC;

    private static bool Contributory(Vector v) => v is Vector.DE or Vector.TS or Vector.NP or Vector.SS or Vector.GP;

    private ExitReason DeliverEvent(Vector vector, bool software, bool hasError, uint error)
    {
        OnEvent?.Invoke((int)vector, software, hasError ? (int)error : -1);
        try
        {
            Deliver((int)vector, software, hasError, error);
            return ExitReason.None;
        }
        catch (GuestFault second)
        {
            Vector v2 = second.Vector;
            uint e2 = second.ErrorCode;
            if (v2 == Vector.PF)
                Cr2 = second.Address;
            if (vector == Vector.DF)
                return TripleFault();
            bool doubleFault = (Contributory(vector) && Contributory(v2)) || (vector == Vector.PF && (Contributory(v2) || v2 == Vector.PF));
            if (doubleFault)
                return DeliverEvent(Vector.DF, false, true, 0);
            return DeliverEvent(v2, false, HasErrorCode(v2), e2);
        }
    }

    private ExitReason TripleFault()
    {
        Exit = ExitReason.TripleFault;
        return ExitReason.TripleFault;
    }

    private void Deliver(int vector, bool software, bool hasError, uint error)
    {
        Halted = false;
        InterruptShadow = false;
        if (!ProtectedMode)
            DeliverReal(vector);
        else if (LongMode)
            DeliverLong(vector, software, hasError, error);
        else
            DeliverProtected(vector, software, hasError, error);
        ModeChanged();
    }

    private void DeliverReal(int vector)
    {
        if ((uint)vector * 4 + 3 > Idtr.Limit)
            throw RaiseGp((uint)vector * 8 + 2);
        uint entry = (uint)Read(Idtr.Base + (uint)vector * 4, 4);
        ulong flags = Flags;
        PushStack(2, flags);
        PushStack(2, Cs);
        PushStack(2, Rip);
        Flags = flags & ~(EFlags.IF | EFlags.TF | EFlags.AC | EFlags.RF);
        ushort cs = (ushort)(entry >> 16);
        Seg[SegReg.Cs].Selector = cs;
        Seg[SegReg.Cs].Base = (ulong)cs << 4;
        Rip = entry & 0xffff;
        UpdateMode();
    }

    private ulong ReadGate(int vector, int size, bool software)
    {
        uint errorCode = (uint)vector * 8 + 2;
        if ((uint)vector * (uint)size + (uint)size - 1 > Idtr.Limit)
            throw RaiseGp(errorCode);
        return ReadSystem(Idtr.Base + (ulong)vector * (ulong)size, 8);
    }

    private void DeliverLong(int vector, bool software, bool hasError, uint error)
    {
        uint gateError = (uint)vector * 8 + 2;
        ulong lo = ReadGate(vector, 16, software);
        ulong hi = ReadSystem(Idtr.Base + (ulong)vector * 16 + 8, 8);
        int type = (int)(lo >> 40) & 0x1f;
        if (type is not (0xe or 0xf))
            throw RaiseGp(gateError);
        if (software && (int)((lo >> 45) & 3) < Cpl)
            throw RaiseGp(gateError);
        if ((lo & (1UL << 47)) == 0)
            throw Fault.Set(Vector.NP, gateError);
        ushort selector = (ushort)(lo >> 16);
        ulong offset = (lo & 0xffff) | ((lo >> 32) & 0xffff_0000) | (hi << 32);
        int ist = (int)(lo >> 32) & 7;
        SegmentCache code = LoadCodeDescriptor(selector);
        if ((code.Flags & SegmentCache.Long) == 0 || (code.Flags & SegmentCache.Big) != 0)
            throw RaiseGpSelector(selector);
        int newCpl = (code.Flags & SegmentCache.TypeConforming) != 0 ? Cpl : code.Dpl;
        if (newCpl > Cpl)
            throw RaiseGpSelector(selector);
        ulong rsp;
        if (ist != 0)
            rsp = ReadSystem(Seg[SegReg.Tr].Base + 0x24 + (ulong)(ist - 1) * 8, 8);
        else if (newCpl < Cpl)
            rsp = ReadSystem(Seg[SegReg.Tr].Base + 4 + (ulong)newCpl * 8, 8);
        else
            rsp = R[Gpr.Rsp];
        rsp &= ~0xfUL;
        ulong oldSs = Ss, oldRsp = R[Gpr.Rsp], flags = Flags, oldCs = Cs, rip = Rip;
        int oldCpl = Cpl;
        Cpl = newCpl;
        Tlb.SetPrivilege(newCpl == 3);
        try
        {
            rsp -= 8; Write64(rsp, oldSs);
            rsp -= 8; Write64(rsp, oldRsp);
            rsp -= 8; Write64(rsp, flags);
            rsp -= 8; Write64(rsp, oldCs);
            rsp -= 8; Write64(rsp, rip);
            if (hasError)
            {
                rsp -= 8;
                Write64(rsp, error);
            }
        }
        catch (GuestFault)
        {
            Cpl = oldCpl;
            Tlb.SetPrivilege(oldCpl == 3);
            throw;
        }
        R[Gpr.Rsp] = rsp;
        if (newCpl != oldCpl)
            Seg[SegReg.Ss] = new SegmentCache { Selector = (ushort)newCpl, Flags = SegmentCache.CodeOrData | SegmentCache.TypeWritable | ((uint)newCpl << 13) };
        code.Selector = (ushort)((selector & 0xfffc) | newCpl);
        Seg[SegReg.Cs] = code;
        ulong cleared = EFlags.TF | EFlags.NT | EFlags.RF | EFlags.VM | (type == 0xe ? EFlags.IF : 0);
        Flags = flags & ~cleared;
        Rip = offset;
        UpdateMode();
    }

    private void DeliverProtected(int vector, bool software, bool hasError, uint error)
    {
        uint gateError = (uint)vector * 8 + 2;
        ulong gate = ReadGate(vector, 8, software);
        int type = (int)(gate >> 40) & 0x1f;
        if (type is not (0xe or 0xf or 0x6 or 0x7))
            throw RaiseGp(gateError);
        if (software && (int)((gate >> 45) & 3) < Cpl)
            throw RaiseGp(gateError);
        if ((gate & (1UL << 47)) == 0)
            throw Fault.Set(Vector.NP, gateError);
        bool gate32 = (type & 8) != 0;
        int size = gate32 ? 4 : 2;
        ushort selector = (ushort)(gate >> 16);
        ulong offset = (gate & 0xffff) | (gate32 ? (gate >> 32) & 0xffff_0000 : 0);
        SegmentCache code = LoadCodeDescriptor(selector);
        int newCpl = (code.Flags & SegmentCache.TypeConforming) != 0 ? Cpl : code.Dpl;
        if (newCpl > Cpl)
            throw RaiseGpSelector(selector);
        ulong flags = Flags;
        ulong oldSs = Ss, oldEsp = R[Gpr.Rsp] & StackMask, oldCs = Cs, eip = Rip;
        int oldCpl = Cpl;
        SegmentCache stack = Seg[SegReg.Ss];
        ulong esp = R[Gpr.Rsp];
        if (newCpl < Cpl)
        {
            ulong tss = Seg[SegReg.Tr].Base;
            bool tss32 = (Seg[SegReg.Tr].Type & 8) != 0;
            ulong slot = tss32 ? 4 + (ulong)newCpl * 8 : 2 + (ulong)newCpl * 4;
            esp = ReadSystem(tss + slot, tss32 ? 4 : 2);
            ushort ss = (ushort)ReadSystem(tss + slot + (tss32 ? 4UL : 2UL), 2);
            stack = LoadStackDescriptor(ss, newCpl);
        }
        ulong mask = (stack.Flags & SegmentCache.Big) != 0 ? 0xffff_ffffUL : 0xffff;
        Cpl = newCpl;
        Tlb.SetPrivilege(newCpl == 3);
        try
        {
            void Push(ulong v)
            {
                esp = (esp & ~mask) | ((esp - (ulong)size) & mask);
                Write(stack.Base + (esp & mask), size, v);
            }
            if (newCpl != oldCpl)
            {
                Push(oldSs);
                Push(oldEsp);
            }
            Push(flags);
            Push(oldCs);
            Push(eip);
            if (hasError)
                Push(error);
        }
        catch (GuestFault)
        {
            Cpl = oldCpl;
            Tlb.SetPrivilege(oldCpl == 3);
            throw;
        }
        Seg[SegReg.Ss] = stack;
        R[Gpr.Rsp] = mask == 0xffff ? (R[Gpr.Rsp] & ~0xffffUL) | (esp & 0xffff) : esp & 0xffff_ffff;
        code.Selector = (ushort)((selector & 0xfffc) | newCpl);
        Seg[SegReg.Cs] = code;
        ulong cleared = EFlags.TF | EFlags.NT | EFlags.RF | EFlags.VM | ((type & 1) == 0 ? EFlags.IF : 0);
        Flags = flags & ~cleared;
        Rip = offset;
        UpdateMode();
    }

    /// <summary>Pushes on SS:SP/ESP/RSP with the current stack width (real and protected mode).</summary>
    public void PushStack(int size, ulong value)
    {
        ulong sp = (R[Gpr.Rsp] - (ulong)size) & StackMask;
        Write(SegBase[5] + sp, size, value);
        R[Gpr.Rsp] = (R[Gpr.Rsp] & ~StackMask) | sp;
    }

    public ulong PopStack(int size)
    {
        ulong sp = R[Gpr.Rsp] & StackMask;
        ulong v = Read(SegBase[5] + sp, size);
        R[Gpr.Rsp] = (R[Gpr.Rsp] & ~StackMask) | ((sp + (ulong)size) & StackMask);
        return v;
    }

    /// <summary>A supervisor-privilege read of a system structure (GDT, LDT, IDT, TSS), whatever the CPL.</summary>
    public ulong ReadSystem(ulong linear, int size)
    {
        bool user = Tlb.UserMode;
        if (!user)
            return Read(linear, size);
        Tlb.SetPrivilege(false);
        try
        {
            return Read(linear, size);
        }
        finally
        {
            Tlb.SetPrivilege(true);
        }
    }

    public void WriteSystem(ulong linear, int size, ulong value)
    {
        bool user = Tlb.UserMode;
        Tlb.SetPrivilege(false);
        try
        {
            Write(linear, size, value);
        }
        finally
        {
            Tlb.SetPrivilege(user);
        }
    }
}

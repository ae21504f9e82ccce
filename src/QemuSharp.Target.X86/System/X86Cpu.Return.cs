using QemuSharp.Target.X86.Exec;

namespace QemuSharp.Target.X86.Cpu;

/// <summary>IRET in real, protected and long mode, and the EFLAGS bits POPF and IRET may change.</summary>
public sealed partial class X86Cpu
{
    /// <summary>
    /// The EFLAGS bits POPF and IRET change at the current CPL: IOPL only at CPL 0, IF only at CPL
    /// at most IOPL; VM, VIP and VIF never (virtual-8086 mode is not implemented).
    /// </summary>
    public ulong WritableFlags()
    {
        ulong mask = EFlags.UserWritable;
        if (Cpl == 0)
            mask |= EFlags.IOPL;
        if (Cpl <= (int)((FlagsRaw >> 12) & 3))
            mask |= EFlags.IF;
        return mask;
    }

    /// <summary>Replaces the flags <see cref="WritableFlags"/> allows (only the low 16 bits for a 16-bit operand).</summary>
    public void LoadFlags(ulong value, int size, ulong extraMask = 0)
    {
        ulong mask = WritableFlags() | extraMask;
        if (size == 2)
            mask &= 0xffff;
        ulong old = Flags;
        Flags = (old & ~mask) | (value & mask);
        if ((old & EFlags.IF) == 0 && (Flags & EFlags.IF) != 0 && SystemMode)
            Attention = true;
    }

    /// <summary>Delivers INT n: the pushed return address is the current RIP (after the instruction).</summary>
    public void RaiseSoftwareInterrupt(byte vector) => Deliver(vector, true, false, 0);

    /// <summary>IRET with operand size <paramref name="size"/>.</summary>
    public void InterruptReturn(int size)
    {
        ulong sp = R[Gpr.Rsp];
        try
        {
            if (!ProtectedMode)
                ReturnReal(size);
            else if ((FlagsRaw & EFlags.NT) != 0)
                throw RaiseGp();
            else
                ReturnProtected(size);
        }
        catch (GuestFault)
        {
            R[Gpr.Rsp] = sp;
            throw;
        }
        NmiBlocked = false;
        Attention = true;
        ModeChanged();
    }

    private void ReturnReal(int size)
    {
        ulong ip = PopStack(size);
        ushort cs = (ushort)PopStack(size);
        ulong flags = PopStack(size);
        Seg[SegReg.Cs].Selector = cs;
        Seg[SegReg.Cs].Base = (ulong)cs << 4;
        Rip = ip;
        LoadFlags(flags, size, EFlags.RF);
        UpdateMode();
    }

    private void ReturnProtected(int size)
    {
        bool flat = CodeBits == 64;
        ulong Pop() => flat ? Operands.Pop(this, size) : PopStack(size);
        ulong ip = Pop();
        ushort cs = (ushort)Pop();
        ulong flags = Pop();
        int rpl = cs & 3;
        if (rpl < Cpl)
            throw RaiseGpSelector(cs);
        bool outer = rpl > Cpl;
        bool popStack = flat || outer;
        ulong newSp = 0;
        ushort ss = 0;
        if (popStack)
        {
            newSp = Pop();
            ss = (ushort)Pop();
        }
        SegmentCache code = LoadCodeDescriptor(cs);
        bool conforming = (code.Flags & SegmentCache.TypeConforming) != 0;
        if (conforming ? code.Dpl > rpl : code.Dpl != rpl)
            throw RaiseGpSelector(cs);
        LoadFlags(flags, size, EFlags.RF);
        code.Selector = cs;
        Seg[SegReg.Cs] = code;
        Cpl = rpl;
        bool to64 = LongMode && (code.Flags & SegmentCache.Long) != 0;
        Rip = to64 ? ip : (uint)ip;
        UpdateMode();
        if (popStack)
        {
            if (outer || (ss & 0xfffc) != 0 || !to64)
                TransferHandlers.LoadOuterStack(this, ss, newSp);
            else
            {
                Seg[SegReg.Ss] = new SegmentCache { Selector = ss, Flags = SegmentCache.CodeOrData | SegmentCache.TypeWritable | ((uint)Cpl << 13) };
                R[Gpr.Rsp] = newSp;
            }
        }
        UpdateMode();
    }
}

using System.Numerics;
using System.Runtime.CompilerServices;

namespace QemuSharp.Target.X86.Cpu;

/// <summary>Lazy flags (design.md #5): arithmetic records what it did; EFLAGS is computed on demand.</summary>
public sealed partial class X86Cpu
{
    /// <summary>EFLAGS with the status bits computed.</summary>
    public ulong Flags
    {
        get
        {
            if (CcOp != FlagOp.None)
                Materialize();
            return FlagsRaw;
        }
        set
        {
            FlagsRaw = (value & 0x3f7fd5) | EFlags.Reserved1;
            CcOp = FlagOp.None;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetLazy(FlagOp op, int size, ulong dst, ulong src)
    {
        CcOp = op;
        CcSize = (byte)size;
        CcDst = dst;
        CcSrc = src;
    }

    /// <summary>Sets the six status flags at once (for instructions that compute them eagerly).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetStatusFlags(ulong flags)
    {
        FlagsRaw = (FlagsRaw & ~EFlags.Arith) | (flags & EFlags.Arith);
        CcOp = FlagOp.None;
    }

    /// <summary>Keeps the current status flags but replaces those in <paramref name="mask"/>.</summary>
    public void UpdateStatusFlags(ulong mask, ulong flags)
    {
        ulong f = Flags;
        FlagsRaw = (f & ~mask) | (flags & mask);
    }

    private void Materialize()
    {
        FlagsRaw = (FlagsRaw & ~EFlags.Arith) | ComputeStatus();
        CcOp = FlagOp.None;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool CarryFlag()
    {
        ulong mask = Mask(CcSize);
        return CcOp switch
        {
            FlagOp.None => (FlagsRaw & EFlags.CF) != 0,
            FlagOp.Logic => false,
            FlagOp.Sub => ((CcDst + CcSrc) & mask) < (CcSrc & mask),
            FlagOp.Add => (CcDst & mask) < (CcSrc & mask),
            FlagOp.Inc or FlagOp.Dec => CcAux != 0,
            FlagOp.Adc => CcAux != 0 ? (CcDst & mask) <= (CcSrc & mask) : (CcDst & mask) < (CcSrc & mask),
            FlagOp.Sbb => CcAux != 0 ? ((CcDst + CcSrc + 1) & mask) <= (CcSrc & mask) : ((CcDst + CcSrc) & mask) < (CcSrc & mask),
            _ => (ComputeStatus() & EFlags.CF) != 0,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ZeroFlag() => CcOp == FlagOp.None ? (FlagsRaw & EFlags.ZF) != 0 : (CcDst & Mask(CcSize)) == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool SignFlag() => CcOp == FlagOp.None ? (FlagsRaw & EFlags.SF) != 0 : ((CcDst >> (CcSize * 8 - 1)) & 1) != 0;

    public bool OverflowFlag() => (Flags & EFlags.OF) != 0;

    private bool SubCondition(int cc)
    {
        int shift = 64 - CcSize * 8;
        ulong dst = CcDst << shift, src = CcSrc << shift, op1 = dst + src;
        bool r;
        switch (cc >> 1)
        {
            case 0: r = (long)((op1 ^ src) & (op1 ^ dst)) < 0; break;
            case 1: r = op1 < src; break;
            case 2: r = dst == 0; break;
            case 3: r = op1 <= src; break;
            case 4: r = (long)dst < 0; break;
            case 5: r = (BitOperations.PopCount(CcDst & 0xff) & 1) == 0; break;
            case 6: r = (long)op1 < (long)src; break;
            default: r = (long)op1 <= (long)src; break;
        }
        return r ^ ((cc & 1) != 0);
    }

    private bool LogicCondition(int cc)
    {
        long dst = (long)(CcDst << (64 - CcSize * 8));
        bool r = (cc >> 1) switch
        {
            0 or 1 => false,
            2 or 3 => dst == 0,
            4 or 6 => dst < 0,
            _ => dst <= 0,
        };
        return r ^ ((cc & 1) != 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mask(int size) => size == 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1;

    public static ulong Parity(ulong v) => (BitOperations.PopCount(v & 0xff) & 1) == 0 ? EFlags.PF : 0;

    private ulong ComputeStatus()
    {
        int size = CcSize;
        ulong mask = Mask(size);
        int signShift = size * 8 - 1;
        ulong dst = CcDst & mask, src = CcSrc & mask;
        ulong f = Parity(dst) | (dst == 0 ? EFlags.ZF : 0) | (((dst >> signShift) & 1) != 0 ? EFlags.SF : 0);
        ulong op1;
        switch (CcOp)
        {
            case FlagOp.Add:
            case FlagOp.Adc:
                op1 = (dst - src - (CcOp == FlagOp.Adc ? CcAux : 0)) & mask;
                if (CcOp == FlagOp.Adc && CcAux != 0 ? dst <= src : dst < src) f |= EFlags.CF;
                if ((((op1 ^ ~src) & (op1 ^ dst)) >> signShift & 1) != 0) f |= EFlags.OF;
                f |= (op1 ^ src ^ dst) & EFlags.AF;
                break;
            case FlagOp.Sub:
            case FlagOp.Sbb:
                ulong borrow = CcOp == FlagOp.Sbb ? CcAux : 0;
                op1 = (dst + src + borrow) & mask;
                if (borrow != 0 ? op1 <= src : op1 < src) f |= EFlags.CF;
                if ((((op1 ^ src) & (op1 ^ dst)) >> signShift & 1) != 0) f |= EFlags.OF;
                f |= (op1 ^ src ^ dst) & EFlags.AF;
                break;
            case FlagOp.Logic:
                break;
            case FlagOp.Inc:
                if (CcAux != 0) f |= EFlags.CF;
                if (dst == 1UL << signShift) f |= EFlags.OF;
                if ((dst & 0xf) == 0) f |= EFlags.AF;
                break;
            case FlagOp.Dec:
                if (CcAux != 0) f |= EFlags.CF;
                if (dst == (1UL << signShift) - 1) f |= EFlags.OF;
                if ((dst & 0xf) == 0xf) f |= EFlags.AF;
                break;
        }
        return f;
    }

    /// <summary>Evaluates condition code <paramref name="cc"/> (the low nibble of Jcc/SETcc/CMOVcc).</summary>
    public bool Condition(int cc)
    {
        // After CMP/SUB and logic operations every condition follows from the operands directly.
        if (CcOp == FlagOp.Sub)
            return SubCondition(cc);
        if (CcOp == FlagOp.Logic && (cc >> 1) is not 5)
            return LogicCondition(cc);
        bool r;
        switch (cc >> 1)
        {
            case 0: r = OverflowFlag(); break;
            case 1: r = CarryFlag(); break;
            case 2: r = ZeroFlag(); break;
            case 3: r = CarryFlag() || ZeroFlag(); break;
            case 4: r = SignFlag(); break;
            case 5: r = (Flags & EFlags.PF) != 0; break;
            case 6: r = SignFlag() != OverflowFlag(); break;
            default: r = ZeroFlag() || SignFlag() != OverflowFlag(); break;
        }
        return r ^ ((cc & 1) != 0);
    }
}

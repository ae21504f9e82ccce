using System.Numerics;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;
using static QemuSharp.Target.X86.Exec.Operands;

namespace QemuSharp.Target.X86.Exec;

/// <summary>BT, BTS, BTR, BTC (Cond 0-3), BSF, BSR, LZCNT, TZCNT and POPCNT.</summary>
public static class BitHandlers
{
    public static void BitTest(X86Cpu c, ref Op op)
    {
        int size = op.Size, bits = size * 8;
        ulong offset = Read1(c, ref op);
        int kind = op.Cond;
        if (op.Kind0 == OperandKind.Gpr || op.Kind1 == OperandKind.Immediate)
        {
            int bit = (int)(offset & (ulong)(bits - 1));
            ulong a = ReadModify0(c, ref op, out ulong ea);
            bool set = ((a >> bit) & 1) != 0;
            SetCarry(c, set);
            if (kind != 0)
            {
                ulong r = kind switch { 1 => a | (1UL << bit), 2 => a & ~(1UL << bit), _ => a ^ (1UL << bit) };
                if (op.Kind0 == OperandKind.Memory && op.Rep == IntegerHandlers.LockPrefix)
                    IntegerHandlers.LockedRmw(c, ref op, (_, _, old, m, k) => k switch { 1 => old | m, 2 => old & ~m, _ => old ^ m }, 1UL << bit, (byte)kind);
                else
                    Write0(c, ref op, ea, r);
            }
            return;
        }
        // A register offset into memory addresses a bit string: the offset is signed and may
        // reach outside the operand.
        long soff = MulDivHandlers.SignExtend(offset, size);
        ulong addr = Ea(c, ref op) + (ulong)((soff >> 3) & ~(long)(size - 1));
        int bitIn = (int)(soff & (bits - 1));
        ulong mask = 1UL << bitIn;
        ulong old;
        if (kind != 0 && op.Rep == IntegerHandlers.LockPrefix)
        {
            unsafe
            {
                byte* p = c.WritablePointer(addr, (uint)size);
                if (p == null)
                    throw c.RaiseGp();
                while (true)
                {
                    old = Atomic.Load(p, size);
                    ulong r = kind switch { 1 => old | mask, 2 => old & ~mask, _ => old ^ mask };
                    if (Atomic.CompareExchange(p, size, r, old) == old)
                        break;
                }
            }
        }
        else
        {
            old = c.Read(addr, size);
            if (kind != 0)
                c.Write(addr, size, kind switch { 1 => old | mask, 2 => old & ~mask, _ => old ^ mask });
        }
        SetCarry(c, (old & mask) != 0);
    }

    private static void SetCarry(X86Cpu c, bool cf) => c.UpdateStatusFlags(EFlags.CF, cf ? EFlags.CF : 0);

    /// <summary>
    /// BSF (Cond 0) and BSR (Cond 1): a zero source sets ZF and leaves the destination unchanged.
    /// The flags Intel leaves undefined follow AMD Zen: PF is the parity of the index (set for a
    /// zero source), CF, AF, SF and OF are cleared.
    /// </summary>
    public static void BitScan(X86Cpu c, ref Op op)
    {
        int size = op.Size;
        ulong v = Read1(c, ref op);
        if (v == 0)
        {
            c.SetStatusFlags(EFlags.ZF | EFlags.PF);
            return;
        }
        int index = op.Cond == 0 ? BitOperations.TrailingZeroCount(v) : 63 - BitOperations.LeadingZeroCount(v);
        SetReg(c, op.Reg0, size, (ulong)index);
        c.SetStatusFlags(X86Cpu.Parity((ulong)index));
    }

    /// <summary>TZCNT (Cond 0) and LZCNT (Cond 1): CF when the source is zero, ZF when the count is zero.</summary>
    public static void CountZeros(X86Cpu c, ref Op op)
    {
        int size = op.Size, bits = size * 8;
        ulong v = Read1(c, ref op);
        int n = v == 0 ? bits
            : op.Cond == 0 ? BitOperations.TrailingZeroCount(v) : BitOperations.LeadingZeroCount(v) - (64 - bits);
        SetReg(c, op.Reg0, size, (ulong)n);
        c.UpdateStatusFlags(EFlags.CF | EFlags.ZF, (v == 0 ? EFlags.CF : 0) | (n == 0 ? EFlags.ZF : 0));
    }

    public static void Popcnt(X86Cpu c, ref Op op)
    {
        ulong v = Read1(c, ref op);
        SetReg(c, op.Reg0, op.Size, (ulong)BitOperations.PopCount(v));
        c.SetStatusFlags(v == 0 ? EFlags.ZF : 0);
    }
}

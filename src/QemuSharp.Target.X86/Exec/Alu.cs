using System.Runtime.CompilerServices;
using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.Target.X86.Exec;

/// <summary>The eight operations of the x86 ALU group, numbered by the encoding's /reg field.</summary>
public enum AluOp : byte
{
    Add = 0, Or = 1, Adc = 2, Sbb = 3, And = 4, Sub = 5, Xor = 6, Cmp = 7,
}

/// <summary>Pure ALU arithmetic with lazy flags, one function for every width.</summary>
public static class Alu
{
    /// <summary>Computes <paramref name="op"/> on a and b, records the flags and returns the (masked) result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Compute(X86Cpu c, AluOp op, int size, ulong a, ulong b)
    {
        ulong mask = X86Cpu.Mask(size);
        ulong r;
        switch (op)
        {
            case AluOp.Add:
                r = (a + b) & mask;
                c.SetLazy(FlagOp.Add, size, r, b);
                return r;
            case AluOp.Or:
                r = (a | b) & mask;
                c.SetLazy(FlagOp.Logic, size, r, 0);
                return r;
            case AluOp.Adc:
            {
                ulong carry = c.CarryFlag() ? 1UL : 0;
                r = (a + b + carry) & mask;
                c.CcAux = carry;
                c.SetLazy(FlagOp.Adc, size, r, b);
                return r;
            }
            case AluOp.Sbb:
            {
                ulong borrow = c.CarryFlag() ? 1UL : 0;
                r = (a - b - borrow) & mask;
                c.CcAux = borrow;
                c.SetLazy(FlagOp.Sbb, size, r, b);
                return r;
            }
            case AluOp.And:
                r = a & b & mask;
                c.SetLazy(FlagOp.Logic, size, r, 0);
                return r;
            case AluOp.Xor:
                r = (a ^ b) & mask;
                c.SetLazy(FlagOp.Logic, size, r, 0);
                return r;
            default:
                r = (a - b) & mask;
                c.SetLazy(FlagOp.Sub, size, r, b);
                return r;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Inc(X86Cpu c, int size, ulong a)
    {
        c.CcAux = c.CarryFlag() ? 1UL : 0;
        ulong r = (a + 1) & X86Cpu.Mask(size);
        c.SetLazy(FlagOp.Inc, size, r, 1);
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Dec(X86Cpu c, int size, ulong a)
    {
        c.CcAux = c.CarryFlag() ? 1UL : 0;
        ulong r = (a - 1) & X86Cpu.Mask(size);
        c.SetLazy(FlagOp.Dec, size, r, 1);
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Neg(X86Cpu c, int size, ulong a)
    {
        ulong r = (0 - a) & X86Cpu.Mask(size);
        c.SetLazy(FlagOp.Sub, size, r, a);
        return r;
    }
}

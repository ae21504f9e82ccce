using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;
using static QemuSharp.Target.X86.Exec.Operands;

namespace QemuSharp.Target.X86.Exec;

/// <summary>MUL, IMUL (one, two and three operands), DIV and IDIV at every width.</summary>
public static class MulDivHandlers
{
    /// <summary>CF and OF tell whether the product overflowed; SF, ZF, AF and PF (undefined by Intel) keep their values, as on AMD Zen.</summary>
    private static void MulFlags(X86Cpu c, bool overflow) =>
        c.UpdateStatusFlags(EFlags.CF | EFlags.OF, overflow ? EFlags.CF | EFlags.OF : 0);

    /// <summary>MUL r/m: rDX:rAX (AX for bytes) = rAX * r/m, unsigned.</summary>
    public static void Mul(X86Cpu c, ref Op op)
    {
        int size = op.Size;
        ulong b = Read0(c, ref op);
        ulong a = GetReg(c, Gpr.Rax, size);
        if (size == 8)
        {
            ulong hi = Math.BigMul(a, b, out ulong lo);
            c.R[Gpr.Rax] = lo;
            c.R[Gpr.Rdx] = hi;
            MulFlags(c, hi != 0);
            return;
        }
        ulong r = a * b;
        int bits = size * 8;
        ulong mask = X86Cpu.Mask(size);
        if (size == 1)
            SetReg(c, Gpr.Rax, 2, r);
        else
        {
            SetReg(c, Gpr.Rax, size, r & mask);
            SetReg(c, Gpr.Rdx, size, r >> bits);
        }
        MulFlags(c, (r >> bits) != 0);
    }

    /// <summary>IMUL r/m: rDX:rAX = rAX * r/m, signed.</summary>
    public static void ImulOne(X86Cpu c, ref Op op)
    {
        int size = op.Size, bits = size * 8;
        long b = SignExtend(Read0(c, ref op), size);
        long a = SignExtend(GetReg(c, Gpr.Rax, size), size);
        if (size == 8)
        {
            long hi = Math.BigMul(a, b, out long lo);
            c.R[Gpr.Rax] = (ulong)lo;
            c.R[Gpr.Rdx] = (ulong)hi;
            MulFlags(c, hi != (lo >> 63));
            return;
        }
        long r = a * b;
        if (size == 1)
            SetReg(c, Gpr.Rax, 2, (ulong)r);
        else
        {
            SetReg(c, Gpr.Rax, size, (ulong)r);
            SetReg(c, Gpr.Rdx, size, (ulong)(r >> bits));
        }
        MulFlags(c, r != SignExtend((ulong)r, size));
    }

    /// <summary>IMUL r, r/m and IMUL r, r/m, imm: operand 0 = operand 1 * (operand 2 or operand 0).</summary>
    public static void ImulTwo(X86Cpu c, ref Op op)
    {
        int size = op.Size;
        long a = SignExtend(Read(c, ref op, op.Kind1, op.Reg1, size), size);
        long b = SignExtend(op.Kind2 == OperandKind.Immediate ? op.Imm : GetReg(c, op.Reg0, size), size);
        ulong low;
        bool overflow;
        if (size == 8)
        {
            long hi = Math.BigMul(a, b, out long lo);
            low = (ulong)lo;
            overflow = hi != (lo >> 63);
        }
        else
        {
            long r = a * b;
            low = (ulong)r;
            overflow = r != SignExtend((ulong)r, size);
        }
        SetReg(c, op.Reg0, size, low);
        MulFlags(c, overflow);
    }

    /// <summary>After DIV and IDIV (all six status flags undefined by Intel) AMD Zen keeps CF and OF, sets AF and clears SF, ZF and PF.</summary>
    private static void DivFlags(X86Cpu c) =>
        c.UpdateStatusFlags(EFlags.SF | EFlags.ZF | EFlags.AF | EFlags.PF, EFlags.AF);

    public static long SignExtend(ulong v, int size)
    {
        int shift = 64 - size * 8;
        return (long)(v << shift) >> shift;
    }

    /// <summary>DIV r/m: unsigned rDX:rAX / r/m; #DE on a zero divisor or a quotient that does not fit.</summary>
    public static void Div(X86Cpu c, ref Op op)
    {
        int size = op.Size, bits = size * 8;
        ulong d = Read0(c, ref op);
        if (d == 0)
            throw c.Fault.Set(Vector.DE);
        if (size == 8)
        {
            UInt128 n = new(c.R[Gpr.Rdx], c.R[Gpr.Rax]);
            UInt128 q = n / d;
            if (q > ulong.MaxValue)
                throw c.Fault.Set(Vector.DE);
            c.R[Gpr.Rax] = (ulong)q;
            c.R[Gpr.Rdx] = (ulong)(n % d);
            DivFlags(c);
            return;
        }
        ulong num = size == 1 ? GetReg(c, Gpr.Rax, 2) : (GetReg(c, Gpr.Rdx, size) << bits) | GetReg(c, Gpr.Rax, size);
        ulong quot = num / d, rem = num % d;
        if (quot > X86Cpu.Mask(size))
            throw c.Fault.Set(Vector.DE);
        StoreQuotient(c, size, quot, rem);
        DivFlags(c);
    }

    /// <summary>IDIV r/m: signed; the quotient truncates toward zero and must fit the signed range.</summary>
    public static void Idiv(X86Cpu c, ref Op op)
    {
        int size = op.Size, bits = size * 8;
        long d = SignExtend(Read0(c, ref op), size);
        if (d == 0)
            throw c.Fault.Set(Vector.DE);
        if (size == 8)
        {
            Int128 n = (Int128)new UInt128(c.R[Gpr.Rdx], c.R[Gpr.Rax]);
            if (n == Int128.MinValue && d == -1)
                throw c.Fault.Set(Vector.DE);
            Int128 q = n / d;
            if (q > long.MaxValue || q < long.MinValue)
                throw c.Fault.Set(Vector.DE);
            c.R[Gpr.Rax] = (ulong)(long)q;
            c.R[Gpr.Rdx] = (ulong)(long)(n % d);
            DivFlags(c);
            return;
        }
        long num = size == 1
            ? SignExtend(GetReg(c, Gpr.Rax, 2), 2)
            : SignExtend((GetReg(c, Gpr.Rdx, size) << bits) | GetReg(c, Gpr.Rax, size), size * 2);
        long quot = num / d, rem = num % d;
        long limit = 1L << (bits - 1);
        if (quot >= limit || quot < -limit)
            throw c.Fault.Set(Vector.DE);
        StoreQuotient(c, size, (ulong)quot, (ulong)rem);
        DivFlags(c);
    }

    private static void StoreQuotient(X86Cpu c, int size, ulong quot, ulong rem)
    {
        if (size == 1)
        {
            SetReg(c, Gpr.Rax, 1, quot);
            SetReg(c, 16, 1, rem);
        }
        else
        {
            SetReg(c, Gpr.Rax, size, quot);
            SetReg(c, Gpr.Rdx, size, rem);
        }
    }
}

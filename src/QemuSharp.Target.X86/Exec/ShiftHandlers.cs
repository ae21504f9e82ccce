using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;
using static QemuSharp.Target.X86.Exec.Operands;

namespace QemuSharp.Target.X86.Exec;

/// <summary>The shift-and-rotate group, numbered by its /reg field (ROL ROR RCL RCR SHL SHR SAL SAR).</summary>
public enum ShiftOp : byte
{
    Rol = 0, Ror = 1, Rcl = 2, Rcr = 3, Shl = 4, Shr = 5, Sal = 6, Sar = 7,
}

/// <summary>Shifts and rotates, SHLD/SHRD and the BMI2 flagless shifts.</summary>
public static class ShiftHandlers
{
    /// <summary>Group 2: the count is operand 1 (an immediate, 1, or CL).</summary>
    public static void ShiftGroup(X86Cpu c, ref Op op)
    {
        int size = op.Size;
        int count = (int)(Read1(c, ref op) & (size == 8 ? 63u : 31u));
        ulong a = ReadModify0(c, ref op, out ulong ea);
        if (count == 0)
        {
            // Nothing changes, but a 32-bit register destination is still written, which zeroes its upper half.
            if (op.Kind0 == OperandKind.Gpr && size == 4)
                SetReg(c, op.Reg0, 4, a);
            return;
        }
        Write0(c, ref op, ea, Shift(c, (ShiftOp)op.Cond, size, a, count));
    }

    /// <summary>
    /// Shifts <paramref name="a"/> by a non-zero masked count and sets the flags as the host (AMD Zen)
    /// does where Intel leaves them undefined: OF after a multi-bit SHL, ROL, RCL is MSB(result) XOR CF,
    /// after ROR and RCR the XOR of the two top result bits, after a multi-bit SHR clear.
    /// </summary>
    public static ulong Shift(X86Cpu c, ShiftOp kind, int size, ulong a, int count)
    {
        int bits = size * 8;
        ulong mask = X86Cpu.Mask(size);
        ulong msb = 1UL << (bits - 1);
        ulong r;
        bool cf, of;
        switch (kind)
        {
            case ShiftOp.Rol:
            {
                int n = count % bits;
                r = n == 0 ? a : ((a << n) | (a >> (bits - n))) & mask;
                cf = (r & 1) != 0;
                of = ((r & msb) != 0) ^ cf;
                c.UpdateStatusFlags(EFlags.CF | EFlags.OF, (cf ? EFlags.CF : 0) | (of ? EFlags.OF : 0));
                return r;
            }
            case ShiftOp.Ror:
            {
                int n = count % bits;
                r = n == 0 ? a : ((a >> n) | (a << (bits - n))) & mask;
                cf = (r & msb) != 0;
                of = cf ^ ((r & (msb >> 1)) != 0);
                c.UpdateStatusFlags(EFlags.CF | EFlags.OF, (cf ? EFlags.CF : 0) | (of ? EFlags.OF : 0));
                return r;
            }
            case ShiftOp.Rcl:
            case ShiftOp.Rcr:
            {
                int n = count % (bits + 1);
                cf = c.CarryFlag();
                r = a;
                for (int i = 0; i < n; i++)
                {
                    if (kind == ShiftOp.Rcl)
                    {
                        bool outBit = (r & msb) != 0;
                        r = ((r << 1) | (cf ? 1UL : 0)) & mask;
                        cf = outBit;
                    }
                    else
                    {
                        bool outBit = (r & 1) != 0;
                        r = (r >> 1) | (cf ? msb : 0);
                        cf = outBit;
                    }
                }
                // AMD Zen: OF follows the rotated value even when the count is a multiple of the width plus one.
                of = kind == ShiftOp.Rcl ? ((r & msb) != 0) ^ cf : ((r & msb) != 0) ^ ((r & (msb >> 1)) != 0);
                c.UpdateStatusFlags(EFlags.CF | EFlags.OF, (cf ? EFlags.CF : 0) | (of ? EFlags.OF : 0));
                return r;
            }
            case ShiftOp.Shl:
            case ShiftOp.Sal:
                r = count >= 64 ? 0 : (a << count) & mask;
                cf = count <= bits && ((a << (count - 1)) & msb) != 0;
                of = ((r & msb) != 0) ^ cf;
                break;
            case ShiftOp.Shr:
                r = count >= 64 ? 0 : a >> count;
                cf = count <= 64 && ((a >> (count - 1)) & 1) != 0;
                of = count == 1 && (a & msb) != 0;
                break;
            default:
            {
                long sa = (long)(a << (64 - bits)) >> (64 - bits);
                int n = Math.Min(count, 63);
                r = (ulong)(sa >> n) & mask;
                cf = ((sa >> (Math.Min(count - 1, 63))) & 1) != 0;
                of = false;
                break;
            }
        }
        // AMD Zen sets AF after every SHL, SHR and SAR with a non-zero count.
        c.SetStatusFlags((cf ? EFlags.CF : 0) | (of ? EFlags.OF : 0) | EFlags.AF | ResultFlags(r, size));
        return r;
    }

    /// <summary>SF, ZF and PF of a result.</summary>
    public static ulong ResultFlags(ulong r, int size) =>
        X86Cpu.Parity(r) | (r == 0 ? EFlags.ZF : 0) | (((r >> (size * 8 - 1)) & 1) != 0 ? EFlags.SF : 0);

    /// <summary>SHLD (Cond 0) and SHRD (Cond 1): operand 1 is the register shifted in, operand 2 the count.</summary>
    public static void DoubleShift(X86Cpu c, ref Op op)
    {
        int size = op.Size, bits = size * 8;
        int count = (int)(Read(c, ref op, op.Kind2, op.Reg2, 1) & (size == 8 ? 63u : 31u));
        ulong a = ReadModify0(c, ref op, out ulong ea);
        if (count == 0)
        {
            if (op.Kind0 == OperandKind.Gpr && size == 4)
                SetReg(c, op.Reg0, 4, a);
            return;
        }
        ulong mask = X86Cpu.Mask(size), msb = 1UL << (bits - 1);
        ulong b = GetReg(c, op.Reg1, size);
        ulong r;
        bool cf, of;
        if (bits == 16 && count > 16)
        {
            // Undefined by Intel. AMD Zen rotates the source register by count - 16 and clears CF;
            // OF is clear after SHLD and the XOR of the two top result bits after SHRD.
            int n = count - 16;
            r = (op.Cond == 0 ? (b << n) | (b >> (16 - n)) : (b >> n) | (b << (16 - n))) & mask;
            cf = false;
            of = op.Cond != 0 && (((r >> 15) ^ (r >> 14)) & 1) != 0;
        }
        else if (op.Cond == 0)
        {
            r = ((a << count) | (count == bits ? b : b >> (bits - count))) & mask;
            cf = ((a >> (bits - count)) & 1) != 0;
            // AMD Zen: MSB(result) XOR CF, except a 16-bit count of 16, where OF equals CF.
            of = count == bits ? cf : ((r & msb) != 0) ^ cf;
        }
        else
        {
            r = ((a >> count) | (count == bits ? b : b << (bits - count))) & mask;
            cf = ((a >> (count - 1)) & 1) != 0;
            // AMD Zen: the XOR of the two top result bits, which is the sign change for a count of 1.
            of = ((r & msb) != 0) ^ ((r & (msb >> 1)) != 0);
        }
        c.SetStatusFlags((cf ? EFlags.CF : 0) | (of ? EFlags.OF : 0) | EFlags.AF | ResultFlags(r, size));
        Write0(c, ref op, ea, r);
    }

    /// <summary>BMI2 SARX/SHLX/SHRX (Cond 0, 1, 2) and RORX (Cond 3): no flags.</summary>
    public static void FlaglessShift(X86Cpu c, ref Op op)
    {
        int size = op.Size, bits = size * 8;
        ulong a = Read(c, ref op, op.Kind1, op.Reg1, size);
        int n = (int)((op.Cond == 3 ? op.Imm : GetReg(c, op.Reg2, size)) & (ulong)(bits - 1));
        ulong mask = X86Cpu.Mask(size);
        ulong r = op.Cond switch
        {
            0 => (ulong)(((long)(a << (64 - bits)) >> (64 - bits)) >> n) & mask,
            1 => (a << n) & mask,
            2 => a >> n,
            _ => n == 0 ? a : ((a >> n) | (a << (bits - n))) & mask,
        };
        SetReg(c, op.Reg0, size, r);
    }
}

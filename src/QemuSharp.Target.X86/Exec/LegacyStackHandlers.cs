using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;
using static QemuSharp.Target.X86.Exec.Operands;

namespace QemuSharp.Target.X86.Exec;

/// <summary>
/// Stack instructions of 16- and 32-bit code: SS:SP or SS:ESP (SS.B decides) with the segment
/// base; Cond is the number of bytes pushed or popped.
/// </summary>
public static class LegacyStackHandlers
{
    public static void Push(X86Cpu c, ref Op op) => c.PushStack(op.Cond, Read0(c, ref op));

    public static void Pop(X86Cpu c, ref Op op)
    {
        ulong sp = c.R[Gpr.Rsp];
        ulong v = c.PopStack(op.Cond);
        try
        {
            Write0(c, ref op, v);
        }
        catch (GuestFault)
        {
            c.R[Gpr.Rsp] = sp;
            throw;
        }
    }

    private static ulong Target(ref Op op, ulong v) => op.Cond == 2 ? (ushort)v : (uint)v;

    public static void CallRel(X86Cpu c, ref Op op)
    {
        c.PushStack(op.Cond, op.Next);
        c.Rip = op.Imm;
    }

    public static void CallIndirect(X86Cpu c, ref Op op)
    {
        ulong target = Read0(c, ref op);
        c.PushStack(op.Cond, op.Next);
        c.Rip = Target(ref op, target);
    }

    /// <summary>RET and RET imm16 (Imm bytes released after the pop).</summary>
    public static void Ret(X86Cpu c, ref Op op)
    {
        ulong target = c.PopStack(op.Cond);
        ulong mask = c.StackMask;
        c.R[Gpr.Rsp] = (c.R[Gpr.Rsp] & ~mask) | ((c.R[Gpr.Rsp] + op.Imm) & mask);
        c.Rip = Target(ref op, target);
    }

    public static void Pushf(X86Cpu c, ref Op op) => c.PushStack(op.Cond, c.Flags & ~(EFlags.VM | EFlags.RF));

    public static void Popf(X86Cpu c, ref Op op) => c.LoadFlags(c.PopStack(op.Cond), op.Cond);

    public static void Leave(X86Cpu c, ref Op op)
    {
        ulong mask = c.StackMask;
        ulong old = c.R[Gpr.Rsp];
        c.R[Gpr.Rsp] = (old & ~mask) | (c.R[Gpr.Rbp] & mask);
        try
        {
            SetReg(c, Gpr.Rbp, op.Cond, c.PopStack(op.Cond));
        }
        catch (GuestFault)
        {
            c.R[Gpr.Rsp] = old;
            throw;
        }
    }

    /// <summary>PUSHA/PUSHAD: AX, CX, DX, BX, the original SP, BP, SI, DI.</summary>
    public static void Pusha(X86Cpu c, ref Op op)
    {
        ulong sp = c.R[Gpr.Rsp];
        for (int r = 0; r < 8; r++)
            c.PushStack(op.Cond, r == Gpr.Rsp ? sp : c.R[r]);
    }

    /// <summary>POPA/POPAD: the reverse order, skipping the saved SP.</summary>
    public static void Popa(X86Cpu c, ref Op op)
    {
        for (int r = 7; r >= 0; r--)
        {
            ulong v = c.PopStack(op.Cond);
            if (r != Gpr.Rsp)
                SetReg(c, r, op.Cond, v);
        }
    }
}

using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;
using static QemuSharp.Target.X86.Exec.Operands;

namespace QemuSharp.Target.X86.Exec;

/// <summary>Jumps, calls, returns, loops, SETcc, CMOVcc and the stack instructions.</summary>
public static class ControlHandlers
{
    public static void JmpRel(X86Cpu c, ref Op op) => c.Rip = op.Imm;

    public static void JmpIndirect(X86Cpu c, ref Op op) => c.Rip = Read0(c, ref op);

    public static void Jcc(X86Cpu c, ref Op op) => c.Rip = c.Condition(op.Cond) ? op.Imm : op.Next;

    public static void CallRel(X86Cpu c, ref Op op)
    {
        Push(c, op.Next);
        c.Rip = op.Imm;
    }

    public static void CallIndirect(X86Cpu c, ref Op op)
    {
        ulong target = Read0(c, ref op);
        Push(c, op.Next);
        c.Rip = target;
    }

    /// <summary>RET and RET imm16 (the immediate is released from the stack after the pop).</summary>
    public static void Ret(X86Cpu c, ref Op op)
    {
        ulong target = Pop(c);
        c.R[Gpr.Rsp] += op.Imm;
        c.Rip = target;
    }

    /// <summary>LOOP (Cond 0), LOOPE (1), LOOPNE (2); the counter is RCX or ECX with an address-size prefix.</summary>
    public static void Loop(X86Cpu c, ref Op op)
    {
        ulong count;
        if (op.Addr16)
        {
            count = (ushort)(c.R[Gpr.Rcx] - 1);
            SetReg(c, Gpr.Rcx, 2, count);
        }
        else if (op.Addr32)
        {
            count = (uint)(c.R[Gpr.Rcx] - 1);
            SetReg(c, Gpr.Rcx, 4, count);
        }
        else
            count = --c.R[Gpr.Rcx];
        bool taken = count != 0 && op.Cond switch { 1 => c.ZeroFlag(), 2 => !c.ZeroFlag(), _ => true };
        c.Rip = taken ? op.Imm : op.Next;
    }

    public static void Jrcxz(X86Cpu c, ref Op op)
    {
        ulong count = op.Addr16 ? (ushort)c.R[Gpr.Rcx] : op.Addr32 ? (uint)c.R[Gpr.Rcx] : c.R[Gpr.Rcx];
        c.Rip = count == 0 ? op.Imm : op.Next;
    }

    public static void Setcc(X86Cpu c, ref Op op) => Write0(c, ref op, c.Condition(op.Cond) ? 1UL : 0);

    public static void Cmovcc(X86Cpu c, ref Op op)
    {
        ulong v = Read1(c, ref op);
        if (c.Condition(op.Cond))
            SetReg(c, op.Reg0, op.Size, v);
        else if (op.Size == 4)
            c.R[op.Reg0] = (uint)c.R[op.Reg0];
    }

    public static void PushOp(X86Cpu c, ref Op op) => Push(c, Read0(c, ref op), op.Size);

    public static void PushReg64(X86Cpu c, ref Op op) => Push(c, c.R[op.Reg0]);

    public static void PopReg64(X86Cpu c, ref Op op) => c.R[op.Reg0] = Pop(c);

    public static void PopOp(X86Cpu c, ref Op op)
    {
        // POP with a memory destination computes the address after incrementing RSP.
        ulong v = c.Read(c.R[Gpr.Rsp], op.Size);
        c.R[Gpr.Rsp] += op.Size;
        if (op.Kind0 == OperandKind.Memory)
        {
            try
            {
                Write0(c, ref op, v);
            }
            catch (GuestFault)
            {
                c.R[Gpr.Rsp] -= op.Size;
                throw;
            }
        }
        else
            Write0(c, ref op, v);
    }

    public static void Pushf(X86Cpu c, ref Op op) => Push(c, c.Flags & ~(EFlags.VM | EFlags.RF), op.Size);

    public static void Popf(X86Cpu c, ref Op op) => c.LoadFlags(Pop(c, op.Size), op.Size);

    public static void Leave(X86Cpu c, ref Op op)
    {
        ulong v = c.Read(c.R[Gpr.Rbp], op.Size);
        c.R[Gpr.Rsp] = c.R[Gpr.Rbp] + (ulong)op.Size;
        SetReg(c, Gpr.Rbp, op.Size, v);
    }

    /// <summary>ENTER imm16, imm8: Imm holds the frame size, Cond the nesting level.</summary>
    public static void Enter(X86Cpu c, ref Op op)
    {
        int size = op.Size;
        int level = op.Cond & 31;
        ulong rbp = c.R[Gpr.Rbp];
        ulong sp = c.R[Gpr.Rsp] - (ulong)size;
        c.Write(sp, size, rbp);
        ulong frame = sp;
        for (int i = 1; i < level; i++)
        {
            rbp -= (ulong)size;
            sp -= (ulong)size;
            c.Write(sp, size, c.Read(rbp, size));
        }
        if (level > 0)
        {
            sp -= (ulong)size;
            c.Write(sp, size, frame);
        }
        SetReg(c, Gpr.Rbp, size, frame);
        c.R[Gpr.Rsp] = sp - op.Imm;
    }
}

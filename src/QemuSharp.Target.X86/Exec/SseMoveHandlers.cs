using System.Runtime.Intrinsics;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;
using static QemuSharp.Target.X86.Exec.Operands;
using static QemuSharp.Target.X86.Exec.SseHandlers;

namespace QemuSharp.Target.X86.Exec;

/// <summary>The SSE data moves between XMM registers, memory and general-purpose registers.</summary>
public static class SseMoveHandlers
{
    /// <summary>MOVAPS/MOVUPS/MOVDQA/MOVDQU/LDDQU/MOVNT*: a 16-byte move in either direction.</summary>
    public static void Move128(X86Cpu c, ref Op op)
    {
        if (op.Kind0 == OperandKind.Xmm)
        {
            c.Xmm[op.Reg0] = op.Kind1 == OperandKind.Xmm ? c.Xmm[op.Reg1] : c.Read128(Ea128(c, ref op));
            return;
        }
        c.Write128(Ea128(c, ref op), c.Xmm[op.Reg1]);
    }

    /// <summary>MOVD/MOVQ between XMM and a GPR, memory or XMM (Reg2 = 4 or 8 bytes); loads zero the rest of the register.</summary>
    public static void MoveScalarInt(X86Cpu c, ref Op op)
    {
        int size = op.Reg2;
        if (op.Kind0 == OperandKind.Xmm)
        {
            ulong v = op.Kind1 == OperandKind.Xmm ? c.Xmm[op.Reg1].GetElement(0) : Read(c, ref op, op.Kind1, op.Reg1, size);
            c.Xmm[op.Reg0] = Vector128.Create(v & X86Cpu.Mask(size), 0);
            return;
        }
        ulong low = c.Xmm[op.Reg1].GetElement(0) & X86Cpu.Mask(size);
        if (op.Kind0 == OperandKind.Gpr)
            SetReg(c, op.Reg0, size, low);
        else
            c.Write(Ea(c, ref op), size, low);
    }

    /// <summary>MOVSS/MOVSD (Reg2 = 4 or 8): register forms merge the low element; loads zero the rest; stores write the low element.</summary>
    public static void MoveScalarFp(X86Cpu c, ref Op op)
    {
        int size = op.Reg2;
        ulong mask = X86Cpu.Mask(size);
        if (op.Kind0 == OperandKind.Xmm && op.Kind1 == OperandKind.Xmm)
        {
            var d = c.Xmm[op.Reg0];
            ulong lo = (d.GetElement(0) & ~mask) | (c.Xmm[op.Reg1].GetElement(0) & mask);
            c.Xmm[op.Reg0] = d.WithElement(0, lo);
        }
        else if (op.Kind0 == OperandKind.Xmm)
            c.Xmm[op.Reg0] = Vector128.Create(c.Read(Ea(c, ref op), size), 0);
        else
            c.Write(Ea(c, ref op), size, c.Xmm[op.Reg1].GetElement(0) & mask);
    }

    /// <summary>MOVLPS/MOVLPD (Reg2 0) and MOVHPS/MOVHPD (Reg2 1): one 8-byte half to or from memory.</summary>
    public static void MoveHalf(X86Cpu c, ref Op op)
    {
        int lane = op.Reg2;
        if (op.Kind0 == OperandKind.Xmm)
            c.Xmm[op.Reg0] = c.Xmm[op.Reg0].WithElement(lane, c.Read64(Ea(c, ref op)));
        else
            c.Write64(Ea(c, ref op), c.Xmm[op.Reg1].GetElement(lane));
    }

    /// <summary>MOVHLPS (Reg2 0: low = source high) and MOVLHPS (Reg2 1: high = source low).</summary>
    public static void MoveHalfRegister(X86Cpu c, ref Op op)
    {
        var s = c.Xmm[op.Reg1];
        c.Xmm[op.Reg0] = op.Reg2 == 0 ? c.Xmm[op.Reg0].WithElement(0, s.GetElement(1)) : c.Xmm[op.Reg0].WithElement(1, s.GetElement(0));
    }
}

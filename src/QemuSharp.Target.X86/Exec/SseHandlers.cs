using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;
using static QemuSharp.Target.X86.Exec.Operands;

namespace QemuSharp.Target.X86.Exec;

/// <summary>
/// Operand handling of the SSE instructions: every lane operation is a pure function in
/// <see cref="Op.Fn"/>; these handlers fetch the XMM or memory operands and store the result.
/// </summary>
public static unsafe class SseHandlers
{
    /// <summary>Set in Op.Rep when a 16-byte memory operand must be 16-byte aligned (legacy SSE encodings).</summary>
    public const byte Aligned = 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> Source(X86Cpu c, ref Op op, OperandKind kind, int reg)
    {
        if (kind == OperandKind.Xmm)
            return c.Xmm[reg];
        ulong ea = Ea(c, ref op);
        if ((op.Rep & Aligned) != 0 && (ea & 15) != 0)
            throw c.RaiseGp();
        return c.Read128(ea);
    }

    /// <summary>Source operand 1 of an instruction whose memory form reads fewer than 16 bytes (zero-extended).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> SourceLow(X86Cpu c, ref Op op, int memBytes)
    {
        if (op.Kind1 == OperandKind.Xmm)
            return c.Xmm[op.Reg1];
        ulong ea = Ea(c, ref op);
        return memBytes switch
        {
            4 => Vector128.Create((ulong)c.Read32(ea), 0),
            8 => Vector128.Create(c.Read64(ea), 0),
            2 => Vector128.Create((ulong)c.Read16(ea), 0),
            _ => c.Read128(ea),
        };
    }

    /// <summary>xmm0 = Fn(xmm0, xmm1/m128).</summary>
    public static void Binary(X86Cpu c, ref Op op)
    {
        var src = Source(c, ref op, op.Kind1, op.Reg1);
        c.Xmm[op.Reg0] = ((delegate*<Vector128<ulong>, Vector128<ulong>, Vector128<ulong>>)op.Fn)(c.Xmm[op.Reg0], src);
    }

    /// <summary>xmm0 = Fn(xmm0, xmm1/m128, imm8).</summary>
    public static void BinaryImm(X86Cpu c, ref Op op)
    {
        var src = Source(c, ref op, op.Kind1, op.Reg1);
        c.Xmm[op.Reg0] = ((delegate*<Vector128<ulong>, Vector128<ulong>, byte, Vector128<ulong>>)op.Fn)(c.Xmm[op.Reg0], src, (byte)op.Imm);
    }

    /// <summary>xmm0 = Fn(xmm0, imm8) (the shift-by-immediate groups).</summary>
    public static void UnaryImm(X86Cpu c, ref Op op) =>
        c.Xmm[op.Reg0] = ((delegate*<Vector128<ulong>, byte, Vector128<ulong>>)op.Fn)(c.Xmm[op.Reg0], (byte)op.Imm);

    /// <summary>MOVAPS/MOVUPS/MOVDQA/MOVDQU/MOVNTDQ...: a 16-byte move in either direction.</summary>
    public static void Move128(X86Cpu c, ref Op op)
    {
        if (op.Kind0 == OperandKind.Xmm)
        {
            c.Xmm[op.Reg0] = Source(c, ref op, op.Kind1, op.Reg1);
            return;
        }
        ulong ea = Ea(c, ref op);
        if ((op.Rep & Aligned) != 0 && (ea & 15) != 0)
            throw c.RaiseGp();
        c.Write128(ea, c.Xmm[op.Reg1]);
    }

    /// <summary>MOVD/MOVQ between XMM and a GPR or memory; loads zero the rest of the register.</summary>
    public static void MoveScalarInt(X86Cpu c, ref Op op)
    {
        int size = op.Cond;
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

    /// <summary>MOVSS/MOVSD: register forms merge the low element; loads zero the rest; stores write the low element.</summary>
    public static void MoveScalarFp(X86Cpu c, ref Op op)
    {
        int size = op.Cond;
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

    /// <summary>MOVLPS/MOVLPD (Cond 0) and MOVHPS/MOVHPD (Cond 1): one 8-byte half to or from memory.</summary>
    public static void MoveHalf(X86Cpu c, ref Op op)
    {
        int lane = op.Cond;
        if (op.Kind0 == OperandKind.Xmm)
            c.Xmm[op.Reg0] = c.Xmm[op.Reg0].WithElement(lane, c.Read64(Ea(c, ref op)));
        else
            c.Write64(Ea(c, ref op), c.Xmm[op.Reg1].GetElement(lane));
    }

    /// <summary>MOVHLPS (Cond 0: low = source high) and MOVLHPS (Cond 1: high = source low).</summary>
    public static void MoveHalfRegister(X86Cpu c, ref Op op)
    {
        var s = c.Xmm[op.Reg1];
        c.Xmm[op.Reg0] = op.Cond == 0 ? c.Xmm[op.Reg0].WithElement(0, s.GetElement(1)) : c.Xmm[op.Reg0].WithElement(1, s.GetElement(0));
    }

    /// <summary>PMOVMSKB, MOVMSKPS, MOVMSKPD: Fn extracts the sign mask.</summary>
    public static void MoveMask(X86Cpu c, ref Op op) =>
        SetReg(c, op.Reg0, op.Size, ((delegate*<Vector128<ulong>, uint>)op.Fn)(c.Xmm[op.Reg1]));

    /// <summary>PSHUFD/PSHUFLW/PSHUFHW and other xmm0 = Fn(xmm1/m128, imm8) forms.</summary>
    public static void ShuffleImm(X86Cpu c, ref Op op)
    {
        var src = Source(c, ref op, op.Kind1, op.Reg1);
        c.Xmm[op.Reg0] = ((delegate*<Vector128<ulong>, Vector128<ulong>, byte, Vector128<ulong>>)op.Fn)(c.Xmm[op.Reg0], src, (byte)op.Imm);
    }

    /// <summary>PEXTRW/PEXTRB/PEXTRD/PEXTRQ-style: GPR = Fn(xmm, imm8).</summary>
    public static void ExtractToGpr(X86Cpu c, ref Op op)
    {
        ulong v = ((delegate*<Vector128<ulong>, byte, ulong>)op.Fn)(c.Xmm[op.Reg1], (byte)op.Imm);
        if (op.Kind0 == OperandKind.Gpr)
            SetReg(c, op.Reg0, op.Size, v);
        else
            c.Write(Ea(c, ref op), op.Cond, v);
    }
}

/// <summary>SSE4.2 string comparisons, computed by <see cref="Sse.StringCompare"/>.</summary>
public static class SseStringHandlers
{
    private static Vector128<byte> Second(X86Cpu c, ref Op op) => SseHandlers.Source(c, ref op, op.Kind1, op.Reg1).AsByte();

    private static long ExplicitLength(X86Cpu c, int reg, bool wide) =>
        wide ? (long)c.R[reg] : (int)(uint)c.R[reg];

    /// <summary>PCMPISTRI (Cond 0), PCMPISTRM (1), PCMPESTRI (2), PCMPESTRM (3).</summary>
    public static void StringCompare(X86Cpu c, ref Op op)
    {
        var a = c.Xmm[op.Reg0].AsByte();
        var b = Second(c, ref op);
        byte imm = (byte)op.Imm;
        bool wide = op.Size == 8;
        uint flags;
        switch (op.Cond)
        {
            case 0:
                c.R[Gpr.Rcx] = Sse.StringCompare.Pcmpistri(a, b, imm, out flags);
                break;
            case 1:
                c.Xmm[0] = Sse.StringCompare.Pcmpistrm(a, b, imm, out flags).AsUInt64();
                break;
            case 2:
                c.R[Gpr.Rcx] = Sse.StringCompare.Pcmpestri(a, b, ExplicitLength(c, Gpr.Rax, wide), ExplicitLength(c, Gpr.Rdx, wide), imm, out flags);
                break;
            default:
                c.Xmm[0] = Sse.StringCompare.Pcmpestrm(a, b, ExplicitLength(c, Gpr.Rax, wide), ExplicitLength(c, Gpr.Rdx, wide), imm, out flags).AsUInt64();
                break;
        }
        c.SetStatusFlags(flags);
    }
}

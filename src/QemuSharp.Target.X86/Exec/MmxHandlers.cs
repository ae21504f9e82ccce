using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Sse;
using QemuSharp.Target.X86.Translate;
using QemuSharp.Target.X86.X87;
using static QemuSharp.Target.X86.Exec.Operands;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Exec;

/// <summary>
/// The MMX-register forms. MM0-MM7 are the significands of the x87 physical registers R0-R7. Every
/// MMX instruction but EMMS first raises a pending x87 exception (#MF), then sets TOP to 0 and tags
/// all eight registers valid; a write to MMn also sets Rn's sign and exponent bits to all ones.
/// Register operands of kind <see cref="OperandKind.Other"/> carry the MM number. The operations are
/// the 128-bit ones of the SSE library on zero-extended values, or <see cref="Sse.Mmx"/>'s where the
/// 64-bit result differs.
/// </summary>
public static unsafe class MmxHandlers
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mm(X86Cpu c, int n) => c.X87.PhysicalRegister(n).Significand;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetMm(X86Cpu c, int n, ulong v) => c.X87.SetPhysicalRegister(n, new Float80(v, 0xFFFF));

    /// <summary>The transition into MMX mode that every MMX instruction but EMMS makes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Enter(X86Cpu c)
    {
        RaisePending(c);
        c.X87.Top = 0;
        c.X87.AbridgedTagWord = 0xFF;
    }

    /// <summary>#MF for an unmasked x87 exception still pending, before any state changes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RaisePending(X86Cpu c)
    {
        if (c.X87.ExceptionPending)
            throw c.Fault.Set(Vector.MF);
    }

    private static Xmm W(ulong v) => Vector128.CreateScalar(v).AsByte();

    private static ulong Low(Xmm v) => v.AsUInt64().ToScalar();

    /// <summary>Operand 1: an MM register or a 64-bit memory operand.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Src(X86Cpu c, ref Op op) => op.Kind1 == OperandKind.Memory ? c.Read64(Ea(c, ref op)) : Mm(c, op.Reg1);

    /// <summary>mm0 = low quadword of Fn(mm0, mm1/m64) on zero-extended operands.</summary>
    public static void Binary(X86Cpu c, ref Op op)
    {
        ulong b = Src(c, ref op);
        Enter(c);
        SetMm(c, op.Reg0, Low(((delegate*<Xmm, Xmm, Xmm>)op.Fn)(W(Mm(c, op.Reg0)), W(b))));
    }

    /// <summary>PHADD/PHSUB and PACK: the 128-bit operation on DEST:SRC as one register (Sse.Mmx.Horizontal, Sse.Mmx.Pack).</summary>
    public static void Pair(X86Cpu c, ref Op op)
    {
        ulong b = Src(c, ref op);
        Enter(c);
        var both = Vector128.Create(Mm(c, op.Reg0), b).AsByte();
        SetMm(c, op.Reg0, Low(((delegate*<Xmm, Xmm, Xmm>)op.Fn)(both, default)));
    }

    /// <summary>PUNPCKH*: Fn is the 128-bit unpack-low, applied to the high halves (Sse.Mmx.UnpackHigh).</summary>
    public static void UnpackHigh(X86Cpu c, ref Op op)
    {
        ulong b = Src(c, ref op);
        Enter(c);
        SetMm(c, op.Reg0, Low(((delegate*<Xmm, Xmm, Xmm>)op.Fn)(W(Mm(c, op.Reg0) >> 32), W(b >> 32))));
    }

    /// <summary>PSHUFB mm: Fn works on the 64-bit values.</summary>
    public static void Binary64(X86Cpu c, ref Op op)
    {
        ulong b = Src(c, ref op);
        Enter(c);
        SetMm(c, op.Reg0, ((delegate*<ulong, ulong, ulong>)op.Fn)(Mm(c, op.Reg0), b));
    }

    public static void Palignr(X86Cpu c, ref Op op)
    {
        ulong b = Src(c, ref op);
        Enter(c);
        SetMm(c, op.Reg0, Mmx.Palignr(Mm(c, op.Reg0), b, (byte)op.Imm));
    }

    /// <summary>PABSB/W/D mm.</summary>
    public static void Unary(X86Cpu c, ref Op op)
    {
        ulong b = Src(c, ref op);
        Enter(c);
        SetMm(c, op.Reg0, Low(((delegate*<Xmm, Xmm>)op.Fn)(W(b))));
    }

    public static void Pshufw(X86Cpu c, ref Op op)
    {
        ulong b = Src(c, ref op);
        Enter(c);
        SetMm(c, op.Reg0, Mmx.Pshufw(b, (byte)op.Imm));
    }

    /// <summary>PSLL/PSRL/PSRA mm, imm8.</summary>
    public static void ShiftImm(X86Cpu c, ref Op op)
    {
        Enter(c);
        SetMm(c, op.Reg0, Low(((delegate*<Xmm, ulong, Xmm>)op.Fn)(W(Mm(c, op.Reg0)), op.Imm)));
    }

    /// <summary>PSLL/PSRL/PSRA mm, mm/m64: the count is the whole 64-bit source.</summary>
    public static void ShiftByMm(X86Cpu c, ref Op op)
    {
        ulong count = Src(c, ref op);
        Enter(c);
        SetMm(c, op.Reg0, Low(((delegate*<Xmm, ulong, Xmm>)op.Fn)(W(Mm(c, op.Reg0)), count)));
    }

    public static void MoveMask(X86Cpu c, ref Op op)
    {
        Enter(c);
        SetReg(c, op.Reg0, op.Size, Shuffle.Pmovmskb(W(Mm(c, op.Reg1))));
    }

    /// <summary>PEXTRW r, mm, imm8.</summary>
    public static void ExtractW(X86Cpu c, ref Op op)
    {
        Enter(c);
        SetReg(c, op.Reg0, op.Size, (ushort)(Mm(c, op.Reg1) >> (16 * (int)(op.Imm & 3))));
    }

    /// <summary>PINSRW mm, r32/m16, imm8.</summary>
    public static void InsertW(X86Cpu c, ref Op op)
    {
        ulong v = op.Kind1 == OperandKind.Gpr ? c.R[op.Reg1] : c.Read16(Ea(c, ref op));
        Enter(c);
        SetMm(c, op.Reg0, Low(Shuffle.Pinsrw(W(Mm(c, op.Reg0)), (uint)v, (byte)(op.Imm & 3))));
    }

    /// <summary>MOVD/MOVQ mm, r/m32 or r/m64 (Reg2 = 4 or 8), zero-extended.</summary>
    public static void MoveToMm(X86Cpu c, ref Op op)
    {
        ulong v = Read(c, ref op, op.Kind1, op.Reg1, op.Reg2);
        Enter(c);
        SetMm(c, op.Reg0, v);
    }

    /// <summary>MOVD/MOVQ r/m32 or r/m64, mm (Reg2 = 4 or 8).</summary>
    public static void MoveFromMm(X86Cpu c, ref Op op)
    {
        ulong v = Mm(c, op.Reg1) & X86Cpu.Mask(op.Reg2);
        if (op.Kind0 == OperandKind.Gpr)
        {
            Enter(c);
            SetReg(c, op.Reg0, op.Reg2, v);
            return;
        }
        RaisePending(c);
        c.Write(Ea(c, ref op), op.Reg2, v);
        Enter(c);
    }

    /// <summary>MOVQ mm, mm/m64; MOVQ m64, mm; MOVNTQ m64, mm.</summary>
    public static void MoveQ(X86Cpu c, ref Op op)
    {
        if (op.Kind0 == OperandKind.Memory)
        {
            RaisePending(c);
            c.Write64(Ea(c, ref op), Mm(c, op.Reg1));
            Enter(c);
            return;
        }
        ulong v = Src(c, ref op);
        Enter(c);
        SetMm(c, op.Reg0, v);
    }

    /// <summary>MOVQ2DQ xmm, mm.</summary>
    public static void Movq2dq(X86Cpu c, ref Op op)
    {
        Enter(c);
        c.Xmm[op.Reg0] = Vector128.CreateScalar(Mm(c, op.Reg1));
    }

    /// <summary>MOVDQ2Q mm, xmm.</summary>
    public static void Movdq2q(X86Cpu c, ref Op op)
    {
        Enter(c);
        SetMm(c, op.Reg0, c.Xmm[op.Reg1].ToScalar());
    }

    /// <summary>MASKMOVQ mm1, mm2: the bytes of mm1 whose mm2 byte has bit 7 set are stored at DS:rDI.</summary>
    public static void MaskMoveQ(X86Cpu c, ref Op op)
    {
        RaisePending(c);
        SseHandlers.MaskedStore(c, ref op, Mm(c, op.Reg1), Mm(c, op.Reg2), 0, 0);
        Enter(c);
    }

    /// <summary>EMMS: all x87 registers tagged empty.</summary>
    public static void Emms(X86Cpu c, ref Op op)
    {
        RaisePending(c);
        c.X87.AbridgedTagWord = 0;
    }
}

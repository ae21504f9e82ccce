using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Sse;
using QemuSharp.Target.X86.Translate;
using static QemuSharp.Target.X86.Exec.Operands;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Exec;

/// <summary>
/// Operand handling of the SSE integer, shuffle and move instructions: every lane operation is a
/// function of the SSE library in <see cref="Op.Fn"/>; these handlers fetch the XMM or memory
/// operands and store the result. <see cref="Op.Cond"/> holds the width in bytes of the
/// instruction's memory operand (loads narrower than 16 bytes are zero-extended).
/// </summary>
public static unsafe class SseHandlers
{
    /// <summary>Set in Op.Rep when a 16-byte memory operand must be 16-byte aligned (legacy SSE encodings).</summary>
    public const byte Aligned = 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Xmm X(X86Cpu c, int reg) => c.Xmm[reg].AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetX(X86Cpu c, int reg, Xmm v) => c.Xmm[reg] = v.AsUInt64();

    /// <summary>The effective address of a 16-byte operand, checked for alignment where the encoding requires it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Ea128(X86Cpu c, ref Op op)
    {
        ulong ea = Ea(c, ref op);
        if ((op.Rep & Aligned) != 0 && (ea & 15) != 0)
            throw c.RaiseGp();
        return ea;
    }

    /// <summary>Operand 1: an XMM register, or memory of <see cref="Op.Cond"/> bytes zero-extended to 128 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Xmm Src(X86Cpu c, ref Op op)
    {
        if (op.Kind1 == OperandKind.Xmm)
            return X(c, op.Reg1);
        if (op.Cond == 16)
            return c.Read128(Ea128(c, ref op)).AsByte();
        return Vector128.CreateScalar(c.Read(Ea(c, ref op), op.Cond)).AsByte();
    }

    /// <summary>xmm0 = Fn(xmm0, xmm1/m128).</summary>
    public static void Binary(X86Cpu c, ref Op op)
    {
        var src = Src(c, ref op);
        SetX(c, op.Reg0, ((delegate*<Xmm, Xmm, Xmm>)op.Fn)(X(c, op.Reg0), src));
    }

    /// <summary>xmm0 = Fn(xmm0, xmm1/m128, imm8).</summary>
    public static void BinaryImm(X86Cpu c, ref Op op)
    {
        var src = Src(c, ref op);
        SetX(c, op.Reg0, ((delegate*<Xmm, Xmm, byte, Xmm>)op.Fn)(X(c, op.Reg0), src, (byte)op.Imm));
    }

    /// <summary>xmm0 = Fn(xmm1/m128, imm8): PSHUFD, PSHUFLW, PSHUFHW.</summary>
    public static void SourceImm(X86Cpu c, ref Op op) =>
        SetX(c, op.Reg0, ((delegate*<Xmm, byte, Xmm>)op.Fn)(Src(c, ref op), (byte)op.Imm));

    /// <summary>xmm0 = Fn(xmm1/mem): PABS*, PMOVSX/ZX*, PHMINPOSUW, MOVDDUP, MOVSLDUP, MOVSHDUP, CVTDQ2PD.</summary>
    public static void Unary(X86Cpu c, ref Op op) =>
        SetX(c, op.Reg0, ((delegate*<Xmm, Xmm>)op.Fn)(Src(c, ref op)));

    /// <summary>PSLL/PSRL/PSRA xmm, imm8.</summary>
    public static void ShiftImm(X86Cpu c, ref Op op) =>
        SetX(c, op.Reg0, ((delegate*<Xmm, ulong, Xmm>)op.Fn)(X(c, op.Reg0), op.Imm));

    /// <summary>PSLLDQ/PSRLDQ xmm, imm8.</summary>
    public static void ByteShiftImm(X86Cpu c, ref Op op) =>
        SetX(c, op.Reg0, ((delegate*<Xmm, byte, Xmm>)op.Fn)(X(c, op.Reg0), (byte)op.Imm));

    /// <summary>PSLL/PSRL/PSRA xmm, xmm/m128: the count is the source's low quadword.</summary>
    public static void ShiftByXmm(X86Cpu c, ref Op op)
    {
        ulong count = PackedShift.CountOf(Src(c, ref op));
        SetX(c, op.Reg0, ((delegate*<Xmm, ulong, Xmm>)op.Fn)(X(c, op.Reg0), count));
    }

    /// <summary>PBLENDVB/BLENDVPS/BLENDVPD: XMM0 is the implicit selector.</summary>
    public static void BlendVariable(X86Cpu c, ref Op op)
    {
        var src = Src(c, ref op);
        SetX(c, op.Reg0, ((delegate*<Xmm, Xmm, Xmm, Xmm>)op.Fn)(X(c, op.Reg0), src, X(c, 0)));
    }

    public static void Ptest(X86Cpu c, ref Op op) => c.SetStatusFlags(PackExtend.Ptest(X(c, op.Reg0), Src(c, ref op)));

    /// <summary>PMOVMSKB, MOVMSKPS, MOVMSKPD: Fn extracts the sign mask.</summary>
    public static void MoveMask(X86Cpu c, ref Op op) =>
        SetReg(c, op.Reg0, op.Size, ((delegate*<Xmm, uint>)op.Fn)(X(c, op.Reg1)));

    /// <summary>PEXTRB/W/D/Q and EXTRACTPS (Reg2 = element bytes): into a GPR (zero-extended) or memory.</summary>
    public static void Extract(X86Cpu c, ref Op op)
    {
        Xmm s = X(c, op.Reg1);
        byte imm = (byte)op.Imm;
        ulong v = op.Reg2 switch
        {
            1 => Shuffle.Pextrb(s, imm),
            2 => Shuffle.Pextrw(s, imm),
            4 => Shuffle.Pextrd(s, imm),
            _ => Shuffle.Pextrq(s, imm),
        };
        if (op.Kind0 == OperandKind.Gpr)
            SetReg(c, op.Reg0, op.Size, v);
        else
            c.Write(Ea(c, ref op), op.Reg2, v);
    }

    /// <summary>PINSRB/W/D/Q (Reg2 = element bytes) from a GPR or memory.</summary>
    public static void Insert(X86Cpu c, ref Op op)
    {
        ulong v = op.Kind1 == OperandKind.Gpr ? c.R[op.Reg1] : c.Read(Ea(c, ref op), op.Reg2);
        Xmm d = X(c, op.Reg0);
        byte imm = (byte)op.Imm;
        SetX(c, op.Reg0, op.Reg2 switch
        {
            1 => Shuffle.Pinsrb(d, (uint)v, imm),
            2 => Shuffle.Pinsrw(d, (uint)v, imm),
            4 => Shuffle.Pinsrd(d, (uint)v, imm),
            _ => Shuffle.Pinsrq(d, v, imm),
        });
    }

    /// <summary>INSERTPS: a register source is selected by imm8[7:6]; a memory source is the loaded single.</summary>
    public static void Insertps(X86Cpu c, ref Op op)
    {
        byte imm = (byte)op.Imm;
        if (op.Kind1 == OperandKind.Xmm)
            SetX(c, op.Reg0, Shuffle.Insertps(X(c, op.Reg0), X(c, op.Reg1), imm));
        else
            SetX(c, op.Reg0, Shuffle.InsertpsValue(X(c, op.Reg0), c.Read32(Ea(c, ref op)), imm));
    }

    /// <summary>CRC32 r32/r64, r/m8..64 (Cond = source bytes): the result is zero-extended; flags are unchanged.</summary>
    public static void Crc32(X86Cpu c, ref Op op)
    {
        ulong v = op.Kind1 == OperandKind.Gpr ? GetReg(c, op.Reg1, op.Cond) : c.Read(Ea(c, ref op), op.Cond);
        uint crc = (uint)c.R[op.Reg0];
        crc = op.Cond switch
        {
            1 => Crc32c.Crc8(crc, (byte)v),
            2 => Crc32c.Crc16(crc, (ushort)v),
            4 => Crc32c.Crc32(crc, (uint)v),
            _ => Crc32c.Crc64(crc, v),
        };
        c.R[op.Reg0] = crc;
    }

    /// <summary>MASKMOVDQU: the bytes of xmm1 whose byte in xmm2 has bit 7 set are stored at DS:rDI.</summary>
    public static void MaskMoveDqu(X86Cpu c, ref Op op) =>
        MaskedStore(c, ref op, c.Xmm[op.Reg1].GetElement(0), c.Xmm[op.Reg2].GetElement(0), c.Xmm[op.Reg1].GetElement(1), c.Xmm[op.Reg2].GetElement(1));

    /// <summary>The store of MASKMOVDQU and MASKMOVQ (one or two quadwords of data and mask).</summary>
    public static void MaskedStore(X86Cpu c, ref Op op, ulong data0, ulong mask0, ulong data1, ulong mask1)
    {
        ulong addr = c.R[Gpr.Rdi];
        if (op.Addr32)
            addr = (uint)addr;
        if (op.Segment != 0)
            addr += c.SegBase[op.Segment];
        for (int i = 0; i < 16; i++)
        {
            ulong data = i < 8 ? data0 : data1, mask = i < 8 ? mask0 : mask1;
            int shift = 8 * (i & 7);
            if (((mask >> shift) & 0x80) != 0)
                c.Write8(addr + (ulong)i, (byte)(data >> shift));
        }
    }
}

/// <summary>SSE4.2 string comparisons, computed by <see cref="Sse.StringCompare"/>.</summary>
public static class SseStringHandlers
{
    private static long ExplicitLength(X86Cpu c, int reg, bool wide) =>
        wide ? (long)c.R[reg] : (int)(uint)c.R[reg];

    /// <summary>PCMPISTRI (Reg2 0), PCMPISTRM (1), PCMPESTRI (2), PCMPESTRM (3); Size 8 for the REX.W forms.</summary>
    public static void StringCompare(X86Cpu c, ref Op op)
    {
        var a = SseHandlers.X(c, op.Reg0);
        var b = SseHandlers.Src(c, ref op);
        byte imm = (byte)op.Imm;
        bool wide = op.Size == 8;
        uint flags;
        switch (op.Reg2)
        {
            case 0:
                c.R[Gpr.Rcx] = Sse.StringCompare.Pcmpistri(a, b, imm, out flags);
                break;
            case 1:
                SseHandlers.SetX(c, 0, Sse.StringCompare.Pcmpistrm(a, b, imm, out flags));
                break;
            case 2:
                c.R[Gpr.Rcx] = Sse.StringCompare.Pcmpestri(a, b, ExplicitLength(c, Gpr.Rax, wide), ExplicitLength(c, Gpr.Rdx, wide), imm, out flags);
                break;
            default:
                SseHandlers.SetX(c, 0, Sse.StringCompare.Pcmpestrm(a, b, ExplicitLength(c, Gpr.Rax, wide), ExplicitLength(c, Gpr.Rdx, wide), imm, out flags));
                break;
        }
        c.SetStatusFlags(flags);
    }
}

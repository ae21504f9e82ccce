using Iced.Intel;
using QemuSharp.Target.X86.Exec;
using V = System.Runtime.Intrinsics.Vector128<ulong>;
using L = QemuSharp.Target.X86.Exec.SimdLaneOps;

namespace QemuSharp.Target.X86.Translate;

public static unsafe partial class Binder
{
    private static bool BindSse(ref Op op, in Instruction i, Mnemonic m)
    {
        // Legacy-encoded SSE instructions fault on a misaligned 16-byte memory operand, except
        // the explicitly unaligned moves.
        if (i.MemorySize.GetSize() == 16 && m is not (Mnemonic.Movups or Mnemonic.Movupd or Mnemonic.Movdqu or Mnemonic.Lddqu
            or Mnemonic.Pcmpistri or Mnemonic.Pcmpistrm or Mnemonic.Pcmpestri or Mnemonic.Pcmpestri64 or Mnemonic.Pcmpestrm or Mnemonic.Pcmpestrm64))
            op.Rep |= SseHandlers.Aligned;
        byte stringForm = m switch
        {
            Mnemonic.Pcmpistri => 0, Mnemonic.Pcmpistrm => 1, Mnemonic.Pcmpestri or Mnemonic.Pcmpestri64 => 2,
            Mnemonic.Pcmpestrm or Mnemonic.Pcmpestrm64 => 3, _ => 255,
        };
        if (stringForm != 255)
        {
            op.Cond = stringForm;
            op.Imm = i.Immediate8;
            op.Size = (byte)(m is Mnemonic.Pcmpestri64 or Mnemonic.Pcmpestrm64 ? 8 : 4);
            op.Exec = &SseStringHandlers.StringCompare;
            return true;
        }
        delegate*<V, V, V> bin = m switch
        {
            Mnemonic.Pxor or Mnemonic.Xorps or Mnemonic.Xorpd => &L.Xor,
            Mnemonic.Por or Mnemonic.Orps or Mnemonic.Orpd => &L.Or,
            Mnemonic.Pand or Mnemonic.Andps or Mnemonic.Andpd => &L.And,
            Mnemonic.Pandn or Mnemonic.Andnps or Mnemonic.Andnpd => &L.AndNot,
            Mnemonic.Paddb => &L.AddB, Mnemonic.Paddw => &L.AddW, Mnemonic.Paddd => &L.AddD, Mnemonic.Paddq => &L.AddQ,
            Mnemonic.Psubb => &L.SubB, Mnemonic.Psubw => &L.SubW, Mnemonic.Psubd => &L.SubD, Mnemonic.Psubq => &L.SubQ,
            Mnemonic.Pcmpeqb => &L.CmpEqB, Mnemonic.Pcmpeqw => &L.CmpEqW, Mnemonic.Pcmpeqd => &L.CmpEqD, Mnemonic.Pcmpeqq => &L.CmpEqQ,
            Mnemonic.Pcmpgtb => &L.CmpGtB, Mnemonic.Pcmpgtw => &L.CmpGtW, Mnemonic.Pcmpgtd => &L.CmpGtD, Mnemonic.Pcmpgtq => &L.CmpGtQ,
            Mnemonic.Pminub => &L.MinUB, Mnemonic.Pmaxub => &L.MaxUB, Mnemonic.Pminsw => &L.MinSW, Mnemonic.Pmaxsw => &L.MaxSW,
            Mnemonic.Pminsb => &L.MinSB, Mnemonic.Pmaxsb => &L.MaxSB, Mnemonic.Pminuw => &L.MinUW, Mnemonic.Pmaxuw => &L.MaxUW,
            Mnemonic.Pminsd => &L.MinSD, Mnemonic.Pmaxsd => &L.MaxSD, Mnemonic.Pminud => &L.MinUD, Mnemonic.Pmaxud => &L.MaxUD,
            Mnemonic.Punpcklbw => &L.UnpackLowB, Mnemonic.Punpckhbw => &L.UnpackHighB,
            Mnemonic.Punpcklwd => &L.UnpackLowW, Mnemonic.Punpckhwd => &L.UnpackHighW,
            Mnemonic.Punpckldq => &L.UnpackLowD, Mnemonic.Punpckhdq => &L.UnpackHighD,
            Mnemonic.Punpcklqdq => &L.UnpackLowQ, Mnemonic.Punpckhqdq => &L.UnpackHighQ,
            Mnemonic.Unpcklps => &L.UnpackLowPs, Mnemonic.Unpckhps => &L.UnpackHighPs,
            Mnemonic.Unpcklpd => &L.UnpackLowQ, Mnemonic.Unpckhpd => &L.UnpackHighQ,
            Mnemonic.Pshufb => &L.ShuffleBytes,
            _ => null,
        };
        if (bin != null && op.Kind0 == OperandKind.Xmm)
        {
            op.Fn = bin;
            op.Exec = &SseHandlers.Binary;
            return true;
        }
        delegate*<V, V, byte, V> withImm = m switch
        {
            Mnemonic.Pshufd => &L.ShuffleD,
            Mnemonic.Pshuflw => &L.ShuffleLowW,
            Mnemonic.Pshufhw => &L.ShuffleHighW,
            Mnemonic.Palignr => &L.AlignRight,
            Mnemonic.Shufps => &L.ShufflePs,
            Mnemonic.Shufpd => &L.ShufflePd,
            _ => null,
        };
        if (withImm != null && op.Kind0 == OperandKind.Xmm)
        {
            op.Imm = i.Immediate8;
            op.Fn = withImm;
            op.Exec = &SseHandlers.BinaryImm;
            return true;
        }
        delegate*<V, byte, V> shift = i.Code switch
        {
            Code.Psrldq_xmm_imm8 => &L.ShiftRightBytes, Code.Pslldq_xmm_imm8 => &L.ShiftLeftBytes,
            Code.Psllw_xmm_imm8 => &L.ShiftLeftW, Code.Pslld_xmm_imm8 => &L.ShiftLeftD, Code.Psllq_xmm_imm8 => &L.ShiftLeftQ,
            Code.Psrlw_xmm_imm8 => &L.ShiftRightW, Code.Psrld_xmm_imm8 => &L.ShiftRightD, Code.Psrlq_xmm_imm8 => &L.ShiftRightQ,
            Code.Psraw_xmm_imm8 => &L.ShiftRightArithW, Code.Psrad_xmm_imm8 => &L.ShiftRightArithD,
            _ => null,
        };
        if (shift != null)
        {
            op.Imm = i.Immediate8;
            op.Fn = shift;
            op.Exec = &SseHandlers.UnaryImm;
            return true;
        }
        return BindSseMoves(ref op, i, m);
    }

    private static bool BindSseMoves(ref Op op, in Instruction i, Mnemonic m)
    {
        switch (m)
        {
            case Mnemonic.Fxsave: op.Cond = 0; op.Exec = &StateHandlers.Fxsave; return true;
            case Mnemonic.Fxsave64: op.Cond = 1; op.Exec = &StateHandlers.Fxsave; return true;
            case Mnemonic.Fxrstor: op.Cond = 0; op.Exec = &StateHandlers.Fxrstor; return true;
            case Mnemonic.Fxrstor64: op.Cond = 1; op.Exec = &StateHandlers.Fxrstor; return true;
            case Mnemonic.Ldmxcsr: op.Exec = &StateHandlers.Ldmxcsr; return true;
            case Mnemonic.Stmxcsr: op.Exec = &StateHandlers.Stmxcsr; return true;
            case Mnemonic.Movaps: case Mnemonic.Movups: case Mnemonic.Movapd: case Mnemonic.Movupd:
            case Mnemonic.Movdqa: case Mnemonic.Movdqu: case Mnemonic.Lddqu: case Mnemonic.Movntdq:
            case Mnemonic.Movntps: case Mnemonic.Movntpd: case Mnemonic.Movntdqa:
                if (op.Kind0 != OperandKind.Xmm && op.Kind1 != OperandKind.Xmm)
                    return false;
                op.Exec = &SseHandlers.Move128;
                return true;
            case Mnemonic.Movd: case Mnemonic.Movq:
                if (op.Kind0 != OperandKind.Xmm && op.Kind1 != OperandKind.Xmm)
                    return false; // MMX forms
                op.Cond = (byte)(m == Mnemonic.Movd ? 4 : 8);
                op.Size = op.Cond;
                op.Exec = &SseHandlers.MoveScalarInt;
                return true;
            case Mnemonic.Movss:
            case Mnemonic.Movsd when i.Code is Code.Movsd_xmm_xmmm64 or Code.Movsd_xmmm64_xmm:
                op.Cond = (byte)(m == Mnemonic.Movss ? 4 : 8);
                op.Exec = &SseHandlers.MoveScalarFp;
                return true;
            case Mnemonic.Movlps: case Mnemonic.Movlpd:
                op.Cond = 0;
                op.Exec = &SseHandlers.MoveHalf;
                return true;
            case Mnemonic.Movhps: case Mnemonic.Movhpd:
                op.Cond = 1;
                op.Exec = &SseHandlers.MoveHalf;
                return true;
            case Mnemonic.Movhlps: op.Cond = 0; op.Exec = &SseHandlers.MoveHalfRegister; return true;
            case Mnemonic.Movlhps: op.Cond = 1; op.Exec = &SseHandlers.MoveHalfRegister; return true;
            case Mnemonic.Movnti: op.Exec = &IntegerHandlers.Mov; return true;
            case Mnemonic.Pmovmskb when op.Kind1 == OperandKind.Xmm:
                op.Fn = (delegate*<V, uint>)&L.MoveMaskB;
                op.Exec = &SseHandlers.MoveMask;
                return true;
            case Mnemonic.Movmskps:
                op.Fn = (delegate*<V, uint>)&L.MoveMaskPs;
                op.Exec = &SseHandlers.MoveMask;
                return true;
            case Mnemonic.Movmskpd:
                op.Fn = (delegate*<V, uint>)&L.MoveMaskPd;
                op.Exec = &SseHandlers.MoveMask;
                return true;
            case Mnemonic.Pextrw when op.Kind1 == OperandKind.Xmm:
                op.Imm = i.Immediate8;
                op.Cond = 2;
                op.Fn = (delegate*<V, byte, ulong>)&L.ExtractW;
                op.Exec = &SseHandlers.ExtractToGpr;
                return true;
        }
        return false;
    }
}

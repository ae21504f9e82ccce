using Iced.Intel;
using QemuSharp.Target.X86.Exec;
using QemuSharp.Target.X86.Sse;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Translate;

/// <summary>
/// The SSE..SSE4.2 and MMX instructions (legacy encodings). Every handler reads its memory operand
/// with the width in <see cref="Op.Cond"/>; MM registers get their numbers in the register fields.
/// </summary>
public static unsafe partial class Binder
{
    private static bool BindSse(ref Op op, in Instruction i, Mnemonic m)
    {
        if (i.Encoding != EncodingKind.Legacy)
            return false;
        bool mmx = false;
        for (int n = 0; n < Math.Min(3, i.OpCount); n++)
        {
            if (i.GetOpKind(n) == OpKind.Register && i.GetOpRegister(n).IsMM())
            {
                mmx = true;
                byte mm = (byte)(i.GetOpRegister(n) - Register.MM0);
                switch (n)
                {
                    case 0: op.Reg0 = mm; break;
                    case 1: op.Reg1 = mm; break;
                    default: op.Reg2 = mm; break;
                }
            }
        }
        // Legacy-encoded SSE instructions fault on a misaligned 16-byte memory operand, except
        // the explicitly unaligned ones.
        if (i.MemorySize.GetSize() == 16 && m is not (Mnemonic.Movups or Mnemonic.Movupd or Mnemonic.Movdqu or Mnemonic.Lddqu
            or Mnemonic.Pcmpistri or Mnemonic.Pcmpistrm or Mnemonic.Pcmpestri or Mnemonic.Pcmpestri64 or Mnemonic.Pcmpestrm or Mnemonic.Pcmpestrm64))
            op.Rep |= SseHandlers.Aligned;
        byte cond = op.Cond;
        op.Cond = (byte)i.MemorySize.GetSize();
        bool bound = mmx
            ? BindMmx(ref op, i, m)
            : BindSseInteger(ref op, i, m) || BindSseFloat(ref op, i, m) || BindSseMoves(ref op, i, m);
        if (!bound)
            op.Cond = cond;
        return bound;
    }

    private static bool Bind(ref Op op, delegate*<Cpu.X86Cpu, ref Op, void> handler, void* fn = null, byte reg2 = 0)
    {
        op.Exec = handler;
        op.Fn = fn;
        op.Reg2 = reg2;
        return true;
    }

    /// <summary>The lane operations xmm = f(xmm, xmm/m128) shared by the SSE and (on the low quadword) MMX forms.</summary>
    private static delegate*<Xmm, Xmm, Xmm> LaneOperation(Mnemonic m) => m switch
    {
        Mnemonic.Pxor or Mnemonic.Xorps or Mnemonic.Xorpd => &PackedInt.Pxor,
        Mnemonic.Por or Mnemonic.Orps or Mnemonic.Orpd => &PackedInt.Por,
        Mnemonic.Pand or Mnemonic.Andps or Mnemonic.Andpd => &PackedInt.Pand,
        Mnemonic.Pandn or Mnemonic.Andnps or Mnemonic.Andnpd => &PackedInt.Pandn,
        Mnemonic.Paddb => &PackedInt.Paddb, Mnemonic.Paddw => &PackedInt.Paddw,
        Mnemonic.Paddd => &PackedInt.Paddd, Mnemonic.Paddq => &PackedInt.Paddq,
        Mnemonic.Psubb => &PackedInt.Psubb, Mnemonic.Psubw => &PackedInt.Psubw,
        Mnemonic.Psubd => &PackedInt.Psubd, Mnemonic.Psubq => &PackedInt.Psubq,
        Mnemonic.Paddsb => &PackedInt.Paddsb, Mnemonic.Paddsw => &PackedInt.Paddsw,
        Mnemonic.Paddusb => &PackedInt.Paddusb, Mnemonic.Paddusw => &PackedInt.Paddusw,
        Mnemonic.Psubsb => &PackedInt.Psubsb, Mnemonic.Psubsw => &PackedInt.Psubsw,
        Mnemonic.Psubusb => &PackedInt.Psubusb, Mnemonic.Psubusw => &PackedInt.Psubusw,
        Mnemonic.Pmullw => &PackedInt.Pmullw, Mnemonic.Pmulld => &PackedInt.Pmulld,
        Mnemonic.Pmulhw => &PackedInt.Pmulhw, Mnemonic.Pmulhuw => &PackedInt.Pmulhuw,
        Mnemonic.Pmulhrsw => &PackedInt.Pmulhrsw, Mnemonic.Pmuludq => &PackedInt.Pmuludq,
        Mnemonic.Pmuldq => &PackedInt.Pmuldq, Mnemonic.Pmaddwd => &PackedInt.Pmaddwd,
        Mnemonic.Pmaddubsw => &PackedInt.Pmaddubsw,
        Mnemonic.Pavgb => &PackedInt.Pavgb, Mnemonic.Pavgw => &PackedInt.Pavgw,
        Mnemonic.Pminsb => &PackedInt.Pminsb, Mnemonic.Pminsw => &PackedInt.Pminsw, Mnemonic.Pminsd => &PackedInt.Pminsd,
        Mnemonic.Pminub => &PackedInt.Pminub, Mnemonic.Pminuw => &PackedInt.Pminuw, Mnemonic.Pminud => &PackedInt.Pminud,
        Mnemonic.Pmaxsb => &PackedInt.Pmaxsb, Mnemonic.Pmaxsw => &PackedInt.Pmaxsw, Mnemonic.Pmaxsd => &PackedInt.Pmaxsd,
        Mnemonic.Pmaxub => &PackedInt.Pmaxub, Mnemonic.Pmaxuw => &PackedInt.Pmaxuw, Mnemonic.Pmaxud => &PackedInt.Pmaxud,
        Mnemonic.Psignb => &PackedInt.Psignb, Mnemonic.Psignw => &PackedInt.Psignw, Mnemonic.Psignd => &PackedInt.Psignd,
        Mnemonic.Pcmpeqb => &PackedInt.Pcmpeqb, Mnemonic.Pcmpeqw => &PackedInt.Pcmpeqw,
        Mnemonic.Pcmpeqd => &PackedInt.Pcmpeqd, Mnemonic.Pcmpeqq => &PackedInt.Pcmpeqq,
        Mnemonic.Pcmpgtb => &PackedInt.Pcmpgtb, Mnemonic.Pcmpgtw => &PackedInt.Pcmpgtw,
        Mnemonic.Pcmpgtd => &PackedInt.Pcmpgtd, Mnemonic.Pcmpgtq => &PackedInt.Pcmpgtq,
        Mnemonic.Psadbw => &PackedInt.Psadbw,
        Mnemonic.Punpcklbw => &Shuffle.Punpcklbw, Mnemonic.Punpcklwd => &Shuffle.Punpcklwd,
        Mnemonic.Punpckldq => &Shuffle.Punpckldq, Mnemonic.Punpcklqdq => &Shuffle.Punpcklqdq,
        Mnemonic.Unpcklps => &Shuffle.Unpcklps, Mnemonic.Unpcklpd => &Shuffle.Unpcklpd,
        _ => null,
    };

    /// <summary>Operations whose MMX form is not the low quadword of the 128-bit one (see <see cref="Mmx"/>).</summary>
    private static delegate*<Xmm, Xmm, Xmm> PairOperation(Mnemonic m) => m switch
    {
        Mnemonic.Phaddw => &PackedInt.Phaddw, Mnemonic.Phaddd => &PackedInt.Phaddd, Mnemonic.Phaddsw => &PackedInt.Phaddsw,
        Mnemonic.Phsubw => &PackedInt.Phsubw, Mnemonic.Phsubd => &PackedInt.Phsubd, Mnemonic.Phsubsw => &PackedInt.Phsubsw,
        Mnemonic.Packsswb => &PackExtend.Packsswb, Mnemonic.Packuswb => &PackExtend.Packuswb,
        Mnemonic.Packssdw => &PackExtend.Packssdw,
        _ => null,
    };

    private static delegate*<Xmm, Xmm, Xmm> UnpackHighOperation(Mnemonic m) => m switch
    {
        Mnemonic.Punpckhbw => &Shuffle.Punpckhbw, Mnemonic.Punpckhwd => &Shuffle.Punpckhwd,
        Mnemonic.Punpckhdq => &Shuffle.Punpckhdq, Mnemonic.Punpckhqdq => &Shuffle.Punpckhqdq,
        Mnemonic.Unpckhps => &Shuffle.Unpckhps, Mnemonic.Unpckhpd => &Shuffle.Unpckhpd,
        _ => null,
    };

    private static delegate*<Xmm, Xmm> UnaryOperation(Mnemonic m) => m switch
    {
        Mnemonic.Pabsb => &PackedInt.Pabsb, Mnemonic.Pabsw => &PackedInt.Pabsw, Mnemonic.Pabsd => &PackedInt.Pabsd,
        Mnemonic.Pmovsxbw => &PackExtend.Pmovsxbw, Mnemonic.Pmovsxbd => &PackExtend.Pmovsxbd, Mnemonic.Pmovsxbq => &PackExtend.Pmovsxbq,
        Mnemonic.Pmovsxwd => &PackExtend.Pmovsxwd, Mnemonic.Pmovsxwq => &PackExtend.Pmovsxwq, Mnemonic.Pmovsxdq => &PackExtend.Pmovsxdq,
        Mnemonic.Pmovzxbw => &PackExtend.Pmovzxbw, Mnemonic.Pmovzxbd => &PackExtend.Pmovzxbd, Mnemonic.Pmovzxbq => &PackExtend.Pmovzxbq,
        Mnemonic.Pmovzxwd => &PackExtend.Pmovzxwd, Mnemonic.Pmovzxwq => &PackExtend.Pmovzxwq, Mnemonic.Pmovzxdq => &PackExtend.Pmovzxdq,
        Mnemonic.Phminposuw => &PackedInt.Phminposuw,
        Mnemonic.Movddup => &Shuffle.Movddup, Mnemonic.Movsldup => &Shuffle.Movsldup, Mnemonic.Movshdup => &Shuffle.Movshdup,
        Mnemonic.Cvtdq2pd => &FloatConvert.Cvtdq2pd,
        _ => null,
    };

    private static delegate*<Xmm, ulong, Xmm> ShiftOperation(Mnemonic m) => m switch
    {
        Mnemonic.Psllw => &PackedShift.Psllw, Mnemonic.Pslld => &PackedShift.Pslld, Mnemonic.Psllq => &PackedShift.Psllq,
        Mnemonic.Psrlw => &PackedShift.Psrlw, Mnemonic.Psrld => &PackedShift.Psrld, Mnemonic.Psrlq => &PackedShift.Psrlq,
        Mnemonic.Psraw => &PackedShift.Psraw, Mnemonic.Psrad => &PackedShift.Psrad,
        _ => null,
    };

    private static bool BindSseInteger(ref Op op, in Instruction i, Mnemonic m)
    {
        if (op.Kind0 != OperandKind.Xmm)
            return false;
        delegate*<Xmm, Xmm, Xmm> bin = LaneOperation(m);
        if (bin == null)
            bin = PairOperation(m);
        if (bin == null)
            bin = UnpackHighOperation(m);
        if (bin == null)
        {
            bin = m switch
            {
                Mnemonic.Pshufb => &Shuffle.Pshufb,
                Mnemonic.Packusdw => &PackExtend.Packusdw,
                _ => null,
            };
        }
        if (bin != null)
            return Bind(ref op, &SseHandlers.Binary, bin);
        delegate*<Xmm, Xmm> unary = UnaryOperation(m);
        if (unary != null)
            return Bind(ref op, &SseHandlers.Unary, unary);
        delegate*<Xmm, ulong, Xmm> shift = ShiftOperation(m);
        if (shift != null)
            return Bind(ref op, op.Kind1 == OperandKind.Immediate ? &SseHandlers.ShiftImm : &SseHandlers.ShiftByXmm, shift);
        delegate*<Xmm, Xmm, byte, Xmm> withImm = m switch
        {
            Mnemonic.Palignr => &PackedShift.Palignr,
            Mnemonic.Shufps => &Shuffle.Shufps,
            Mnemonic.Shufpd => &Shuffle.Shufpd,
            Mnemonic.Pblendw => &Shuffle.Pblendw,
            Mnemonic.Blendps => &Shuffle.Blendps,
            Mnemonic.Blendpd => &Shuffle.Blendpd,
            Mnemonic.Mpsadbw => &PackedInt.Mpsadbw,
            _ => null,
        };
        if (withImm != null)
            return Bind(ref op, &SseHandlers.BinaryImm, withImm);
        delegate*<Xmm, byte, Xmm> sourceImm = m switch
        {
            Mnemonic.Pshufd => &Shuffle.Pshufd,
            Mnemonic.Pshuflw => &Shuffle.Pshuflw,
            Mnemonic.Pshufhw => &Shuffle.Pshufhw,
            _ => null,
        };
        if (sourceImm != null)
            return Bind(ref op, &SseHandlers.SourceImm, sourceImm);
        delegate*<Xmm, Xmm, Xmm, Xmm> blend = m switch
        {
            Mnemonic.Pblendvb => &Shuffle.Pblendvb,
            Mnemonic.Blendvps => &Shuffle.Blendvps,
            Mnemonic.Blendvpd => &Shuffle.Blendvpd,
            _ => null,
        };
        if (blend != null)
            return Bind(ref op, &SseHandlers.BlendVariable, blend);
        switch (m)
        {
            case Mnemonic.Pslldq: return Bind(ref op, &SseHandlers.ByteShiftImm, (delegate*<Xmm, byte, Xmm>)&PackedShift.Pslldq);
            case Mnemonic.Psrldq: return Bind(ref op, &SseHandlers.ByteShiftImm, (delegate*<Xmm, byte, Xmm>)&PackedShift.Psrldq);
            case Mnemonic.Ptest: return Bind(ref op, &SseHandlers.Ptest);
            case Mnemonic.Pinsrb: return Bind(ref op, &SseHandlers.Insert, null, 1);
            case Mnemonic.Pinsrw: return Bind(ref op, &SseHandlers.Insert, null, 2);
            case Mnemonic.Pinsrd: return Bind(ref op, &SseHandlers.Insert, null, 4);
            case Mnemonic.Pinsrq: return Bind(ref op, &SseHandlers.Insert, null, 8);
            case Mnemonic.Insertps: return Bind(ref op, &SseHandlers.Insertps);
        }
        byte form = m switch
        {
            Mnemonic.Pcmpistri => 0, Mnemonic.Pcmpistrm => 1, Mnemonic.Pcmpestri or Mnemonic.Pcmpestri64 => 2,
            Mnemonic.Pcmpestrm or Mnemonic.Pcmpestrm64 => 3, _ => 255,
        };
        if (form == 255)
            return false;
        op.Size = (byte)(m is Mnemonic.Pcmpestri64 or Mnemonic.Pcmpestrm64 ? 8 : 4);
        return Bind(ref op, &SseStringHandlers.StringCompare, null, form);
    }
}

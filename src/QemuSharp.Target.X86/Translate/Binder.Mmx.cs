using Iced.Intel;
using QemuSharp.Target.X86.Exec;
using QemuSharp.Target.X86.Sse;
using static QemuSharp.Target.X86.Exec.MmxHandlers;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Translate;

public static unsafe partial class Binder
{
    /// <summary>Instructions with an MM register operand.</summary>
    private static bool BindMmx(ref Op op, in Instruction i, Mnemonic m)
    {
        delegate*<Xmm, Xmm, Xmm> bin = LaneOperation(m);
        if (bin != null)
            return Bind(ref op, &Binary, bin);
        bin = PairOperation(m);
        if (bin != null)
            return Bind(ref op, &Pair, bin);
        bin = m switch
        {
            Mnemonic.Punpckhbw => &Shuffle.Punpcklbw,
            Mnemonic.Punpckhwd => &Shuffle.Punpcklwd,
            Mnemonic.Punpckhdq => &Shuffle.Punpckldq,
            _ => null,
        };
        if (bin != null)
            return Bind(ref op, &UnpackHigh, bin);
        delegate*<Xmm, Xmm> unary = m is Mnemonic.Pabsb or Mnemonic.Pabsw or Mnemonic.Pabsd ? UnaryOperation(m) : null;
        if (unary != null)
            return Bind(ref op, &Unary, unary);
        delegate*<Xmm, ulong, Xmm> shift = ShiftOperation(m);
        if (shift != null)
            return Bind(ref op, op.Kind1 == OperandKind.Immediate ? &ShiftImm : &ShiftByMm, shift);
        switch (m)
        {
            case Mnemonic.Pshufb: return Bind(ref op, &Binary64, (delegate*<ulong, ulong, ulong>)&Mmx.Pshufb);
            case Mnemonic.Palignr: return Bind(ref op, &Palignr);
            case Mnemonic.Pshufw: return Bind(ref op, &Pshufw);
            case Mnemonic.Pmovmskb: return Bind(ref op, &MoveMask);
            case Mnemonic.Pextrw: return Bind(ref op, &ExtractW);
            case Mnemonic.Pinsrw: return Bind(ref op, &InsertW);
            case Mnemonic.Movd: return Bind(ref op, op.Kind0 == OperandKind.Other ? &MoveToMm : &MoveFromMm, null, 4);
            case Mnemonic.Movq when i.Code is Code.Movq_mm_rm64 or Code.Movq_rm64_mm:
                return Bind(ref op, op.Kind0 == OperandKind.Other ? &MoveToMm : &MoveFromMm, null, 8);
            case Mnemonic.Movq: case Mnemonic.Movntq: return Bind(ref op, &MoveQ);
            case Mnemonic.Movq2dq: return Bind(ref op, &Movq2dq);
            case Mnemonic.Movdq2q: return Bind(ref op, &Movdq2q);
            case Mnemonic.Maskmovq:
                op.Segment = i.MemorySegment switch { Register.FS => 1, Register.GS => 2, _ => 0 };
                op.Exec = &MaskMoveQ;
                return true;
            case Mnemonic.Cvtpi2ps: case Mnemonic.Cvtpi2pd:
                return BindSseFloat(ref op, i, m);
            case Mnemonic.Cvtps2pi: return BindToMmx(ref op, &FloatConvert.Cvtps2pi, 0);
            case Mnemonic.Cvttps2pi: return BindToMmx(ref op, &FloatConvert.Cvtps2pi, SseFloatHandlers.ScalarBit);
            case Mnemonic.Cvtpd2pi: return BindToMmx(ref op, &FloatConvert.Cvtpd2pi, 0);
            case Mnemonic.Cvttpd2pi: return BindToMmx(ref op, &FloatConvert.Cvtpd2pi, SseFloatHandlers.ScalarBit);
            default: return false;
        }
    }

    private static bool BindToMmx(ref Op op, delegate*<Xmm, bool, ref uint, out ulong, bool> convert, byte truncate) =>
        Bind(ref op, &SseFloatHandlers.ConvertToMmx, convert, truncate);
}

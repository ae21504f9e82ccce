using Iced.Intel;
using QemuSharp.Target.X86.Exec;
using QemuSharp.Target.X86.Sse;
using static QemuSharp.Target.X86.Exec.SseFloatHandlers;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Translate;

public static unsafe partial class Binder
{
    private static bool BindSseFloat(ref Op op, in Instruction i, Mnemonic m)
    {
        if (ArithmeticForm(m) is (FloatOp fop, byte form))
        {
            op.Imm = (ulong)fop;
            delegate*<FloatOp, Xmm, Xmm, ref uint, out Xmm, bool> fn = form switch
            {
                0 => &FloatArith.Ps,
                DoubleBit => &FloatArith.Pd,
                ScalarBit => &FloatArith.Ss,
                _ => &FloatArith.Sd,
            };
            return Bind(ref op, &Arith, fn);
        }
        switch (m)
        {
            case Mnemonic.Cmpps: return Bind(ref op, &CompareOrRound, (delegate*<bool, bool, Xmm, Xmm, byte, ref uint, out Xmm, bool>)&FloatCompare.Cmp, 0);
            case Mnemonic.Cmppd: return Bind(ref op, &CompareOrRound, (delegate*<bool, bool, Xmm, Xmm, byte, ref uint, out Xmm, bool>)&FloatCompare.Cmp, DoubleBit);
            case Mnemonic.Cmpss: return Bind(ref op, &CompareOrRound, (delegate*<bool, bool, Xmm, Xmm, byte, ref uint, out Xmm, bool>)&FloatCompare.Cmp, ScalarBit);
            case Mnemonic.Cmpsd when i.Code == Code.Cmpsd_xmm_xmmm64_imm8:
                return Bind(ref op, &CompareOrRound, (delegate*<bool, bool, Xmm, Xmm, byte, ref uint, out Xmm, bool>)&FloatCompare.Cmp, DoubleBit | ScalarBit);
            case Mnemonic.Roundps: return Bind(ref op, &CompareOrRound, (delegate*<bool, bool, Xmm, Xmm, byte, ref uint, out Xmm, bool>)&FloatConvert.Round, 0);
            case Mnemonic.Roundpd: return Bind(ref op, &CompareOrRound, (delegate*<bool, bool, Xmm, Xmm, byte, ref uint, out Xmm, bool>)&FloatConvert.Round, DoubleBit);
            case Mnemonic.Roundss: return Bind(ref op, &CompareOrRound, (delegate*<bool, bool, Xmm, Xmm, byte, ref uint, out Xmm, bool>)&FloatConvert.Round, ScalarBit);
            case Mnemonic.Roundsd: return Bind(ref op, &CompareOrRound, (delegate*<bool, bool, Xmm, Xmm, byte, ref uint, out Xmm, bool>)&FloatConvert.Round, DoubleBit | ScalarBit);
            case Mnemonic.Haddps: return Bind(ref op, &Horizontal, null, 0);
            case Mnemonic.Haddpd: return Bind(ref op, &Horizontal, null, DoubleBit);
            case Mnemonic.Hsubps: return Bind(ref op, &Horizontal, null, ScalarBit);
            case Mnemonic.Hsubpd: return Bind(ref op, &Horizontal, null, DoubleBit | ScalarBit);
            case Mnemonic.Addsubps: return Bind(ref op, &AddSub, null, 0);
            case Mnemonic.Addsubpd: return Bind(ref op, &AddSub, null, DoubleBit);
            case Mnemonic.Dpps: return Bind(ref op, &DotProduct, null, 0);
            case Mnemonic.Dppd: return Bind(ref op, &DotProduct, null, DoubleBit);
            case Mnemonic.Comiss: return Bind(ref op, &Comis, null, ScalarBit);
            case Mnemonic.Comisd: return Bind(ref op, &Comis, null, DoubleBit | ScalarBit);
            case Mnemonic.Ucomiss: return Bind(ref op, &Comis, null, 0);
            case Mnemonic.Ucomisd: return Bind(ref op, &Comis, null, DoubleBit);
            case Mnemonic.Rcpps: return Bind(ref op, &ReciprocalPacked, (delegate*<Xmm, uint, Xmm>)&Reciprocal.Rcpps);
            case Mnemonic.Rsqrtps: return Bind(ref op, &ReciprocalPacked, (delegate*<Xmm, uint, Xmm>)&Reciprocal.Rsqrtps);
            case Mnemonic.Rcpss: return Bind(ref op, &ReciprocalScalar, (delegate*<Xmm, Xmm, uint, Xmm>)&Reciprocal.Rcpss);
            case Mnemonic.Rsqrtss: return Bind(ref op, &ReciprocalScalar, (delegate*<Xmm, Xmm, uint, Xmm>)&Reciprocal.Rsqrtss);
            case Mnemonic.Cvtss2sd: return Bind(ref op, &ConvertScalar, (delegate*<Xmm, Xmm, ref uint, out Xmm, bool>)&FloatConvert.Cvtss2sd);
            case Mnemonic.Cvtsd2ss: return Bind(ref op, &ConvertScalar, (delegate*<Xmm, Xmm, ref uint, out Xmm, bool>)&FloatConvert.Cvtsd2ss);
            case Mnemonic.Cvtdq2ps: return Bind(ref op, &ConvertPacked, (delegate*<Xmm, ref uint, out Xmm, bool>)&FloatConvert.Cvtdq2ps);
            case Mnemonic.Cvtps2pd: return Bind(ref op, &ConvertPacked, (delegate*<Xmm, ref uint, out Xmm, bool>)&FloatConvert.Cvtps2pd);
            case Mnemonic.Cvtpd2ps: return Bind(ref op, &ConvertPacked, (delegate*<Xmm, ref uint, out Xmm, bool>)&FloatConvert.Cvtpd2ps);
            case Mnemonic.Cvtps2dq: return Bind(ref op, &ConvertToInt32s, (delegate*<Xmm, bool, ref uint, out Xmm, bool>)&FloatConvert.Cvtps2dq, 0);
            case Mnemonic.Cvttps2dq: return Bind(ref op, &ConvertToInt32s, (delegate*<Xmm, bool, ref uint, out Xmm, bool>)&FloatConvert.Cvtps2dq, ScalarBit);
            case Mnemonic.Cvtpd2dq: return Bind(ref op, &ConvertToInt32s, (delegate*<Xmm, bool, ref uint, out Xmm, bool>)&FloatConvert.Cvtpd2dq, 0);
            case Mnemonic.Cvttpd2dq: return Bind(ref op, &ConvertToInt32s, (delegate*<Xmm, bool, ref uint, out Xmm, bool>)&FloatConvert.Cvtpd2dq, ScalarBit);
            case Mnemonic.Cvtsi2ss: case Mnemonic.Cvtsi2sd:
                Bind(ref op, &IntToScalar, null, m == Mnemonic.Cvtsi2sd ? DoubleBit : (byte)0);
                op.Cond = (byte)(op.Kind1 == OperandKind.Gpr ? i.Op1Register.GetSize() : i.MemorySize.GetSize());
                return true;
            case Mnemonic.Cvtss2si: return Bind(ref op, &ScalarToInt, null, 0);
            case Mnemonic.Cvttss2si: return Bind(ref op, &ScalarToInt, null, ScalarBit);
            case Mnemonic.Cvtsd2si: return Bind(ref op, &ScalarToInt, null, DoubleBit);
            case Mnemonic.Cvttsd2si: return Bind(ref op, &ScalarToInt, null, DoubleBit | ScalarBit);
            case Mnemonic.Cvtpi2ps: return Bind(ref op, &Cvtpi2ps);
            case Mnemonic.Cvtpi2pd: return Bind(ref op, &Cvtpi2pd);
            default: return false;
        }
    }

    /// <summary>The operation and form (packed/scalar, single/double) of the MXCSR arithmetic instructions.</summary>
    private static (FloatOp Op, byte Form)? ArithmeticForm(Mnemonic m) => m switch
    {
        Mnemonic.Addps => (FloatOp.Add, 0), Mnemonic.Addpd => (FloatOp.Add, DoubleBit),
        Mnemonic.Addss => (FloatOp.Add, ScalarBit), Mnemonic.Addsd => (FloatOp.Add, DoubleBit | ScalarBit),
        Mnemonic.Subps => (FloatOp.Sub, 0), Mnemonic.Subpd => (FloatOp.Sub, DoubleBit),
        Mnemonic.Subss => (FloatOp.Sub, ScalarBit), Mnemonic.Subsd => (FloatOp.Sub, DoubleBit | ScalarBit),
        Mnemonic.Mulps => (FloatOp.Mul, 0), Mnemonic.Mulpd => (FloatOp.Mul, DoubleBit),
        Mnemonic.Mulss => (FloatOp.Mul, ScalarBit), Mnemonic.Mulsd => (FloatOp.Mul, DoubleBit | ScalarBit),
        Mnemonic.Divps => (FloatOp.Div, 0), Mnemonic.Divpd => (FloatOp.Div, DoubleBit),
        Mnemonic.Divss => (FloatOp.Div, ScalarBit), Mnemonic.Divsd => (FloatOp.Div, DoubleBit | ScalarBit),
        Mnemonic.Minps => (FloatOp.Min, 0), Mnemonic.Minpd => (FloatOp.Min, DoubleBit),
        Mnemonic.Minss => (FloatOp.Min, ScalarBit), Mnemonic.Minsd => (FloatOp.Min, DoubleBit | ScalarBit),
        Mnemonic.Maxps => (FloatOp.Max, 0), Mnemonic.Maxpd => (FloatOp.Max, DoubleBit),
        Mnemonic.Maxss => (FloatOp.Max, ScalarBit), Mnemonic.Maxsd => (FloatOp.Max, DoubleBit | ScalarBit),
        Mnemonic.Sqrtps => (FloatOp.Sqrt, 0), Mnemonic.Sqrtpd => (FloatOp.Sqrt, DoubleBit),
        Mnemonic.Sqrtss => (FloatOp.Sqrt, ScalarBit), Mnemonic.Sqrtsd => (FloatOp.Sqrt, DoubleBit | ScalarBit),
        _ => null,
    };
}

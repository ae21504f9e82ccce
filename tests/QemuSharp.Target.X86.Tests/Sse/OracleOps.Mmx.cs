using Iced.Intel;
using QemuSharp.Target.X86.Sse;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Tests.Sse;

internal static partial class OracleOps
{
    private static Instruction[] LoadMm0Mm1 =>
    [
        Instruction.Create(Code.Movq_mm_rm64, Register.MM0, Register.RAX),
        Instruction.Create(Code.Movq_mm_rm64, Register.MM1, Register.RCX),
    ];

    private static Instruction[] StoreMm0 =>
    [
        Instruction.Create(Code.Movq_rm64_mm, Register.RAX, Register.MM0),
        Instruction.Create(Code.Emms),
    ];

    private static IEnumerable<OracleOp> MmxOps() =>
    [
        MmxBinary(Code.Pshufb_mm_mmm64, Mmx.Pshufb),
        MmxImm(Code.Palignr_mm_mmm64_imm8, Mmx.Palignr),
        MmxImm(Code.Pshufw_mm_mmm64_imm8, (_, b, i) => Mmx.Pshufw(b, i)),
        MmxBinary(Code.Phaddw_mm_mmm64, (a, b) => Mmx.Horizontal(PackedInt.Phaddw, a, b)),
        MmxBinary(Code.Phaddd_mm_mmm64, (a, b) => Mmx.Horizontal(PackedInt.Phaddd, a, b)),
        MmxBinary(Code.Phaddsw_mm_mmm64, (a, b) => Mmx.Horizontal(PackedInt.Phaddsw, a, b)),
        MmxBinary(Code.Phsubw_mm_mmm64, (a, b) => Mmx.Horizontal(PackedInt.Phsubw, a, b)),
        MmxBinary(Code.Phsubd_mm_mmm64, (a, b) => Mmx.Horizontal(PackedInt.Phsubd, a, b)),
        MmxBinary(Code.Phsubsw_mm_mmm64, (a, b) => Mmx.Horizontal(PackedInt.Phsubsw, a, b)),
        MmxBinary(Code.Packsswb_mm_mmm64, (a, b) => Mmx.Pack(PackExtend.Packsswb, a, b)),
        MmxBinary(Code.Packuswb_mm_mmm64, (a, b) => Mmx.Pack(PackExtend.Packuswb, a, b)),
        MmxBinary(Code.Packssdw_mm_mmm64, (a, b) => Mmx.Pack(PackExtend.Packssdw, a, b)),
        MmxBinary(Code.Punpckhbw_mm_mmm64, (a, b) => Mmx.UnpackHigh(Shuffle.Punpcklbw, a, b)),
        MmxBinary(Code.Punpckhwd_mm_mmm64, (a, b) => Mmx.UnpackHigh(Shuffle.Punpcklwd, a, b)),
        MmxBinary(Code.Punpckhdq_mm_mmm64, (a, b) => Mmx.UnpackHigh(Shuffle.Punpckldq, a, b)),
        MmxBinary(Code.Paddsb_mm_mmm64, (a, b) => Mmx.ViaXmm(PackedInt.Paddsb, a, b)),
        MmxBinary(Code.Pavgb_mm_mmm64, (a, b) => Mmx.ViaXmm(PackedInt.Pavgb, a, b)),
        MmxBinary(Code.Psadbw_mm_mmm64, (a, b) => Mmx.ViaXmm(PackedInt.Psadbw, a, b)),
        MmxBinary(Code.Pmuludq_mm_mmm64, (a, b) => Mmx.ViaXmm(PackedInt.Pmuludq, a, b)),
        MmxBinary(Code.Pmaddubsw_mm_mmm64, (a, b) => Mmx.ViaXmm(PackedInt.Pmaddubsw, a, b)),
        MmxBinary(Code.Pmulhrsw_mm_mmm64, (a, b) => Mmx.ViaXmm(PackedInt.Pmulhrsw, a, b)),
        MmxBinary(Code.Psignw_mm_mmm64, (a, b) => Mmx.ViaXmm(PackedInt.Psignw, a, b)),
        MmxBinary(Code.Pabsb_mm_mmm64, (_, b) => Mmx.ViaXmm((_, y) => PackedInt.Pabsb(y), 0, b)),
        new(nameof(Code.Cvtpi2ps_xmm_mmm64), InputKind.Single, false, _ => Instruction.Create(Code.Cvtpi2ps_xmm_mmm64, Register.XMM1, Register.MM1), (s, _) =>
        {
            uint mxcsr = s.Mxcsr;
            Complete(s, FloatConvert.Cvtpi2ps(s.X1, s.Rcx, ref mxcsr, out Xmm r), () => s.X1 = r, mxcsr);
        })
        {
            Before = LoadMm0Mm1,
            After = [Instruction.Create(Code.Emms)],
        },
        new(nameof(Code.Cvtpi2pd_xmm_mmm64), InputKind.Integer, false, _ => Instruction.Create(Code.Cvtpi2pd_xmm_mmm64, Register.XMM1, Register.MM1),
            (s, _) => s.X1 = FloatConvert.Cvtpi2pd(s.Rcx))
        {
            Before = LoadMm0Mm1,
            After = [Instruction.Create(Code.Emms)],
        },
        FloatToMmx(Code.Cvtps2pi_mm_xmmm64, InputKind.Single, (Xmm b, ref uint m, out ulong mm) => FloatConvert.Cvtps2pi(b, false, ref m, out mm)),
        FloatToMmx(Code.Cvttps2pi_mm_xmmm64, InputKind.Single, (Xmm b, ref uint m, out ulong mm) => FloatConvert.Cvtps2pi(b, true, ref m, out mm)),
        FloatToMmx(Code.Cvtpd2pi_mm_xmmm128, InputKind.Double, (Xmm b, ref uint m, out ulong mm) => FloatConvert.Cvtpd2pi(b, false, ref m, out mm)),
        FloatToMmx(Code.Cvttpd2pi_mm_xmmm128, InputKind.Double, (Xmm b, ref uint m, out ulong mm) => FloatConvert.Cvtpd2pi(b, true, ref m, out mm)),
    ];

    private delegate bool ToMmx(Xmm b, ref uint mxcsr, out ulong mm);

    private static OracleOp MmxBinary(Code code, Func<ulong, ulong, ulong> f)
        => new(code.ToString(), InputKind.Integer, false, _ => Instruction.Create(code, Register.MM0, Register.MM1), (s, _) => s.Rax = f(s.Rax, s.Rcx))
        {
            Before = LoadMm0Mm1,
            After = StoreMm0,
        };

    private static OracleOp MmxImm(Code code, Func<ulong, ulong, byte, ulong> f)
        => new(code.ToString(), InputKind.Integer, true, i => Instruction.Create(code, Register.MM0, Register.MM1, i), (s, i) => s.Rax = f(s.Rax, s.Rcx, i))
        {
            Before = LoadMm0Mm1,
            After = StoreMm0,
        };

    private static OracleOp FloatToMmx(Code code, InputKind kind, ToMmx f)
        => new(code.ToString(), kind, false, _ => Instruction.Create(code, Register.MM0, Register.XMM2), (s, _) =>
        {
            uint mxcsr = s.Mxcsr;
            Complete(s, f(s.X2, ref mxcsr, out ulong mm), () => s.Rax = mm, mxcsr);
        })
        {
            Before = LoadMm0Mm1,
            After = StoreMm0,
        };

    private static void Complete(MachineState s, bool completed, Action write, uint mxcsr)
    {
        if (completed)
        {
            write();
        }
        else
        {
            s.Faulted = MachineState.SigFpe;
        }
        s.Mxcsr = mxcsr;
    }
}

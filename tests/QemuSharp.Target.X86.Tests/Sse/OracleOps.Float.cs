using Iced.Intel;
using QemuSharp.Target.X86.Sse;
using static QemuSharp.Target.X86.Tests.Sse.OracleOp;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Tests.Sse;

internal static partial class OracleOps
{
    private static IEnumerable<OracleOp> FloatOps()
    {
        (FloatOp Op, string Name)[] ops = [(FloatOp.Add, "Add"), (FloatOp.Sub, "Sub"), (FloatOp.Mul, "Mul"), (FloatOp.Div, "Div"), (FloatOp.Min, "Min"), (FloatOp.Max, "Max"), (FloatOp.Sqrt, "Sqrt")];
        foreach (var (op, name) in ops)
        {
            yield return Float(Enum.Parse<Code>($"{name}ps_xmm_xmmm128"), S, (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatArith.Ps(op, a, b, ref m, out r));
            yield return Float(Enum.Parse<Code>($"{name}pd_xmm_xmmm128"), D, (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatArith.Pd(op, a, b, ref m, out r));
            yield return Float(Enum.Parse<Code>($"{name}ss_xmm_xmmm32"), S, (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatArith.Ss(op, a, b, ref m, out r));
            yield return Float(Enum.Parse<Code>($"{name}sd_xmm_xmmm64"), D, (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatArith.Sd(op, a, b, ref m, out r));
        }
        yield return Float(Code.Haddps_xmm_xmmm128, S, (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatArith.Horizontal(false, false, a, b, ref m, out r));
        yield return Float(Code.Haddpd_xmm_xmmm128, D, (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatArith.Horizontal(true, false, a, b, ref m, out r));
        yield return Float(Code.Hsubps_xmm_xmmm128, S, (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatArith.Horizontal(false, true, a, b, ref m, out r));
        yield return Float(Code.Hsubpd_xmm_xmmm128, D, (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatArith.Horizontal(true, true, a, b, ref m, out r));
        yield return Float(Code.Addsubps_xmm_xmmm128, S, (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatArith.AddSub(false, a, b, ref m, out r));
        yield return Float(Code.Addsubpd_xmm_xmmm128, D, (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatArith.AddSub(true, a, b, ref m, out r));
        yield return FloatImm(Code.Dpps_xmm_xmmm128_imm8, S, i => (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatArith.DotProduct(false, a, b, i, ref m, out r));
        yield return FloatImm(Code.Dppd_xmm_xmmm128_imm8, D, i => (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatArith.DotProduct(true, a, b, i, ref m, out r));
        yield return FloatImm(Code.Cmpps_xmm_xmmm128_imm8, S, i => (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatCompare.Cmp(false, false, a, b, i, ref m, out r));
        yield return FloatImm(Code.Cmppd_xmm_xmmm128_imm8, D, i => (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatCompare.Cmp(true, false, a, b, i, ref m, out r));
        yield return FloatImm(Code.Cmpss_xmm_xmmm32_imm8, S, i => (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatCompare.Cmp(false, true, a, b, i, ref m, out r));
        yield return FloatImm(Code.Cmpsd_xmm_xmmm64_imm8, D, i => (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatCompare.Cmp(true, true, a, b, i, ref m, out r));
        yield return Comis(Code.Comiss_xmm_xmmm32, false, true);
        yield return Comis(Code.Ucomiss_xmm_xmmm32, false, false);
        yield return Comis(Code.Comisd_xmm_xmmm64, true, true);
        yield return Comis(Code.Ucomisd_xmm_xmmm64, true, false);
        yield return FloatImm(Code.Roundps_xmm_xmmm128_imm8, S, i => (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatConvert.Round(false, false, a, b, i, ref m, out r));
        yield return FloatImm(Code.Roundpd_xmm_xmmm128_imm8, D, i => (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatConvert.Round(true, false, a, b, i, ref m, out r));
        yield return FloatImm(Code.Roundss_xmm_xmmm32_imm8, S, i => (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatConvert.Round(false, true, a, b, i, ref m, out r));
        yield return FloatImm(Code.Roundsd_xmm_xmmm64_imm8, D, i => (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatConvert.Round(true, true, a, b, i, ref m, out r));
        yield return Approximation(Code.Rcpps_xmm_xmmm128, (_, b, m) => Reciprocal.Rcpps(b, m));
        yield return Approximation(Code.Rsqrtps_xmm_xmmm128, (_, b, m) => Reciprocal.Rsqrtps(b, m));
        yield return Approximation(Code.Rcpss_xmm_xmmm32, Reciprocal.Rcpss);
        yield return Approximation(Code.Rsqrtss_xmm_xmmm32, Reciprocal.Rsqrtss);
    }

    /// <summary>RCP/RSQRT: vendors' tables differ, so QEMU 7.2 (qemu-x86_64 running the runner) is the oracle.</summary>
    private static OracleOp Approximation(Code code, Func<Xmm, Xmm, uint, Xmm> f)
        => new(code.ToString(), S, false, _ => Instruction.Create(code, Register.XMM1, Register.XMM2), (s, _) => s.X1 = f(s.X1, s.X2, s.Mxcsr))
        {
            QemuIsOracle = true,
        };

    private static OracleOp Comis(Code code, bool isDouble, bool signaling)
        => new(code.ToString(), isDouble ? D : S, false, _ => Instruction.Create(code, Register.XMM1, Register.XMM2), (s, _) =>
        {
            uint mxcsr = s.Mxcsr;
            if (FloatCompare.Comis(isDouble, signaling, s.X1, s.X2, ref mxcsr, out uint flags))
            {
                s.Rflags = WithFlags(s.Rflags, flags);
            }
            else
            {
                s.Faulted = MachineState.SigFpe;
            }
            s.Mxcsr = mxcsr;
        });

    private static IEnumerable<OracleOp> ConvertOps() =>
    [
        Float(Code.Cvtdq2ps_xmm_xmmm128, I, (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatConvert.Cvtdq2ps(b, ref m, out r)),
        Unary(Code.Cvtdq2pd_xmm_xmmm64, I, FloatConvert.Cvtdq2pd),
        Float(Code.Cvtps2dq_xmm_xmmm128, S, (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatConvert.Cvtps2dq(b, false, ref m, out r)),
        Float(Code.Cvttps2dq_xmm_xmmm128, S, (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatConvert.Cvtps2dq(b, true, ref m, out r)),
        Float(Code.Cvtpd2dq_xmm_xmmm128, D, (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatConvert.Cvtpd2dq(b, false, ref m, out r)),
        Float(Code.Cvttpd2dq_xmm_xmmm128, D, (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatConvert.Cvtpd2dq(b, true, ref m, out r)),
        Float(Code.Cvtps2pd_xmm_xmmm64, S, (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatConvert.Cvtps2pd(b, ref m, out r)),
        Float(Code.Cvtpd2ps_xmm_xmmm128, D, (Xmm a, Xmm b, ref uint m, out Xmm r) => FloatConvert.Cvtpd2ps(b, ref m, out r)),
        Float(Code.Cvtss2sd_xmm_xmmm32, S, FloatConvert.Cvtss2sd),
        Float(Code.Cvtsd2ss_xmm_xmmm64, D, FloatConvert.Cvtsd2ss),
        IntToFloat(Code.Cvtsi2ss_xmm_rm32, Register.EAX, false), IntToFloat(Code.Cvtsi2ss_xmm_rm64, Register.RAX, false),
        IntToFloat(Code.Cvtsi2sd_xmm_rm32, Register.EAX, true), IntToFloat(Code.Cvtsi2sd_xmm_rm64, Register.RAX, true),
        FloatToInt(Code.Cvtss2si_r32_xmmm32, false, false, false), FloatToInt(Code.Cvtss2si_r64_xmmm32, false, false, true),
        FloatToInt(Code.Cvttss2si_r32_xmmm32, false, true, false), FloatToInt(Code.Cvttss2si_r64_xmmm32, false, true, true),
        FloatToInt(Code.Cvtsd2si_r32_xmmm64, true, false, false), FloatToInt(Code.Cvtsd2si_r64_xmmm64, true, false, true),
        FloatToInt(Code.Cvttsd2si_r32_xmmm64, true, true, false), FloatToInt(Code.Cvttsd2si_r64_xmmm64, true, true, true),
    ];

    private static OracleOp IntToFloat(Code code, Register source, bool isDouble)
        => new(code.ToString(), isDouble ? D : S, false, _ => Instruction.Create(code, Register.XMM1, source), (s, _) =>
        {
            uint mxcsr = s.Mxcsr;
            long value = source == Register.EAX ? (int)s.Rax : (long)s.Rax;
            if (FloatConvert.IntToScalar(isDouble, s.X1, value, ref mxcsr, out Xmm r))
            {
                s.X1 = r;
            }
            else
            {
                s.Faulted = MachineState.SigFpe;
            }
            s.Mxcsr = mxcsr;
        });

    private static OracleOp FloatToInt(Code code, bool isDouble, bool truncate, bool is64)
        => new(code.ToString(), isDouble ? D : S, false, _ => Instruction.Create(code, is64 ? Register.RAX : Register.EAX, Register.XMM2), (s, _) =>
        {
            uint mxcsr = s.Mxcsr;
            if (FloatConvert.ScalarToInt(isDouble, s.X2, truncate, is64, ref mxcsr, out long value))
            {
                s.Rax = is64 ? (ulong)value : (uint)value;
            }
            else
            {
                s.Faulted = MachineState.SigFpe;
            }
            s.Mxcsr = mxcsr;
        });
}

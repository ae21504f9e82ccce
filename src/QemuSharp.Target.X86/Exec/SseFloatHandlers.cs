using System.Runtime.CompilerServices;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Sse;
using QemuSharp.Target.X86.Translate;
using static QemuSharp.Target.X86.Exec.Operands;
using static QemuSharp.Target.X86.Exec.SseHandlers;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Exec;

/// <summary>
/// SSE floating-point instructions under MXCSR. Each computes with a copy of MXCSR, stores it back
/// (its flags are sticky even when the instruction faults), and on an unmasked exception raises
/// #XM without writing the destination. <see cref="Op.Reg2"/> bit 0 selects double precision,
/// bit 1 the scalar form (or truncation, or subtraction, as each handler says).
/// </summary>
public static unsafe class SseFloatHandlers
{
    public const byte DoubleBit = 1, ScalarBit = 2;

    /// <summary>
    /// An unmasked SIMD floating-point exception. With CR4.OSXMMEXCPT clear it is #UD instead; user
    /// mode (Linux sets the bit) and every system mode so far have it set.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static GuestFault SimdException(X86Cpu c) => c.Fault.Set(Vector.XM);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(X86Cpu c, bool completed, uint mxcsr)
    {
        c.Mxcsr = mxcsr;
        if (!completed)
            throw SimdException(c);
    }

    private static bool IsDouble(ref Op op) => (op.Reg2 & DoubleBit) != 0;

    private static bool Flag2(ref Op op) => (op.Reg2 & ScalarBit) != 0;

    /// <summary>ADD/SUB/MUL/DIV/MIN/MAX/SQRT PS/PD/SS/SD: Fn is FloatArith.Ps/Pd/Ss/Sd, Imm the FloatOp.</summary>
    public static void Arith(X86Cpu c, ref Op op)
    {
        var src = Src(c, ref op);
        uint m = c.Mxcsr;
        bool ok = ((delegate*<FloatOp, Xmm, Xmm, ref uint, out Xmm, bool>)op.Fn)((FloatOp)op.Imm, X(c, op.Reg0), src, ref m, out Xmm r);
        Finish(c, ok, m);
        SetX(c, op.Reg0, r);
    }

    /// <summary>CMPPS/PD/SS/SD and ROUNDPS/PD/SS/SD: Fn(double, scalar, dest, src, imm8).</summary>
    public static void CompareOrRound(X86Cpu c, ref Op op)
    {
        var src = Src(c, ref op);
        uint m = c.Mxcsr;
        bool ok = ((delegate*<bool, bool, Xmm, Xmm, byte, ref uint, out Xmm, bool>)op.Fn)(IsDouble(ref op), Flag2(ref op), X(c, op.Reg0), src, (byte)op.Imm, ref m, out Xmm r);
        Finish(c, ok, m);
        SetX(c, op.Reg0, r);
    }

    /// <summary>HADDPS/PD, HSUBPS/PD (bit 1: subtract).</summary>
    public static void Horizontal(X86Cpu c, ref Op op)
    {
        var src = Src(c, ref op);
        uint m = c.Mxcsr;
        bool ok = FloatArith.Horizontal(IsDouble(ref op), Flag2(ref op), X(c, op.Reg0), src, ref m, out Xmm r);
        Finish(c, ok, m);
        SetX(c, op.Reg0, r);
    }

    public static void AddSub(X86Cpu c, ref Op op)
    {
        var src = Src(c, ref op);
        uint m = c.Mxcsr;
        bool ok = FloatArith.AddSub(IsDouble(ref op), X(c, op.Reg0), src, ref m, out Xmm r);
        Finish(c, ok, m);
        SetX(c, op.Reg0, r);
    }

    public static void DotProduct(X86Cpu c, ref Op op)
    {
        var src = Src(c, ref op);
        uint m = c.Mxcsr;
        bool ok = FloatArith.DotProduct(IsDouble(ref op), X(c, op.Reg0), src, (byte)op.Imm, ref m, out Xmm r);
        Finish(c, ok, m);
        SetX(c, op.Reg0, r);
    }

    /// <summary>COMISS/COMISD and UCOMISS/UCOMISD (bit 1: signaling): ZF, PF, CF from the order; OF, SF, AF cleared.</summary>
    public static void Comis(X86Cpu c, ref Op op)
    {
        var src = Src(c, ref op);
        uint m = c.Mxcsr;
        bool ok = FloatCompare.Comis(IsDouble(ref op), Flag2(ref op), X(c, op.Reg0), src, ref m, out uint flags);
        Finish(c, ok, m);
        c.SetStatusFlags(flags);
    }

    /// <summary>CVTSS2SD, CVTSD2SS: Fn(dest, src).</summary>
    public static void ConvertScalar(X86Cpu c, ref Op op)
    {
        var src = Src(c, ref op);
        uint m = c.Mxcsr;
        bool ok = ((delegate*<Xmm, Xmm, ref uint, out Xmm, bool>)op.Fn)(X(c, op.Reg0), src, ref m, out Xmm r);
        Finish(c, ok, m);
        SetX(c, op.Reg0, r);
    }

    /// <summary>CVTDQ2PS, CVTPS2PD, CVTPD2PS: Fn(src).</summary>
    public static void ConvertPacked(X86Cpu c, ref Op op)
    {
        var src = Src(c, ref op);
        uint m = c.Mxcsr;
        bool ok = ((delegate*<Xmm, ref uint, out Xmm, bool>)op.Fn)(src, ref m, out Xmm r);
        Finish(c, ok, m);
        SetX(c, op.Reg0, r);
    }

    /// <summary>CVT(T)PS2DQ, CVT(T)PD2DQ (bit 1: truncate): Fn(src, truncate).</summary>
    public static void ConvertToInt32s(X86Cpu c, ref Op op)
    {
        var src = Src(c, ref op);
        uint m = c.Mxcsr;
        bool ok = ((delegate*<Xmm, bool, ref uint, out Xmm, bool>)op.Fn)(src, Flag2(ref op), ref m, out Xmm r);
        Finish(c, ok, m);
        SetX(c, op.Reg0, r);
    }

    /// <summary>CVTSI2SS/CVTSI2SD xmm, r/m32 or r/m64 (Cond = source bytes).</summary>
    public static void IntToScalar(X86Cpu c, ref Op op)
    {
        ulong raw = op.Kind1 == OperandKind.Gpr ? GetReg(c, op.Reg1, op.Cond) : c.Read(Ea(c, ref op), op.Cond);
        long value = op.Cond == 8 ? (long)raw : (int)raw;
        uint m = c.Mxcsr;
        bool ok = FloatConvert.IntToScalar(IsDouble(ref op), X(c, op.Reg0), value, ref m, out Xmm r);
        Finish(c, ok, m);
        SetX(c, op.Reg0, r);
    }

    /// <summary>CVT(T)SS2SI/CVT(T)SD2SI r32/r64 (bit 1: truncate).</summary>
    public static void ScalarToInt(X86Cpu c, ref Op op)
    {
        var src = Src(c, ref op);
        uint m = c.Mxcsr;
        bool ok = FloatConvert.ScalarToInt(IsDouble(ref op), src, Flag2(ref op), op.Size == 8, ref m, out long v);
        Finish(c, ok, m);
        SetReg(c, op.Reg0, op.Size, (ulong)v);
    }

    /// <summary>RCPPS/RSQRTPS (Fn(src, mxcsr)); no flags, no exceptions.</summary>
    public static void ReciprocalPacked(X86Cpu c, ref Op op) =>
        SetX(c, op.Reg0, ((delegate*<Xmm, uint, Xmm>)op.Fn)(Src(c, ref op), c.Mxcsr));

    /// <summary>RCPSS/RSQRTSS (Fn(dest, src, mxcsr)).</summary>
    public static void ReciprocalScalar(X86Cpu c, ref Op op)
    {
        var src = Src(c, ref op);
        SetX(c, op.Reg0, ((delegate*<Xmm, Xmm, uint, Xmm>)op.Fn)(X(c, op.Reg0), src, c.Mxcsr));
    }

    /// <summary>CVTPI2PS xmm, mm/m64: a register source switches the x87 unit to MMX mode, a memory source does not.</summary>
    public static void Cvtpi2ps(X86Cpu c, ref Op op)
    {
        ulong v = MmxSource(c, ref op);
        uint m = c.Mxcsr;
        bool ok = FloatConvert.Cvtpi2ps(X(c, op.Reg0), v, ref m, out Xmm r);
        Finish(c, ok, m);
        SetX(c, op.Reg0, r);
    }

    public static void Cvtpi2pd(X86Cpu c, ref Op op) => SetX(c, op.Reg0, FloatConvert.Cvtpi2pd(MmxSource(c, ref op)));

    /// <summary>CVT(T)PS2PI, CVT(T)PD2PI mm, xmm/m (bit 1: truncate): Fn(src, truncate).</summary>
    public static void ConvertToMmx(X86Cpu c, ref Op op)
    {
        var src = Src(c, ref op);
        MmxHandlers.Enter(c);
        uint m = c.Mxcsr;
        bool ok = ((delegate*<Xmm, bool, ref uint, out ulong, bool>)op.Fn)(src, Flag2(ref op), ref m, out ulong r);
        Finish(c, ok, m);
        MmxHandlers.SetMm(c, op.Reg0, r);
    }

    private static ulong MmxSource(X86Cpu c, ref Op op)
    {
        if (op.Kind1 == OperandKind.Memory)
            return c.Read64(Ea(c, ref op));
        MmxHandlers.Enter(c);
        return MmxHandlers.Mm(c, op.Reg1);
    }
}

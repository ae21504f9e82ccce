using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Sse;

/// <summary>The element operation of ADD/SUB/MUL/DIV/MIN/MAX/SQRT PS/PD/SS/SD.</summary>
public enum FloatOp
{
    Add,
    Sub,
    Mul,
    Div,
    Min,
    Max,
    Sqrt,
}

/// <summary>
/// SSE/SSE2/SSE3/SSE4.1 floating-point arithmetic, exact under every MXCSR setting. Each method takes
/// DEST's old value (a) and the source (b), obeys MXCSR's rounding, DAZ, FTZ and masks, and merges the
/// raised exception flags into it. A false return means an unmasked exception: the caller raises #XM
/// (or #UD if CR4.OSXMMEXCPT is clear) and leaves DEST unchanged; MXCSR's flags are already updated.
/// </summary>
public static class FloatArith
{
    /// <summary>xxxPS: four singles.</summary>
    public static bool Ps(FloatOp op, Xmm a, Xmm b, ref uint mxcsr, out Xmm result) => Run(op, false, false, a, b, ref mxcsr, out result);

    /// <summary>xxxPD: two doubles.</summary>
    public static bool Pd(FloatOp op, Xmm a, Xmm b, ref uint mxcsr, out Xmm result) => Run(op, true, false, a, b, ref mxcsr, out result);

    /// <summary>xxxSS: the low single; the upper 96 bits come from DEST.</summary>
    public static bool Ss(FloatOp op, Xmm a, Xmm b, ref uint mxcsr, out Xmm result) => Run(op, false, true, a, b, ref mxcsr, out result);

    /// <summary>xxxSD: the low double; the upper 64 bits come from DEST.</summary>
    public static bool Sd(FloatOp op, Xmm a, Xmm b, ref uint mxcsr, out Xmm result) => Run(op, true, true, a, b, ref mxcsr, out result);

    private static bool Run(FloatOp op, bool isDouble, bool scalar, Xmm a, Xmm b, ref uint mxcsr, out Xmm result)
    {
        ref readonly FloatFormat f = ref FloatLanes.Format(isDouble);
        var env = new FpEnv(mxcsr);
        result = a;
        int n = FloatLanes.Count(isDouble, scalar);
        for (int i = 0; i < n; i++)
        {
            ulong x = FloatLanes.Get(a, isDouble, i), y = FloatLanes.Get(b, isDouble, i);
            FloatLanes.Set(ref result, isDouble, i, Apply(op, f, x, y, ref env));
        }
        return Mxcsr.Commit(ref mxcsr, env.Flags);
    }

    internal static ulong Apply(FloatOp op, in FloatFormat f, ulong x, ulong y, ref FpEnv env)
        => HostFloat.TryApply(op, f, x, y, ref env, out ulong result) ? result : ApplySoftware(op, f, x, y, ref env);

    internal static ulong ApplySoftware(FloatOp op, in FloatFormat f, ulong x, ulong y, ref FpEnv env) => op switch
    {
        FloatOp.Add => SoftFloat.Add(f, x, y, ref env),
        FloatOp.Sub => SoftFloat.Sub(f, x, y, ref env),
        FloatOp.Mul => SoftFloat.Mul(f, x, y, ref env),
        FloatOp.Div => SoftFloat.Div(f, x, y, ref env),
        FloatOp.Min => FloatCompare.Min(f, x, y, ref env),
        FloatOp.Max => FloatCompare.Max(f, x, y, ref env),
        _ => SoftFloat.Sqrt(f, y, ref env),
    };

    /// <summary>HADDPS/HADDPD (subtract false) and HSUBPS/HSUBPD (subtract true).</summary>
    public static bool Horizontal(bool isDouble, bool subtract, Xmm a, Xmm b, ref uint mxcsr, out Xmm result)
    {
        ref readonly FloatFormat f = ref FloatLanes.Format(isDouble);
        var env = new FpEnv(mxcsr);
        FloatOp op = subtract ? FloatOp.Sub : FloatOp.Add;
        int half = isDouble ? 1 : 2;
        result = default;
        for (int i = 0; i < half; i++)
        {
            ulong r0 = Apply(op, f, FloatLanes.Get(a, isDouble, 2 * i), FloatLanes.Get(a, isDouble, 2 * i + 1), ref env);
            FloatLanes.Set(ref result, isDouble, i, r0);
        }
        for (int i = 0; i < half; i++)
        {
            ulong r1 = Apply(op, f, FloatLanes.Get(b, isDouble, 2 * i), FloatLanes.Get(b, isDouble, 2 * i + 1), ref env);
            FloatLanes.Set(ref result, isDouble, half + i, r1);
        }
        return Mxcsr.Commit(ref mxcsr, env.Flags);
    }

    /// <summary>ADDSUBPS/ADDSUBPD: even elements subtract, odd elements add.</summary>
    public static bool AddSub(bool isDouble, Xmm a, Xmm b, ref uint mxcsr, out Xmm result)
    {
        ref readonly FloatFormat f = ref FloatLanes.Format(isDouble);
        var env = new FpEnv(mxcsr);
        result = default;
        int n = FloatLanes.Count(isDouble, false);
        for (int i = 0; i < n; i++)
        {
            FloatOp op = (i & 1) == 0 ? FloatOp.Sub : FloatOp.Add;
            FloatLanes.Set(ref result, isDouble, i, Apply(op, f, FloatLanes.Get(a, isDouble, i), FloatLanes.Get(b, isDouble, i), ref env));
        }
        return Mxcsr.Commit(ref mxcsr, env.Flags);
    }

    /// <summary>
    /// DPPS/DPPD: imm8[7:4] (DPPD: [5:4]) selects the products summed, each step rounded as Intel's
    /// pseudo-code orders it; imm8[3:0] (DPPD: [1:0]) selects the elements that receive the sum.
    /// The multiplications, then each level of additions, are separate steps: an unmasked exception
    /// in one step ends the instruction before the next, whose operands may be denormal products.
    /// </summary>
    public static bool DotProduct(bool isDouble, Xmm a, Xmm b, byte imm, ref uint mxcsr, out Xmm result)
    {
        ref readonly FloatFormat f = ref FloatLanes.Format(isDouble);
        int n = FloatLanes.Count(isDouble, false);
        result = default;
        Span<ulong> products = stackalloc ulong[4];
        var env = new FpEnv(mxcsr);
        for (int i = 0; i < n; i++)
        {
            products[i] = (imm & (0x10 << i)) != 0
                ? SoftFloat.Mul(f, FloatLanes.Get(a, isDouble, i), FloatLanes.Get(b, isDouble, i), ref env)
                : 0;
        }
        if (!Mxcsr.Commit(ref mxcsr, env.Flags))
        {
            return false;
        }
        env = new FpEnv(mxcsr);
        ulong sum = SoftFloat.Add(f, products[0], products[1], ref env);
        if (!isDouble)
        {
            ulong upper = SoftFloat.Add(f, products[2], products[3], ref env);
            if (!Mxcsr.Commit(ref mxcsr, env.Flags))
            {
                return false;
            }
            env = new FpEnv(mxcsr);
            sum = SoftFloat.Add(f, sum, upper, ref env);
        }
        if (!Mxcsr.Commit(ref mxcsr, env.Flags))
        {
            return false;
        }
        for (int i = 0; i < n; i++)
        {
            FloatLanes.Set(ref result, isDouble, i, (imm & (1 << i)) != 0 ? sum : 0);
        }
        return true;
    }
}

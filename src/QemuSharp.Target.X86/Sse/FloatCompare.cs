using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Sse;

/// <summary>MIN/MAX, CMPPS/PD/SS/SD predicates 0-7 and COMISS/UCOMISS/COMISD/UCOMISD.</summary>
public static class FloatCompare
{
    private const int Unordered = 2;

    /// <summary>MIN: any NaN operand, or two zeros, return the second (source) operand; NaNs raise invalid.</summary>
    internal static ulong Min(in FloatFormat f, ulong a, ulong b, ref FpEnv env) => Select(f, a, b, ref env, less: true);

    internal static ulong Max(in FloatFormat f, ulong a, ulong b, ref FpEnv env) => Select(f, a, b, ref env, less: false);

    private static ulong Select(in FloatFormat f, ulong a, ulong b, ref FpEnv env, bool less)
    {
        if (f.IsNaN(a) || f.IsNaN(b))
        {
            env.Flags |= Mxcsr.InvalidFlag;
            return env.Daz && f.IsDenormal(b) ? b & f.SignBit : b;
        }
        a = SoftFloat.Operand(f, a, ref env);
        b = SoftFloat.Operand(f, b, ref env);
        int order = Order(f, a, b);
        return (less ? order < 0 : order > 0) ? a : b;
    }

    /// <summary>-1, 0 or 1 for two non-NaN values (zeros of either sign are equal).</summary>
    private static int Order(in FloatFormat f, ulong a, ulong b)
    {
        if (f.IsZero(a) && f.IsZero(b))
        {
            return 0;
        }
        long ka = f.Sign(a) ? -(long)(a & ~f.SignBit) : (long)a;
        long kb = f.Sign(b) ? -(long)(b & ~f.SignBit) : (long)b;
        return ka.CompareTo(kb);
    }

    /// <summary>Orders two values: -1, 0, 1 or 2 (unordered), raising invalid and denormal as x86 does.</summary>
    internal static int Compare(in FloatFormat f, ulong a, ulong b, bool signaling, ref FpEnv env)
    {
        if (f.IsNaN(a) || f.IsNaN(b))
        {
            if (signaling || f.IsSignalingNaN(a) || f.IsSignalingNaN(b))
            {
                env.Flags |= Mxcsr.InvalidFlag;
            }
            return Unordered;
        }
        a = SoftFloat.Operand(f, a, ref env);
        b = SoftFloat.Operand(f, b, ref env);
        return Order(f, a, b);
    }

    /// <summary>CMPPS/CMPPD/CMPSS/CMPSD: imm8[2:0] is EQ, LT, LE, UNORD, NEQ, NLT, NLE, ORD; LT, LE, NLT and NLE signal on QNaN.</summary>
    public static bool Cmp(bool isDouble, bool scalar, Xmm a, Xmm b, byte imm, ref uint mxcsr, out Xmm result)
    {
        ref readonly FloatFormat f = ref FloatLanes.Format(isDouble);
        var env = new FpEnv(mxcsr);
        int predicate = imm & 7;
        bool signaling = (predicate & 3) is 1 or 2;
        result = a;
        int n = FloatLanes.Count(isDouble, scalar);
        for (int i = 0; i < n; i++)
        {
            int order = Compare(f, FloatLanes.Get(a, isDouble, i), FloatLanes.Get(b, isDouble, i), signaling, ref env);
            bool truth = (predicate & 3) switch
            {
                0 => order == 0,
                1 => order == -1,
                2 => order is -1 or 0,
                _ => order == Unordered,
            };
            if (predicate >= 4)
            {
                truth = !truth;
            }
            FloatLanes.Set(ref result, isDouble, i, truth ? ulong.MaxValue : 0);
        }
        return Mxcsr.Commit(ref mxcsr, env.Flags);
    }

    /// <summary>
    /// COMISS/COMISD (signaling: invalid on any NaN) and UCOMISS/UCOMISD (invalid on SNaN only).
    /// eflags receives ZF, PF and CF (unordered 111, less 001, equal 100, greater 000); the caller
    /// clears OF, SF and AF and writes the three, unless the method returns false (#XM).
    /// </summary>
    public static bool Comis(bool isDouble, bool signaling, Xmm a, Xmm b, ref uint mxcsr, out uint eflags)
    {
        ref readonly FloatFormat f = ref FloatLanes.Format(isDouble);
        var env = new FpEnv(mxcsr);
        int order = Compare(f, FloatLanes.Get(a, isDouble, 0), FloatLanes.Get(b, isDouble, 0), signaling, ref env);
        eflags = order switch
        {
            Unordered => SseEflags.ZF | SseEflags.PF | SseEflags.CF,
            -1 => SseEflags.CF,
            0 => SseEflags.ZF,
            _ => 0,
        };
        return Mxcsr.Commit(ref mxcsr, env.Flags);
    }
}

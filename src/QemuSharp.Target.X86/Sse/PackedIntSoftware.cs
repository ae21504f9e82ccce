using System.Runtime.CompilerServices;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Sse;

/// <summary>The exact software forms of the packed integer operations that have a host intrinsic.</summary>
internal static class PackedIntSoftware
{
    private interface IBinary<T> where T : struct
    {
        static abstract T Apply(T a, T b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Xmm Map<T, TOp>(Xmm a, Xmm b) where T : struct where TOp : IBinary<T>
    {
        Xmm r = default;
        int n = 16 / Unsafe.SizeOf<T>();
        for (int i = 0; i < n; i++)
        {
            Lanes.At<T>(ref r, i) = TOp.Apply(Lanes.Get<T>(a, i), Lanes.Get<T>(b, i));
        }
        return r;
    }

    public static Xmm Paddsb(Xmm a, Xmm b) => Map<sbyte, AddSatS8>(a, b);

    public static Xmm Paddsw(Xmm a, Xmm b) => Map<short, AddSatS16>(a, b);

    public static Xmm Paddusb(Xmm a, Xmm b) => Map<byte, AddSatU8>(a, b);

    public static Xmm Paddusw(Xmm a, Xmm b) => Map<ushort, AddSatU16>(a, b);

    public static Xmm Psubsb(Xmm a, Xmm b) => Map<sbyte, SubSatS8>(a, b);

    public static Xmm Psubsw(Xmm a, Xmm b) => Map<short, SubSatS16>(a, b);

    public static Xmm Psubusb(Xmm a, Xmm b) => Map<byte, SubSatU8>(a, b);

    public static Xmm Psubusw(Xmm a, Xmm b) => Map<ushort, SubSatU16>(a, b);

    public static Xmm Pmulhw(Xmm a, Xmm b) => Map<short, MulHighS16>(a, b);

    public static Xmm Pmulhuw(Xmm a, Xmm b) => Map<ushort, MulHighU16>(a, b);

    public static Xmm Pmulhrsw(Xmm a, Xmm b) => Map<short, MulHighRoundS16>(a, b);

    public static Xmm Pmuludq(Xmm a, Xmm b)
    {
        Xmm r = default;
        Lanes.At<ulong>(ref r, 0) = (ulong)Lanes.Get<uint>(a, 0) * Lanes.Get<uint>(b, 0);
        Lanes.At<ulong>(ref r, 1) = (ulong)Lanes.Get<uint>(a, 2) * Lanes.Get<uint>(b, 2);
        return r;
    }

    public static Xmm Pmuldq(Xmm a, Xmm b)
    {
        Xmm r = default;
        Lanes.At<long>(ref r, 0) = (long)Lanes.Get<int>(a, 0) * Lanes.Get<int>(b, 0);
        Lanes.At<long>(ref r, 1) = (long)Lanes.Get<int>(a, 2) * Lanes.Get<int>(b, 2);
        return r;
    }

    public static Xmm Pmaddwd(Xmm a, Xmm b)
    {
        Xmm r = default;
        for (int i = 0; i < 4; i++)
        {
            int lo = Lanes.Get<short>(a, 2 * i) * Lanes.Get<short>(b, 2 * i);
            int hi = Lanes.Get<short>(a, 2 * i + 1) * Lanes.Get<short>(b, 2 * i + 1);
            Lanes.At<int>(ref r, i) = unchecked(lo + hi);
        }
        return r;
    }

    public static Xmm Pmaddubsw(Xmm a, Xmm b)
    {
        Xmm r = default;
        for (int i = 0; i < 8; i++)
        {
            int lo = Lanes.Get<byte>(a, 2 * i) * Lanes.Get<sbyte>(b, 2 * i);
            int hi = Lanes.Get<byte>(a, 2 * i + 1) * Lanes.Get<sbyte>(b, 2 * i + 1);
            Lanes.At<short>(ref r, i) = Lanes.SatS16(lo + hi);
        }
        return r;
    }

    public static Xmm Pavgb(Xmm a, Xmm b) => Map<byte, AvgU8>(a, b);

    public static Xmm Pavgw(Xmm a, Xmm b) => Map<ushort, AvgU16>(a, b);

    public static Xmm Psignb(Xmm a, Xmm b) => Map<sbyte, SignS8>(a, b);

    public static Xmm Psignw(Xmm a, Xmm b) => Map<short, SignS16>(a, b);

    public static Xmm Psignd(Xmm a, Xmm b) => Map<int, SignS32>(a, b);

    public static Xmm Psadbw(Xmm a, Xmm b)
    {
        Xmm r = default;
        for (int half = 0; half < 2; half++)
        {
            int sum = 0;
            for (int i = 0; i < 8; i++)
            {
                sum += Math.Abs(Lanes.Get<byte>(a, 8 * half + i) - Lanes.Get<byte>(b, 8 * half + i));
            }
            Lanes.At<ulong>(ref r, half) = (ulong)sum;
        }
        return r;
    }

    public static Xmm Phminposuw(Xmm b)
    {
        int best = 0;
        for (int i = 1; i < 8; i++)
        {
            if (Lanes.Get<ushort>(b, i) < Lanes.Get<ushort>(b, best))
            {
                best = i;
            }
        }
        Xmm r = default;
        Lanes.At<ushort>(ref r, 0) = Lanes.Get<ushort>(b, best);
        Lanes.At<ushort>(ref r, 1) = (ushort)best;
        return r;
    }

    public static Xmm Phaddw(Xmm a, Xmm b) => Horizontal<short>(a, b, static (x, y) => (short)(x + y));

    public static Xmm Phaddd(Xmm a, Xmm b) => Horizontal<int>(a, b, static (x, y) => unchecked(x + y));

    public static Xmm Phaddsw(Xmm a, Xmm b) => Horizontal<short>(a, b, static (x, y) => Lanes.SatS16(x + y));

    public static Xmm Phsubw(Xmm a, Xmm b) => Horizontal<short>(a, b, static (x, y) => (short)(x - y));

    public static Xmm Phsubd(Xmm a, Xmm b) => Horizontal<int>(a, b, static (x, y) => unchecked(x - y));

    public static Xmm Phsubsw(Xmm a, Xmm b) => Horizontal<short>(a, b, static (x, y) => Lanes.SatS16(x - y));

    private static Xmm Horizontal<T>(Xmm a, Xmm b, Func<T, T, T> op) where T : struct
    {
        int n = 16 / Unsafe.SizeOf<T>();
        int half = n / 2;
        Xmm r = default;
        for (int i = 0; i < half; i++)
        {
            Lanes.At<T>(ref r, i) = op(Lanes.Get<T>(a, 2 * i), Lanes.Get<T>(a, 2 * i + 1));
            Lanes.At<T>(ref r, half + i) = op(Lanes.Get<T>(b, 2 * i), Lanes.Get<T>(b, 2 * i + 1));
        }
        return r;
    }

    private readonly struct AddSatS8 : IBinary<sbyte> { public static sbyte Apply(sbyte a, sbyte b) => Lanes.SatS8(a + b); }
    private readonly struct AddSatS16 : IBinary<short> { public static short Apply(short a, short b) => Lanes.SatS16(a + b); }
    private readonly struct AddSatU8 : IBinary<byte> { public static byte Apply(byte a, byte b) => Lanes.SatU8(a + b); }
    private readonly struct AddSatU16 : IBinary<ushort> { public static ushort Apply(ushort a, ushort b) => Lanes.SatU16(a + b); }
    private readonly struct SubSatS8 : IBinary<sbyte> { public static sbyte Apply(sbyte a, sbyte b) => Lanes.SatS8(a - b); }
    private readonly struct SubSatS16 : IBinary<short> { public static short Apply(short a, short b) => Lanes.SatS16(a - b); }
    private readonly struct SubSatU8 : IBinary<byte> { public static byte Apply(byte a, byte b) => Lanes.SatU8(a - b); }
    private readonly struct SubSatU16 : IBinary<ushort> { public static ushort Apply(ushort a, ushort b) => Lanes.SatU16(a - b); }
    private readonly struct MulHighS16 : IBinary<short> { public static short Apply(short a, short b) => (short)((a * b) >> 16); }
    private readonly struct MulHighU16 : IBinary<ushort> { public static ushort Apply(ushort a, ushort b) => (ushort)((a * b) >> 16); }
    private readonly struct MulHighRoundS16 : IBinary<short> { public static short Apply(short a, short b) => (short)((((a * b) >> 14) + 1) >> 1); }
    private readonly struct AvgU8 : IBinary<byte> { public static byte Apply(byte a, byte b) => (byte)((a + b + 1) >> 1); }
    private readonly struct AvgU16 : IBinary<ushort> { public static ushort Apply(ushort a, ushort b) => (ushort)((a + b + 1) >> 1); }
    private readonly struct SignS8 : IBinary<sbyte> { public static sbyte Apply(sbyte a, sbyte b) => b < 0 ? (sbyte)-a : b == 0 ? (sbyte)0 : a; }
    private readonly struct SignS16 : IBinary<short> { public static short Apply(short a, short b) => b < 0 ? (short)-a : b == 0 ? (short)0 : a; }
    private readonly struct SignS32 : IBinary<int> { public static int Apply(int a, int b) => b < 0 ? unchecked(-a) : b == 0 ? 0 : a; }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

[assembly: InternalsVisibleTo("QemuSharp.Target.X86.Tests")]

namespace QemuSharp.Target.X86.Sse;

/// <summary>Element access into a 128-bit register value held in a local.</summary>
internal static class Lanes
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref T At<T>(ref Vector128<byte> v, int index) where T : struct
        => ref Unsafe.Add(ref Unsafe.As<Vector128<byte>, T>(ref v), index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Get<T>(Vector128<byte> v, int index) where T : struct
        => Unsafe.Add(ref Unsafe.As<Vector128<byte>, T>(ref v), index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static sbyte SatS8(int x) => (sbyte)Math.Clamp(x, sbyte.MinValue, sbyte.MaxValue);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte SatU8(int x) => (byte)Math.Clamp(x, 0, byte.MaxValue);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short SatS16(int x) => (short)Math.Clamp(x, short.MinValue, short.MaxValue);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort SatU16(int x) => (ushort)Math.Clamp(x, 0, ushort.MaxValue);
}

using System.Runtime.CompilerServices;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Sse;

/// <summary>Reads and writes floating-point elements of a register as raw bits.</summary>
internal static class FloatLanes
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Get(Xmm v, bool isDouble, int i) => isDouble ? Lanes.Get<ulong>(v, i) : Lanes.Get<uint>(v, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Set(ref Xmm v, bool isDouble, int i, ulong bits)
    {
        if (isDouble)
        {
            Lanes.At<ulong>(ref v, i) = bits;
        }
        else
        {
            Lanes.At<uint>(ref v, i) = (uint)bits;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref readonly FloatFormat Format(bool isDouble) => ref isDouble ? ref FloatFormat.Double : ref FloatFormat.Single;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Count(bool isDouble, bool scalar) => scalar ? 1 : isDouble ? 2 : 4;
}

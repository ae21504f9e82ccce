using System.Runtime.CompilerServices;

namespace QemuSharp.Target.X86.Exec;

/// <summary>Host atomics on guest memory, for LOCK-prefixed instructions and XCHG with memory.</summary>
public static unsafe class Atomic
{
    /// <summary>Serializes locked accesses that cross a page, which no host atomic can cover.</summary>
    public static readonly Lock SplitLock = new();

    public static ulong Load(byte* p, int size) => size switch
    {
        1 => Volatile.Read(ref *p),
        2 => Volatile.Read(ref *(ushort*)p),
        4 => Volatile.Read(ref *(uint*)p),
        _ => Volatile.Read(ref *(ulong*)p),
    };

    /// <summary>Compare-and-swap of <paramref name="size"/> bytes; returns the value found.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong CompareExchange(byte* p, int size, ulong value, ulong comparand) => size switch
    {
        1 => Interlocked.CompareExchange(ref *p, (byte)value, (byte)comparand),
        2 => Interlocked.CompareExchange(ref *(ushort*)p, (ushort)value, (ushort)comparand),
        4 => Interlocked.CompareExchange(ref *(uint*)p, (uint)value, (uint)comparand),
        _ => Interlocked.CompareExchange(ref *(ulong*)p, value, comparand),
    };
}

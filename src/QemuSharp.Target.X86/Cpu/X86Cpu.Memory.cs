using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using QemuSharp.Target.X86.Mmu;

namespace QemuSharp.Target.X86.Cpu;

/// <summary>Guest memory access through the soft TLB; every access is checked, none reaches host memory directly.</summary>
public sealed unsafe partial class X86Cpu
{
    /// <summary>Set when a store hit a page with translated code; the running block must stop.</summary>
    public bool CodeModified;

    /// <summary>Set with <see cref="CodeModified"/> or <see cref="Exit"/>: the one flag the interpreter checks after each instruction.</summary>
    public bool StopBlock;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte Read8(ulong a)
    {
        byte* p = Tlb.TryRead(a, 1);
        return p != null ? *p : (byte)Tlb.ReadSlow(a, 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort Read16(ulong a)
    {
        byte* p = Tlb.TryRead(a, 2);
        return p != null ? Unsafe.ReadUnaligned<ushort>(p) : (ushort)Tlb.ReadSlow(a, 2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Read32(ulong a)
    {
        byte* p = Tlb.TryRead(a, 4);
        return p != null ? Unsafe.ReadUnaligned<uint>(p) : (uint)Tlb.ReadSlow(a, 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Read64(ulong a)
    {
        byte* p = Tlb.TryRead(a, 8);
        return p != null ? Unsafe.ReadUnaligned<ulong>(p) : Tlb.ReadSlow(a, 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Read(ulong a, int size) => size switch
    {
        1 => Read8(a),
        2 => Read16(a),
        4 => Read32(a),
        _ => Read64(a),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<ulong> Read128(ulong a)
    {
        byte* p = Tlb.TryRead(a, 16);
        if (p != null)
            return Unsafe.ReadUnaligned<Vector128<ulong>>(p);
        ulong lo = Read64(a);
        return Vector128.Create(lo, Read64(a + 8));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write8(ulong a, byte v)
    {
        byte* p = Tlb.TryWrite(a, 1);
        if (p != null) *p = v;
        else Tlb.WriteSlow(a, 1, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write16(ulong a, ushort v)
    {
        byte* p = Tlb.TryWrite(a, 2);
        if (p != null) Unsafe.WriteUnaligned(p, v);
        else Tlb.WriteSlow(a, 2, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write32(ulong a, uint v)
    {
        byte* p = Tlb.TryWrite(a, 4);
        if (p != null) Unsafe.WriteUnaligned(p, v);
        else Tlb.WriteSlow(a, 4, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write64(ulong a, ulong v)
    {
        byte* p = Tlb.TryWrite(a, 8);
        if (p != null) Unsafe.WriteUnaligned(p, v);
        else Tlb.WriteSlow(a, 8, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ulong a, int size, ulong v)
    {
        switch (size)
        {
            case 1: Write8(a, (byte)v); break;
            case 2: Write16(a, (ushort)v); break;
            case 4: Write32(a, (uint)v); break;
            default: Write64(a, v); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write128(ulong a, Vector128<ulong> v)
    {
        byte* p = Tlb.TryWrite(a, 16);
        if (p != null)
        {
            Unsafe.WriteUnaligned(p, v);
            return;
        }
        // Probe both halves before writing either, so that a fault leaves memory unchanged.
        if (Tlb.TryWrite(a, 1) == null) Tlb.Fill(a, Access.Write);
        if (Tlb.TryWrite(a + 15, 1) == null) Tlb.Fill(a + 15, Access.Write);
        Write64(a, v.GetElement(0));
        Write64(a + 8, v.GetElement(1));
    }

    /// <summary>Host pointer to a guest range that lies in one page of RAM and is writable (for atomics), faulting if not writable; null if it crosses a page or is not RAM.</summary>
    public byte* WritablePointer(ulong a, uint size)
    {
        byte* p = Tlb.TryWrite(a, size);
        if (p != null)
            return p;
        p = Tlb.Fill(a, Access.Write);
        if (p == null || ((a + size - 1) & SoftTlb.PageMask) != (a & SoftTlb.PageMask))
            return null;
        Tlb.Fill(a, Access.Read);
        return p;
    }
}

using System.Runtime.CompilerServices;

namespace QemuSharp.Target.X86.Cpu;

/// <summary>Segment register numbers as instructions encode them, plus LDTR and TR.</summary>
public static class SegReg
{
    public const int Es = 0, Cs = 1, Ss = 2, Ds = 3, Fs = 4, Gs = 5, Ldtr = 6, Tr = 7;

    /// <summary>The slot of <see cref="X86Cpu.SegBase"/> that memory operands add for each segment register.</summary>
    public static byte BaseSlot(int seg) => seg switch { Fs => 1, Gs => 2, Es => 3, Cs => 4, Ss => 5, Ds => 6, _ => 0 };
}

/// <summary>
/// The hidden part of a segment register: what the CPU loaded from the descriptor. <see cref="Flags"/>
/// keeps bits 8-23 of the descriptor's high dword in place: type (8-11), S (12), DPL (13-14),
/// P (15), AVL (20), L (21), D/B (22), G (23).
/// </summary>
public struct SegmentCache
{
    public ushort Selector;
    public ulong Base;
    public uint Limit;
    public uint Flags;

    public const uint Present = 1u << 15, CodeOrData = 1u << 12, Long = 1u << 21, Big = 1u << 22, Granular = 1u << 23;
    public const uint TypeCode = 1u << 11, TypeConforming = 1u << 10, TypeReadable = 1u << 9, TypeWritable = 1u << 9;
    public const uint TypeExpandDown = 1u << 10, TypeAccessed = 1u << 8;

    public readonly int Dpl => (int)(Flags >> 13) & 3;
    public readonly int Type => (int)(Flags >> 8) & 15;

    /// <summary>Decodes an 8-byte descriptor (system descriptors in long mode take their upper base from the next 8 bytes).</summary>
    public static SegmentCache FromDescriptor(ushort selector, ulong d, ulong upper = 0)
    {
        uint hi = (uint)(d >> 32);
        uint limit = (uint)(d & 0xffff) | (hi & 0xf0000);
        if ((hi & Granular) != 0)
            limit = (limit << 12) | 0xfff;
        ulong b = ((d >> 16) & 0xffffff) | ((ulong)(hi >> 24) << 24) | (upper << 32);
        return new SegmentCache { Selector = selector, Base = b, Limit = limit, Flags = hi & 0x00f0ff00 };
    }

    /// <summary>A real-mode or virtual-8086 segment: base selector*16, limit 64 KiB, present and writable.</summary>
    public static SegmentCache Real(ushort selector, uint flags = Present | CodeOrData | TypeWritable | TypeAccessed) =>
        new() { Selector = selector, Base = (ulong)selector << 4, Limit = 0xffff, Flags = flags };
}

/// <summary>The eight segment registers' caches, indexed by <see cref="SegReg"/>.</summary>
[InlineArray(8)]
public struct SegmentFile
{
    private SegmentCache _element;
}

/// <summary>Base addresses that memory operands add, indexed by <see cref="SegReg.BaseSlot"/>; slot 0 is always zero.</summary>
[InlineArray(8)]
public struct SegmentBases
{
    private ulong _element;
}

/// <summary>A descriptor-table register (GDTR, IDTR).</summary>
public struct TableRegister
{
    public ulong Base;
    public uint Limit;
}

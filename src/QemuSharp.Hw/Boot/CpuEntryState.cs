namespace QemuSharp.Hw.Boot;

/// <summary>
/// A segment register with its descriptor cache: <see cref="Attributes"/> holds descriptor
/// bits 40-55 (type, S, DPL, P, then AVL, L, D/B, G in the high nibble of the second byte).
/// </summary>
public readonly record struct SegmentState(ushort Selector, ulong Base, uint Limit, ushort Attributes)
{
    /// <summary>The cache of a flat segment loaded from a GDT descriptor.</summary>
    public static SegmentState FromDescriptor(ushort selector, ulong descriptor)
    {
        uint limit = (uint)(descriptor & 0xffff) | (uint)((descriptor >> 32) & 0xf0000);
        ushort attributes = (ushort)((descriptor >> 40) & 0xf0ff);
        if ((attributes & 0x8000) != 0)
            limit = limit << 12 | 0xfff;
        ulong baseAddress = ((descriptor >> 16) & 0xffffff) | ((descriptor >> 32) & 0xff000000);
        return new SegmentState(selector, baseAddress, limit, attributes);
    }
}

/// <summary>
/// The CPU state a boot loader hands over, for the machine to apply to the boot CPU before it
/// runs: mode (control registers and EFER), descriptor tables, segments and the registers that
/// the boot protocol defines. Registers not named here are zero.
/// </summary>
public sealed record CpuEntryState
{
    public required ulong Rip { get; init; }
    public ulong Rsi { get; init; }
    public ulong Rbx { get; init; }
    public ulong Rsp { get; init; }

    /// <summary>Interrupts disabled: only the reserved bit 1 is set.</summary>
    public ulong Rflags { get; init; } = 0x2;

    public required ulong Cr0 { get; init; }
    public ulong Cr3 { get; init; }
    public required ulong Cr4 { get; init; }
    public required ulong Efer { get; init; }
    public required ulong GdtBase { get; init; }
    public required ushort GdtLimit { get; init; }
    public required SegmentState Cs { get; init; }

    /// <summary>DS, ES, FS, GS and SS all hold this data segment.</summary>
    public required SegmentState DataSegment { get; init; }

    public const ulong Cr0ProtectionEnable = 1 << 0, Cr0ExtensionType = 1 << 4, Cr0Paging = 1u << 31;
    public const ulong Cr4Pae = 1 << 5;
    public const ulong EferLongModeEnable = 1 << 8, EferLongModeActive = 1 << 10;
}

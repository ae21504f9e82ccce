namespace QemuSharp.Target.X86.Mmu;

/// <summary>
/// One entry of the soft TLB (design.md #2): the guest page it maps for each kind of access and
/// the distance from guest address to host address. A tag that can never equal a page address
/// (<see cref="Invalid"/>) sends that kind of access to the slow path: unmapped pages, pages
/// without the permission, and pages holding translated code (for writes).
/// </summary>
public struct TlbEntry
{
    public const ulong Invalid = 1;

    /// <summary>An entry that matches no page for any access.</summary>
    public static readonly TlbEntry Empty = new() { ReadTag = Invalid, WriteTag = Invalid, FetchTag = Invalid };

    public ulong ReadTag;
    public ulong WriteTag;
    public ulong FetchTag;
    public long Addend;
}

/// <summary>Kinds of guest memory access, as a page-table walker or mapping table checks them.</summary>
public enum Access : byte
{
    Read,
    Write,
    Fetch,
}

/// <summary>
/// The part of a TLB entry that only the slow path reads: the physical page (system mode) and
/// the tags of pages whose reads or writes go to <see cref="QemuSharp.Memory.PhysicalMemory"/>
/// at their real width (MMIO, unassigned memory, writes to ROM).
/// </summary>
public struct SlowTlbEntry
{
    /// <summary>The entry is valid only while it carries the TLB's current flush epoch.</summary>
    public uint Epoch;
    public ulong Tag;
    public ulong PhysicalPage;
    public ulong IoReadTag;
    public ulong IoWriteTag;
}

/// <summary>
/// What a TLB miss needs: the host address of a guest page and what it allows. In system mode
/// also the physical page (code pages and translation blocks are keyed by it), and a null
/// <see cref="HostPage"/> for MMIO or unassigned memory.
/// </summary>
public readonly record struct PageTranslation(nint HostPage, bool Readable, bool Writable, bool Executable, bool Present)
{
    /// <summary>The guest physical page; null in user mode, where code is keyed by virtual page.</summary>
    public ulong? Physical { get; init; }

    /// <summary>The page is ROM: paging allows writes but they go to the slow path, which drops them.</summary>
    public bool HostReadOnly { get; init; }

    /// <summary>The #PF error code when the access is refused (system mode computes it; user mode leaves it to the TLB).</summary>
    public uint? FaultCode { get; init; }

    /// <summary>The access is refused with #GP(0) rather than #PF (a non-canonical address).</summary>
    public bool GeneralProtection { get; init; }
}

/// <summary>
/// Resolves guest virtual pages to host memory: the guest mapping table in user mode, the page
/// walker over guest physical RAM in system mode.
/// </summary>
public interface IGuestMmu
{
    /// <summary>Changes whenever a translation may have changed (unmap, protection change), so that every CPU's TLB is flushed.</summary>
    int Generation { get; }

    /// <summary>Returns false when the access is not allowed (the caller raises #PF).</summary>
    bool Translate(ulong pageAddress, Access access, out PageTranslation translation);
}

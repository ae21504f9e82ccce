using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QemuSharp.Accel;
using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.Target.X86.Mmu;

/// <summary>
/// A direct-mapped soft TLB (design.md #2). A hit costs a shift, a mask, a compare and an add;
/// a miss asks the <see cref="IGuestMmu"/>. Accesses that cross a page go byte by byte through
/// the slow path, so every byte is checked against its own page.
/// </summary>
public sealed unsafe class SoftTlb
{
    public const int PageBits = 12;
    public const ulong PageSize = 1UL << PageBits;
    public const ulong PageMask = ~(PageSize - 1);
    private const int EntryBits = 10;
    private const int EntryCount = 1 << EntryBits;

    private readonly TlbEntry[] _entries = new TlbEntry[EntryCount];
    private readonly X86Cpu _cpu;
    private int _codeGeneration = -1;
    private int _mmuGeneration = -1;

    public IGuestMmu Mmu { get; set; }
    public ICodePages? CodePages { get; set; }

    public SoftTlb(X86Cpu cpu, IGuestMmu mmu)
    {
        _cpu = cpu;
        Mmu = mmu;
        FlushAll();
    }

    public void FlushAll()
    {
        for (int i = 0; i < _entries.Length; i++)
            _entries[i] = new TlbEntry { ReadTag = TlbEntry.Invalid, WriteTag = TlbEntry.Invalid, FetchTag = TlbEntry.Invalid };
    }

    public void FlushPage(ulong address)
    {
        ref TlbEntry e = ref Entry(address);
        if ((e.ReadTag & PageMask) == (address & PageMask) || (e.WriteTag & PageMask) == (address & PageMask)
            || (e.FetchTag & PageMask) == (address & PageMask))
            e = new TlbEntry { ReadTag = TlbEntry.Invalid, WriteTag = TlbEntry.Invalid, FetchTag = TlbEntry.Invalid };
    }

    /// <summary>
    /// Drops cached translations if the guest's mappings changed (another thread's munmap or
    /// mprotect) or pages became code pages since the last check; called before every block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SyncCodePages()
    {
        var cp = CodePages;
        int mmuGeneration = Mmu.Generation;
        if ((cp != null && cp.Generation != _codeGeneration) || mmuGeneration != _mmuGeneration)
        {
            _codeGeneration = cp?.Generation ?? 0;
            _mmuGeneration = mmuGeneration;
            FlushAll();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref TlbEntry Entry(ulong address) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_entries), (int)(address >> PageBits) & (EntryCount - 1));

    /// <summary>Host address of a guest access of <paramref name="size"/> bytes that stays in one page, or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* TryRead(ulong address, uint size)
    {
        ref TlbEntry e = ref Entry(address);
        ulong page = address & PageMask;
        if (e.ReadTag == page && ((address + size - 1) & PageMask) == page)
            return (byte*)(e.Addend + (long)address);
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* TryWrite(ulong address, uint size)
    {
        ref TlbEntry e = ref Entry(address);
        ulong page = address & PageMask;
        if (e.WriteTag == page && ((address + size - 1) & PageMask) == page)
            return (byte*)(e.Addend + (long)address);
        return null;
    }

    /// <summary>Fills the entry for an access to one page and returns the host address of <paramref name="address"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public byte* Fill(ulong address, Access access)
    {
        ulong page = address & PageMask;
        if (!Mmu.Translate(page, access, out PageTranslation t))
        {
            // #PF error code: P (present), W/R, U/S (user mode), I/D (instruction fetch).
            uint error = (t.Present ? 1u : 0) | (access == Access.Write ? 2u : 0) | 4u | (access == Access.Fetch ? 16u : 0);
            throw _cpu.Fault.Set(Vector.PF, error, address, t.Present);
        }
        ref TlbEntry e = ref Entry(address);
        long addend = t.HostPage - (long)page;
        if (e.Addend != addend || (e.ReadTag != page && e.WriteTag != page && e.FetchTag != page))
            e = new TlbEntry { ReadTag = TlbEntry.Invalid, WriteTag = TlbEntry.Invalid, FetchTag = TlbEntry.Invalid, Addend = addend };
        if (t.Readable)
            e.ReadTag = page;
        if (t.Executable)
            e.FetchTag = page;
        if (t.Writable)
        {
            var cp = CodePages;
            if (cp != null && cp.HasCode(page))
            {
                if (access == Access.Write)
                {
                    cp.InvalidatePage(page);
                    _cpu.CodeModified = true;
                    _cpu.StopBlock = true;
                }
            }
            else
                e.WriteTag = page;
        }
        return (byte*)(addend + (long)address);
    }

    /// <summary>Host address of a whole page for the decoder, or 0 if the page cannot be fetched.</summary>
    public byte* FetchPage(ulong page)
    {
        ref TlbEntry e = ref Entry(page);
        if (e.FetchTag == page)
            return (byte*)(e.Addend + (long)page);
        return Fill(page, Access.Fetch);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public ulong ReadSlow(ulong address, uint size)
    {
        ulong v = 0;
        for (uint i = 0; i < size; i++)
        {
            ulong a = address + i;
            byte* p = TryRead(a, 1);
            if (p == null)
                p = Fill(a, Access.Read);
            v |= (ulong)*p << (int)(8 * i);
        }
        return v;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void WriteSlow(ulong address, uint size, ulong value)
    {
        // Check every byte first so that a fault leaves memory unchanged.
        for (uint i = 0; i < size; i++)
            if (TryWrite(address + i, 1) == null)
                Fill(address + i, Access.Write);
        for (uint i = 0; i < size; i++)
        {
            byte* p = TryWrite(address + i, 1);
            if (p == null)
                p = Fill(address + i, Access.Write);
            *p = (byte)(value >> (int)(8 * i));
        }
    }
}

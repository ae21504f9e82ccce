using QemuSharp.Memory;
using QemuSharp.Target.X86.Cpu;
using static QemuSharp.Target.X86.Cpu.ControlBits;

namespace QemuSharp.Target.X86.Mmu;

/// <summary>
/// The page walker of system mode (Intel SDM vol. 3, chapter 4): 4-level long-mode paging, 32-bit
/// PAE and non-PAE paging with PSE, 4K/2M/4M/1G pages, NX, U/S and R/W with CR0.WP, accessed and
/// dirty bits written back to the tables; paging off maps linear to physical. Page tables are read
/// from <see cref="PhysicalMemory"/>; the result names RAM/ROM host pages or MMIO by physical page.
/// </summary>
public sealed unsafe class SystemMmu : IGuestMmu
{
    private const ulong Present = 1, Writable = 2, User = 4, Accessed = 0x20, Dirty = 0x40, Large = 0x80, NoExecute = 1UL << 63;

    /// <summary>Physical address bits 12-39 of an entry (a 40-bit physical address space, as CPUID reports).</summary>
    private const ulong AddressMask = 0x0000_00ff_ffff_f000;

    /// <summary>Bits 40-51 and 52-62 are reserved in PAE and long-mode entries (the latter only with protection keys).</summary>
    private const ulong ReservedHigh = 0x000f_ff00_0000_0000;

    private const ulong NoEntry = ulong.MaxValue;

    private readonly X86Cpu _cpu;
    private readonly PhysicalMemory _memory;

    public SystemMmu(X86Cpu cpu, PhysicalMemory memory)
    {
        _cpu = cpu;
        _memory = memory;
    }

    public int Generation => _memory.Generation;

    /// <summary>
    /// A 2M, 4M or 1G page was walked since the last full flush: the TLB holds its 4K pieces, and
    /// INVLPG of one address must drop all of them (so it flushes everything).
    /// </summary>
    public bool LargePagesCached { get; set; }

    public bool Translate(ulong pageAddress, Access access, out PageTranslation translation)
    {
        bool user = _cpu.Tlb.UserMode;
        ulong physical;
        bool write = true, execute = true, dirty = true;
        if ((_cpu.Cr0 & Cr0Pg) == 0)
            physical = _cpu.LongMode ? pageAddress : pageAddress & 0xffff_ffffUL;
        else
        {
            var walk = WalkTables(pageAddress);
            if (walk.Fault != FaultKind.None)
                return Refuse(out translation, walk.Fault, access, user);
            bool userOk = walk.User || !user;
            write = walk.Write ? userOk : !user && (_cpu.Cr0 & Cr0Wp) == 0;
            execute = userOk && !walk.NoExecute;
            bool allowed = userOk && access switch { Access.Write => write, Access.Fetch => execute, _ => true };
            if (!allowed)
                return Refuse(out translation, FaultKind.Protection, access, user);
            SetAccessedDirty(walk, access == Access.Write);
            LargePagesCached |= walk.Large;
            dirty = walk.Dirty || access == Access.Write;
            physical = walk.Physical;
        }
        byte* host = _memory.HostPage(physical, out bool hostWritable);
        translation = new PageTranslation((nint)host, true, write && dirty, execute, true)
        {
            Physical = physical,
            HostReadOnly = host != null && !hostWritable,
        };
        return true;
    }

    /// <summary>Where a linear address lies in physical memory, for the monitor and debugger: no A/D bit changes, no fault.</summary>
    public bool TryDebugTranslate(ulong linear, out ulong physical)
    {
        ulong page = linear & ~0xfffUL;
        if ((_cpu.Cr0 & Cr0Pg) == 0)
        {
            physical = _cpu.LongMode ? linear : linear & 0xffff_ffffUL;
            return true;
        }
        var walk = WalkTables(page);
        physical = walk.Physical | (linear & 0xfff);
        return walk.Fault == FaultKind.None;
    }

    /// <summary>Walks the page tables of the current paging mode: 4-level long mode, PAE or 32-bit.</summary>
    private Walk WalkTables(ulong page) =>
        _cpu.LongMode ? WalkLong(page) : (_cpu.Cr4 & Cr4Pae) != 0 ? WalkPae(page) : WalkLegacy(page);

    private enum FaultKind : byte { None, NotPresent, Protection, Reserved, NonCanonical }

    private struct Walk
    {
        public FaultKind Fault;
        public bool Write, User, NoExecute, Dirty, Large;
        public ulong Physical;

        /// <summary>Physical addresses of the entries on the way (<see cref="NoEntry"/> where the level does not exist), the leaf last.</summary>
        public ulong E0, E1, E2, E3;
        public bool Wide;
    }

    private bool Refuse(out PageTranslation translation, FaultKind fault, Access access, bool user)
    {
        uint code = (fault is FaultKind.Protection or FaultKind.Reserved ? 1u : 0) | (access == Access.Write ? 2u : 0) | (user ? 4u : 0)
            | (fault == FaultKind.Reserved ? 8u : 0)
            | (access == Access.Fetch && (_cpu.Efer & EferNxe) != 0 && (_cpu.Cr4 & Cr4Pae) != 0 ? 16u : 0);
        translation = new PageTranslation(0, false, false, false, fault != FaultKind.NotPresent)
        {
            FaultCode = code,
            GeneralProtection = fault == FaultKind.NonCanonical,
        };
        return false;
    }

    private ulong Reserved => ReservedHigh | ((_cpu.Efer & EferNxe) == 0 ? NoExecute : 0);

    private Walk WalkLong(ulong va)
    {
        var w = StartWalk(wide: true);
        if ((ulong)((long)(va << 16) >> 16) != va)
            return w with { Fault = FaultKind.NonCanonical };
        ulong table = _cpu.Cr3 & AddressMask;
        for (int level = 3; level >= 0; level--)
        {
            ulong at = table + ((va >> (12 + 9 * level)) & 511) * 8;
            ulong e = _memory.Read(at, 8);
            SetEntry(ref w, 3 - level, at);
            if ((e & Present) == 0)
                return w with { Fault = FaultKind.NotPresent };
            bool large = level is 1 or 2 && (e & Large) != 0;
            if ((e & Reserved) != 0 || (level == 3 && (e & Large) != 0))
                return w with { Fault = FaultKind.Reserved };
            Accumulate(ref w, e);
            if (level == 0 || large)
            {
                ulong span = 1UL << (12 + 9 * level);
                ulong frame = level == 0 ? e & AddressMask : e & AddressMask & ~(span - 1);
                if (large && ((e & AddressMask) & (span - 1) & ~0x1000UL) != 0)
                    return w with { Fault = FaultKind.Reserved };
                w.Physical = frame | (va & (span - 1) & ~0xfffUL);
                w.Dirty = (e & Dirty) != 0;
                w.Large = large;
                return w;
            }
            table = e & AddressMask;
        }
        return w;
    }

    private Walk WalkPae(ulong va)
    {
        var w = StartWalk(wide: true);
        va &= 0xffff_ffffUL;
        ulong pdpte = _memory.Read((_cpu.Cr3 & 0xffff_ffe0UL) + ((va >> 30) & 3) * 8, 8);
        if ((pdpte & Present) == 0)
            return w with { Fault = FaultKind.NotPresent };
        if ((pdpte & (ReservedHigh | 0x1e6)) != 0)
            return w with { Fault = FaultKind.Reserved };
        ulong table = pdpte & AddressMask;
        for (int level = 1; level >= 0; level--)
        {
            ulong at = table + ((va >> (12 + 9 * level)) & 511) * 8;
            ulong e = _memory.Read(at, 8);
            SetEntry(ref w, 2 - level, at);
            if ((e & Present) == 0)
                return w with { Fault = FaultKind.NotPresent };
            if ((e & Reserved) != 0)
                return w with { Fault = FaultKind.Reserved };
            Accumulate(ref w, e);
            if (level == 0 || (e & Large) != 0)
            {
                ulong span = 1UL << (12 + 9 * level);
                w.Physical = (e & AddressMask & ~(span - 1)) | (va & (span - 1) & ~0xfffUL);
                w.Dirty = (e & Dirty) != 0;
                w.Large = level != 0;
                return w;
            }
            table = e & AddressMask;
        }
        return w;
    }

    private Walk WalkLegacy(ulong va)
    {
        var w = StartWalk(wide: false);
        va &= 0xffff_ffffUL;
        ulong at = (_cpu.Cr3 & 0xffff_f000UL) + ((va >> 22) & 1023) * 4;
        ulong pde = _memory.Read(at, 4);
        w.E0 = at;
        if ((pde & Present) == 0)
            return w with { Fault = FaultKind.NotPresent };
        Accumulate(ref w, pde);
        if ((pde & Large) != 0 && (_cpu.Cr4 & Cr4Pse) != 0)
        {
            // A 4 MiB page; PSE-36 puts physical address bits 32-39 in bits 13-20.
            w.Physical = (pde & 0xffc0_0000UL) | (((pde >> 13) & 0xff) << 32) | (va & 0x3f_f000UL);
            w.Dirty = (pde & Dirty) != 0;
            w.Large = true;
            return w;
        }
        at = (pde & 0xffff_f000UL) + ((va >> 12) & 1023) * 4;
        ulong pte = _memory.Read(at, 4);
        w.E1 = at;
        if ((pte & Present) == 0)
            return w with { Fault = FaultKind.NotPresent };
        Accumulate(ref w, pte);
        w.Physical = pte & 0xffff_f000UL;
        w.Dirty = (pte & Dirty) != 0;
        return w;
    }

    /// <summary>A walk before its first entry: everything allowed, no entries visited; <paramref name="wide"/> for 8-byte entries.</summary>
    private static Walk StartWalk(bool wide) =>
        new() { Write = true, User = true, Wide = wide, E0 = NoEntry, E1 = NoEntry, E2 = NoEntry, E3 = NoEntry };

    private static void Accumulate(ref Walk w, ulong e)
    {
        w.Write &= (e & Writable) != 0;
        w.User &= (e & User) != 0;
        w.NoExecute |= (e & NoExecute) != 0;
    }

    private static void SetEntry(ref Walk w, int depth, ulong at)
    {
        switch (depth)
        {
            case 0: w.E0 = at; break;
            case 1: w.E1 = at; break;
            case 2: w.E2 = at; break;
            default: w.E3 = at; break;
        }
    }

    /// <summary>Sets the accessed bit of every entry on the way and the dirty bit of the leaf on a write.</summary>
    private void SetAccessedDirty(in Walk w, bool write)
    {
        ulong leaf = w.E3 != NoEntry ? w.E3 : w.E2 != NoEntry ? w.E2 : w.E1 != NoEntry ? w.E1 : w.E0;
        foreach (ulong at in (ReadOnlySpan<ulong>)[w.E0, w.E1, w.E2, w.E3])
        {
            if (at == NoEntry)
                continue;
            int size = w.Wide ? 8 : 4;
            ulong e = _memory.Read(at, size);
            ulong set = Accessed | (write && at == leaf ? Dirty : 0);
            if ((e & set) != set)
                _memory.Write(at, size, e | set);
        }
    }
}

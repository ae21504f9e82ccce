using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QemuSharp.Accel;
using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.Target.X86.Mmu;

/// <summary>
/// A direct-mapped soft TLB (design.md #2). A hit costs a shift, a mask, a compare and an add;
/// a miss asks the <see cref="IGuestMmu"/>. Accesses that cross a page go byte by byte through
/// the slow path, so every byte is checked against its own page. System mode keeps one table for
/// supervisor and one for user accesses and swaps them when the CPL changes; MMIO pages are
/// reached through the slow path with the access's own width.
/// </summary>
public sealed unsafe class SoftTlb
{
    public const int PageBits = 12;
    public const ulong PageSize = 1UL << PageBits;
    public const ulong PageMask = ~(PageSize - 1);
    private const int EntryBits = 10;
    private const int EntryCount = 1 << EntryBits;

    private readonly TlbEntry[] _supervisorEntries = new TlbEntry[EntryCount];
    private readonly TlbEntry[] _userEntries = new TlbEntry[EntryCount];
    private readonly SlowTlbEntry[] _supervisorSlow = new SlowTlbEntry[EntryCount];
    private readonly SlowTlbEntry[] _userSlow = new SlowTlbEntry[EntryCount];
    private TlbEntry[] _entries;
    private SlowTlbEntry[] _slow;
    private uint _epoch;
    private bool _supervisorUsed, _userUsed;
    private readonly X86Cpu _cpu;
    private int _codeGeneration = -1;
    private int _mmuGeneration = -1;
    private byte* _ioCodePage;

    public IGuestMmu Mmu { get; set; }
    public ICodePages? CodePages { get; set; }

    /// <summary>Accesses are checked as user-mode (CPL 3) accesses.</summary>
    public bool UserMode { get; private set; }

    public SoftTlb(X86Cpu cpu, IGuestMmu mmu)
    {
        _cpu = cpu;
        Mmu = mmu;
        _entries = _supervisorEntries;
        _slow = _supervisorSlow;
        FlushAll();
    }

    /// <summary>Switches to the table of user (CPL 3) or supervisor translations.</summary>
    public void SetPrivilege(bool user)
    {
        UserMode = user;
        _entries = user ? _userEntries : _supervisorEntries;
        _slow = user ? _userSlow : _supervisorSlow;
    }

    /// <summary>Drops every translation: the fast tables that were filled since the last flush are cleared, the slow parts age out by epoch.</summary>
    public void FlushAll()
    {
        if (_supervisorUsed || _epoch == 0)
            Clear(_supervisorEntries);
        if (_userUsed || _epoch == 0)
            Clear(_userEntries);
        _supervisorUsed = _userUsed = false;
        _epoch++;
    }

    private static void Clear(TlbEntry[] entries) =>
        entries.AsSpan().Fill(TlbEntry.Empty);

    public void FlushPage(ulong address)
    {
        int i = Index(address);
        Invalidate(_supervisorEntries, _supervisorSlow, i);
        Invalidate(_userEntries, _userSlow, i);
    }

    private static void Invalidate(TlbEntry[] entries, SlowTlbEntry[] slow, int i)
    {
        entries[i] = TlbEntry.Empty;
        slow[i] = default;
    }

    /// <summary>
    /// Drops cached translations if the guest's mappings changed (another thread's munmap or
    /// mprotect, a change of the physical memory map) or pages became code pages since the last
    /// check; called before every block.
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
    private static int Index(ulong address) => (int)(address >> PageBits) & (EntryCount - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref TlbEntry Entry(ulong address) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_entries), Index(address));

    private ref SlowTlbEntry Slow(ulong address) => ref _slow[Index(address)];

    /// <summary>The slow part of the entry for <paramref name="address"/>'s page, if it is current.</summary>
    private bool SlowValid(ref SlowTlbEntry s, ulong address) => s.Epoch == _epoch && s.Tag == (address & PageMask);

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

    /// <summary>
    /// Fills the entry for an access to one page and returns the host address of <paramref name="address"/>,
    /// or null when the access goes to physical memory's slow path (MMIO, unassigned, a write to ROM).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public byte* Fill(ulong address, Access access)
    {
        ulong page = address & PageMask;
        if (!Mmu.Translate(page, access, out PageTranslation t))
        {
            if (t.GeneralProtection)
                throw _cpu.RaiseGp();
            // #PF error code: P (present), W/R, U/S (user mode), I/D (instruction fetch).
            uint error = t.FaultCode ?? ((t.Present ? 1u : 0) | (access == Access.Write ? 2u : 0) | 4u | (access == Access.Fetch ? 16u : 0));
            throw _cpu.Fault.Set(Vector.PF, error, address, t.Present);
        }
        if (UserMode) _userUsed = true;
        else _supervisorUsed = true;
        ref TlbEntry e = ref Entry(address);
        if (t.Physical is not { } codeKey)
            return FillUserMode(ref e, address, access, t);
        ref SlowTlbEntry s = ref Slow(address);
        if (!SlowValid(ref s, address) || s.PhysicalPage != codeKey)
            s = new SlowTlbEntry { Epoch = _epoch, Tag = page, PhysicalPage = codeKey, IoReadTag = TlbEntry.Invalid, IoWriteTag = TlbEntry.Invalid };
        if (t.HostPage == 0)
        {
            e = TlbEntry.Empty;
            if (t.Readable)
                s.IoReadTag = page;
            if (t.Writable)
                s.IoWriteTag = page;
            return null;
        }
        long addend = t.HostPage - (long)page;
        if (e.Addend != addend || (e.ReadTag != page && e.WriteTag != page && e.FetchTag != page))
            e = TlbEntry.Empty with { Addend = addend };
        if (t.Readable)
            e.ReadTag = page;
        if (t.Executable)
            e.FetchTag = page;
        if (t.Writable && t.HostReadOnly)
        {
            s.IoWriteTag = page;
            if (access == Access.Write)
                return null;
        }
        else if (t.Writable)
            AllowWrite(ref e, page, codeKey, access);
        return (byte*)(addend + (long)address);
    }

    /// <summary>User mode: RAM pages only, code keyed by virtual page, no slow part.</summary>
    private byte* FillUserMode(ref TlbEntry e, ulong address, Access access, in PageTranslation t)
    {
        ulong page = address & PageMask;
        long addend = t.HostPage - (long)page;
        if (e.Addend != addend || (e.ReadTag != page && e.WriteTag != page && e.FetchTag != page))
            e = TlbEntry.Empty with { Addend = addend };
        if (t.Readable)
            e.ReadTag = page;
        if (t.Executable)
            e.FetchTag = page;
        if (t.Writable)
            AllowWrite(ref e, page, page, access);
        return (byte*)(addend + (long)address);
    }

    /// <summary>
    /// Makes a writable RAM page writable through the fast path, unless it holds translated code:
    /// then a write invalidates that code and ends the running block, and the next write misses again.
    /// </summary>
    private void AllowWrite(ref TlbEntry e, ulong page, ulong codeKey, Access access)
    {
        var cp = CodePages;
        if (cp != null && cp.HasCode(codeKey))
        {
            if (access == Access.Write)
            {
                cp.InvalidatePage(codeKey);
                _cpu.CodeModified = true;
                _cpu.StopBlock = true;
            }
        }
        else
            e.WriteTag = page;
    }

    /// <summary>
    /// Host address of a whole page for the decoder; faults if the page cannot be fetched. A page
    /// of MMIO is read only when <paramref name="readDevices"/> (not for a look-ahead that may not be needed); otherwise null.
    /// </summary>
    public byte* FetchPage(ulong page, bool readDevices = true)
    {
        ref TlbEntry e = ref Entry(page);
        if (e.FetchTag == page)
            return (byte*)(e.Addend + (long)page);
        byte* p = Fill(page, Access.Fetch);
        if (p != null || !readDevices)
            return p;
        // Code in MMIO or unassigned memory: run what a read of the page returns.
        if (_ioCodePage == null)
            _ioCodePage = (byte*)NativeMemory.AllocZeroed((nuint)PageSize);
        ulong physical = Slow(page).PhysicalPage;
        for (uint i = 0; i < PageSize; i += 8)
            *(ulong*)(_ioCodePage + i) = PhysicalRead(physical + i, 8);
        return _ioCodePage;
    }

    /// <summary>The physical address behind a linear code address (its virtual address in user mode), filling the entry for a fetch.</summary>
    public ulong CodePhysical(ulong address)
    {
        if (!_cpu.SystemMode)
            return address;
        ref SlowTlbEntry s = ref Slow(address);
        if (!SlowValid(ref s, address) || Entry(address).FetchTag != (address & PageMask))
            Fill(address, Access.Fetch);
        return Slow(address).PhysicalPage | (address & ~PageMask);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public ulong ReadSlow(ulong address, uint size)
    {
        if ((address & ~PageMask) + size <= PageSize)
        {
            ref SlowTlbEntry s = ref Slow(address);
            if (!SlowValid(ref s, address) || s.IoReadTag != (address & PageMask))
            {
                byte* p = Fill(address, Access.Read);
                if (p != null)
                    return ReadLittle(p, size);
            }
            return PhysicalRead(Slow(address).PhysicalPage | (address & ~PageMask), (int)size);
        }
        ulong v = 0;
        for (uint i = 0; i < size; i++)
        {
            ulong a = address + i;
            byte* p = TryRead(a, 1);
            v |= (p != null ? *p : ReadSlow(a, 1)) << (int)(8 * i);
        }
        return v;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void WriteSlow(ulong address, uint size, ulong value)
    {
        if ((address & ~PageMask) + size <= PageSize)
        {
            ref SlowTlbEntry s = ref Slow(address);
            if (!SlowValid(ref s, address) || s.IoWriteTag != (address & PageMask))
            {
                byte* p = Fill(address, Access.Write);
                if (p != null)
                {
                    WriteLittle(p, size, value);
                    return;
                }
            }
            PhysicalWrite(Slow(address).PhysicalPage | (address & ~PageMask), (int)size, value);
            return;
        }
        // Check both pages first so that a fault leaves memory unchanged.
        ulong last = address + size - 1;
        if (TryWrite(address, 1) == null && !IoWritable(address))
            Fill(address, Access.Write);
        if (TryWrite(last, 1) == null && !IoWritable(last))
            Fill(last, Access.Write);
        for (uint i = 0; i < size; i++)
        {
            ulong a = address + i;
            byte* p = TryWrite(a, 1);
            if (p != null)
                *p = (byte)(value >> (int)(8 * i));
            else
                WriteSlow(a, 1, value >> (int)(8 * i));
        }
    }

    private bool IoWritable(ulong address)
    {
        ref SlowTlbEntry s = ref Slow(address);
        return SlowValid(ref s, address) && s.IoWriteTag == (address & PageMask);
    }

    private ulong PhysicalRead(ulong address, int size)
    {
        lock (_cpu.DeviceLock)
            return _cpu.Memory!.Read(address, size);
    }

    private void PhysicalWrite(ulong address, int size, ulong value)
    {
        lock (_cpu.DeviceLock)
            _cpu.Memory!.Write(address, size, value);
    }

    private static ulong ReadLittle(byte* p, uint size) => size switch
    {
        1 => *p,
        2 => BinaryPrimitives.ReadUInt16LittleEndian(new ReadOnlySpan<byte>(p, 2)),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(p, 4)),
        8 => BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(p, 8)),
        _ => ReadBytes(p, size),
    };

    private static ulong ReadBytes(byte* p, uint size)
    {
        ulong v = 0;
        for (int i = 0; i < size; i++)
            v |= (ulong)p[i] << (8 * i);
        return v;
    }

    private static void WriteLittle(byte* p, uint size, ulong v)
    {
        for (int i = 0; i < size; i++)
            p[i] = (byte)(v >> (8 * i));
    }
}

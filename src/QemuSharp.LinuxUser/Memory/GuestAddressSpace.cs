using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Mmu;

namespace QemuSharp.LinuxUser.Memory;

/// <summary>
/// The guest process's virtual memory: every guest mapping is backed by a host mapping of its
/// own, and the page table says which guest page is which host page with what permissions. A
/// guest address that is not in the table reaches no host memory at all.
/// </summary>
internal sealed unsafe class GuestAddressSpace : IGuestMmu
{
    public const ulong PageSize = 4096;
    public const ulong MmapTop = 0x7f0000000000;
    public const ulong MmapBottom = 0x10000;

    private readonly PageTable _pages = new();
    private readonly SortedList<ulong, Vma> _vmas = new();
    private readonly Lock _lock = new();

    private int _generation;

    /// <summary>Changes whenever a mapping changes, so that every CPU flushes its TLB.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>
    /// Set once the process has a second thread: unmapped guest ranges then keep their host
    /// addresses reserved (inaccessible), so that a thread still running on a stale translation
    /// until its next block can never reach host memory reused for something else.
    /// </summary>
    public bool KeepHostReservations { get; set; }

    public Lock SyncRoot => _lock;

    public IList<Vma> Vmas => _vmas.Values;

    public static ulong PageAlign(ulong v) => (v + PageSize - 1) & ~(PageSize - 1);

    public bool Translate(ulong page, Access access, out PageTranslation translation)
    {
        ulong e = _pages.Get(page);
        translation = new PageTranslation((nint)(e & ~0xfffUL), (e & PageTable.Read) != 0, (e & PageTable.Write) != 0,
            (e & PageTable.Exec) != 0, e != 0);
        return access switch
        {
            Access.Read => translation.Readable,
            Access.Write => translation.Writable,
            _ => translation.Executable,
        };
    }

    /// <summary>Host pointer for a guest range that one mapping covers with the permission, or null.</summary>
    public byte* HostPointer(ulong addr, ulong length, ulong perm)
    {
        if (length == 0)
            return (byte*)1;
        ulong first = addr & ~(PageSize - 1);
        ulong last = (addr + length - 1) & ~(PageSize - 1);
        if (addr + length < addr || last >= PageTable.AddressLimit)
            return null;
        ulong e0 = _pages.Get(first);
        if ((e0 & perm) != perm || e0 == 0)
            return null;
        ulong host0 = e0 & ~0xfffUL;
        for (ulong p = first + PageSize; p <= last; p += PageSize)
        {
            ulong e = _pages.Get(p);
            if ((e & perm) != perm || e == 0 || (e & ~0xfffUL) != host0 + (p - first))
                return null;
        }
        return (byte*)(host0 + (addr - first));
    }

    public bool IsMapped(ulong page) => _pages.Get(page) != 0;

    /// <summary>Whether every page of the range is free.</summary>
    public bool IsFree(ulong start, ulong length)
    {
        for (ulong p = start; p < start + length; p += PageSize)
            if (_pages.Get(p) != 0)
                return false;
        return true;
    }

    /// <summary>Finds a free range of <paramref name="length"/> bytes, searching down from the top of the mmap area.</summary>
    public ulong FindFree(ulong length, ulong below = MmapTop)
    {
        ulong top = below;
        for (int i = _vmas.Count - 1; i >= -1; i--)
        {
            Vma? v = i >= 0 ? _vmas.Values[i] : null;
            if (v != null && v.Start >= top)
                continue;
            ulong gapBottom = v?.End ?? MmapBottom;
            if (top >= gapBottom + length)
                return top - length;
            if (v != null)
                top = Math.Min(top, v.Start);
        }
        return 0;
    }

    /// <summary>Adds a mapping whose host memory is already mapped at <paramref name="host"/>, replacing what was there.</summary>
    public void Insert(ulong start, ulong length, int prot, nint host, bool shared, string name, ulong offset = 0)
    {
        lock (_lock)
        {
            RemoveRange(start, length);
            var v = new Vma { Start = start, End = start + length, Prot = prot, HostStart = host, Shared = shared, Name = name, FileOffset = offset };
            _vmas[start] = v;
            SetPages(v, start, start + length);
            Interlocked.Increment(ref _generation);
        }
    }

    private void SetPages(Vma v, ulong from, ulong to)
    {
        ulong perm = (ulong)v.Prot & PageTable.PermMask;
        // x86 has no write-only or execute-only pages: any permission implies read.
        if (perm != 0) perm |= PageTable.Read;
        for (ulong p = from; p < to; p += PageSize)
            _pages.Set(p, perm == 0 ? 0 : (ulong)(v.HostStart + (nint)(p - v.Start)) | perm);
        if (perm == 0)
            for (ulong p = from; p < to; p += PageSize)
                _pages.Set(p, (ulong)(v.HostStart + (nint)(p - v.Start)) | 0x8);
    }

    /// <summary>Unmaps [start, start+length): splits mappings and releases their host pages.</summary>
    public void Unmap(ulong start, ulong length)
    {
        lock (_lock)
        {
            RemoveRange(start, length);
            Interlocked.Increment(ref _generation);
        }
    }

    private void RemoveRange(ulong start, ulong length)
    {
        ulong end = start + length;
        foreach (var v in _vmas.Values.Where(v => v.Start < end && v.End > start).ToList())
        {
            _vmas.Remove(v.Start);
            ulong cutStart = Math.Max(start, v.Start), cutEnd = Math.Min(end, v.End);
            nint hostCut = v.HostStart + (nint)(cutStart - v.Start);
            if (KeepHostReservations)
                Host.Mmap(hostCut, cutEnd - cutStart, Host.PROT_NONE, Host.MAP_PRIVATE | Host.MAP_ANONYMOUS | Host.MAP_FIXED | Host.MAP_NORESERVE, -1, 0);
            else
                Host.Munmap(hostCut, cutEnd - cutStart);
            for (ulong p = cutStart; p < cutEnd; p += PageSize)
                _pages.Set(p, 0);
            if (v.Start < cutStart)
            {
                var left = v.Clone();
                left.End = cutStart;
                _vmas[left.Start] = left;
            }
            if (v.End > cutEnd)
            {
                var right = v.Clone();
                right.Start = cutEnd;
                right.HostStart = v.HostStart + (nint)(cutEnd - v.Start);
                right.FileOffset = v.FileOffset + (cutEnd - v.Start);
                _vmas[right.Start] = right;
            }
        }
    }

    /// <summary>Changes the permissions of whole mapped pages; false (ENOMEM) if part of the range is unmapped.</summary>
    public bool Protect(ulong start, ulong length, int prot)
    {
        lock (_lock)
        {
            ulong end = start + length;
            for (ulong p = start; p < end; p += PageSize)
                if (_pages.Get(p) == 0)
                    return false;
            foreach (var v in _vmas.Values.Where(v => v.Start < end && v.End > start).ToList())
            {
                ulong cutStart = Math.Max(start, v.Start), cutEnd = Math.Min(end, v.End);
                _vmas.Remove(v.Start);
                if (v.Start < cutStart)
                {
                    var left = v.Clone();
                    left.End = cutStart;
                    _vmas[left.Start] = left;
                }
                var mid = v.Clone();
                mid.Start = cutStart;
                mid.End = cutEnd;
                mid.HostStart = v.HostStart + (nint)(cutStart - v.Start);
                mid.FileOffset = v.FileOffset + (cutStart - v.Start);
                mid.Prot = prot;
                _vmas[mid.Start] = mid;
                if (v.Shared)
                    Host.Mprotect(mid.HostStart, cutEnd - cutStart, (prot & 3) | Host.PROT_READ);
                if (v.End > cutEnd)
                {
                    var right = v.Clone();
                    right.Start = cutEnd;
                    right.HostStart = v.HostStart + (nint)(cutEnd - v.Start);
                    right.FileOffset = v.FileOffset + (cutEnd - v.Start);
                    _vmas[right.Start] = right;
                }
                SetPages(mid, cutStart, cutEnd);
            }
            Interlocked.Increment(ref _generation);
            return true;
        }
    }

    public Vma? Find(ulong addr)
    {
        lock (_lock)
            return _vmas.Values.FirstOrDefault(v => v.Start <= addr && addr < v.End);
    }
}


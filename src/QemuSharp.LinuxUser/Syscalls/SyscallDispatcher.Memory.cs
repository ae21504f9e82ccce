using QemuSharp.LinuxUser.Memory;

namespace QemuSharp.LinuxUser.Syscalls;

internal sealed unsafe partial class SyscallDispatcher
{
    private const ulong Page = GuestAddressSpace.PageSize;

    private long Mmap(long addr, long length, int prot, int flags, int fd, long offset)
    {
        ulong len = GuestAddressSpace.PageAlign((ulong)length);
        if (length <= 0 || len == 0 || (offset & 0xfff) != 0 || len >= PageTable.AddressLimit)
            return -EINVAL;
        bool fixedAt = (flags & (Host.MAP_FIXED | Host.MAP_FIXED_NOREPLACE)) != 0;
        bool anonymous = (flags & Host.MAP_ANONYMOUS) != 0;
        bool shared = (flags & 3) == Host.MAP_SHARED;
        if ((flags & 3) == 0)
            return -EINVAL;
        ulong at;
        lock (_p.Space.SyncRoot)
        {
            if (fixedAt)
            {
                if (((ulong)addr & 0xfff) != 0 || (ulong)addr + len > PageTable.AddressLimit)
                    return -EINVAL;
                if ((flags & Host.MAP_FIXED_NOREPLACE) != 0 && !_p.Space.IsFree((ulong)addr, len))
                    return -EEXIST;
                at = (ulong)addr;
            }
            else if (addr != 0 && ((ulong)addr & 0xfff) == 0 && (ulong)addr + len <= PageTable.AddressLimit && _p.Space.IsFree((ulong)addr, len))
                at = (ulong)addr;
            else
            {
                at = _p.Space.FindFree(len);
                if (at == 0)
                    return -ENOMEM;
            }
            int hostProt = shared ? (prot & Host.PROT_WRITE) | Host.PROT_READ : Host.PROT_READ | Host.PROT_WRITE;
            int hostFlags = (shared ? Host.MAP_SHARED : Host.MAP_PRIVATE) | Host.MAP_NORESERVE | (anonymous ? Host.MAP_ANONYMOUS : 0);
            nint host = Host.Mmap(0, len, hostProt, hostFlags, anonymous ? -1 : fd, anonymous ? 0 : offset);
            if (Host.IsError(host))
                return host;
            string name = anonymous ? "" : FdPath(fd);
            _p.Space.Insert(at, len, prot, host, shared, name, anonymous ? 0 : (ulong)offset);
        }
        return (long)at;
    }

    private static string FdPath(int fd)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{fd}").LinkTarget ?? "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    private long Munmap(long addr, long length)
    {
        if (((ulong)addr & 0xfff) != 0 || length <= 0 || (ulong)addr >= PageTable.AddressLimit)
            return -EINVAL;
        _p.Space.Unmap((ulong)addr, GuestAddressSpace.PageAlign((ulong)length));
        return 0;
    }

    private long Mprotect(long addr, long length, int prot)
    {
        if (((ulong)addr & 0xfff) != 0 || length < 0)
            return -EINVAL;
        if (length == 0)
            return 0;
        return _p.Space.Protect((ulong)addr, GuestAddressSpace.PageAlign((ulong)length), prot) ? 0 : -ENOMEM;
    }

    /// <summary>brk: grows or shrinks the heap after the program's data; a failed request returns the old break.</summary>
    private long BrkCall(long requested)
    {
        ulong want = (ulong)requested;
        if (want < _p.BrkStart || want > _p.BrkStart + (1UL << 32))
            return (long)_p.Brk;
        ulong oldTop = GuestAddressSpace.PageAlign(_p.Brk), newTop = GuestAddressSpace.PageAlign(want);
        if (newTop > oldTop)
        {
            if (!_p.Space.IsFree(oldTop, newTop - oldTop))
                return (long)_p.Brk;
            nint host = Host.Mmap(0, newTop - oldTop, Host.PROT_READ | Host.PROT_WRITE, Host.MAP_PRIVATE | Host.MAP_ANONYMOUS | Host.MAP_NORESERVE, -1, 0);
            if (Host.IsError(host))
                return (long)_p.Brk;
            _p.Space.Insert(oldTop, newTop - oldTop, Host.PROT_READ | Host.PROT_WRITE, host, false, "[heap]");
        }
        else if (newTop < oldTop)
            _p.Space.Unmap(newTop, oldTop - newTop);
        _p.Brk = want;
        return (long)want;
    }

    private long Mremap(long oldAddr, long oldSize, long newSize, int flags, long newAddr)
    {
        const int MAYMOVE = 1, FIXED = 2;
        ulong old = (ulong)oldAddr, oldLen = GuestAddressSpace.PageAlign((ulong)oldSize), newLen = GuestAddressSpace.PageAlign((ulong)newSize);
        if ((old & 0xfff) != 0 || newLen == 0 || (flags & ~3) != 0)
            return -EINVAL;
        var vma = _p.Space.Find(old);
        if (vma == null || old + oldLen > vma.End)
            return -EFAULT;
        if (newLen <= oldLen && (flags & FIXED) == 0)
        {
            if (newLen < oldLen)
                _p.Space.Unmap(old + newLen, oldLen - newLen);
            return oldAddr;
        }
        if ((flags & FIXED) == 0 && _p.Space.IsFree(old + oldLen, newLen - oldLen) && old + newLen <= PageTable.AddressLimit)
        {
            nint host = Host.Mmap(0, newLen - oldLen, Host.PROT_READ | Host.PROT_WRITE, Host.MAP_PRIVATE | Host.MAP_ANONYMOUS | Host.MAP_NORESERVE, -1, 0);
            if (Host.IsError(host))
                return -ENOMEM;
            _p.Space.Insert(old + oldLen, newLen - oldLen, vma.Prot, host, false, vma.Name);
            return oldAddr;
        }
        if ((flags & MAYMOVE) == 0)
            return -ENOMEM;
        long target = Mmap((flags & FIXED) != 0 ? newAddr : 0, (long)newLen, vma.Prot | Host.PROT_READ | Host.PROT_WRITE,
            Host.MAP_PRIVATE | Host.MAP_ANONYMOUS | ((flags & FIXED) != 0 ? Host.MAP_FIXED : 0), -1, 0);
        if (target < 0)
            return target;
        var data = new byte[Math.Min(oldLen, newLen)];
        for (ulong o = 0; o < (ulong)data.Length; o += Page)
        {
            byte* src = _p.Space.HostPointer(old + o, Page, 0);
            if (src != null)
                new ReadOnlySpan<byte>(src, (int)Page).CopyTo(data.AsSpan((int)o));
        }
        for (ulong o = 0; o < (ulong)data.Length; o += Page)
            data.AsSpan((int)o, (int)Page).CopyTo(new Span<byte>(_p.Space.HostPointer((ulong)target + o, Page, 0), (int)Page));
        _p.Space.Unmap(old, oldLen);
        _p.Space.Protect((ulong)target, newLen, vma.Prot);
        return target;
    }

    private long MemoryAdvice(long nr, long addr, long length, long advice)
    {
        if (((ulong)addr & 0xfff) != 0 || length < 0)
            return -EINVAL;
        ulong len = GuestAddressSpace.PageAlign((ulong)length);
        // Apply the advice page by page to the host pages behind the guest range (MADV_DONTNEED
        // must zero private anonymous memory, which the guest's allocator relies on).
        for (ulong a = (ulong)addr; a < (ulong)addr + len; a += Page)
        {
            byte* p = _p.Space.HostPointer(a, Page, 0);
            if (p == null)
            {
                if (!_p.Space.IsMapped(a))
                    return -ENOMEM;
                continue;
            }
            if (nr == 28 && advice is 4 or 8 or 9)
                Host.Syscall(28, (long)p, (long)Page, advice);
            else if (nr == 26)
                Host.Syscall(26, (long)p, (long)Page, advice);
        }
        return 0;
    }
}

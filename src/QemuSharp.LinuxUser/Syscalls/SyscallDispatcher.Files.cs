using System.Buffers.Binary;

namespace QemuSharp.LinuxUser.Syscalls;

internal sealed unsafe partial class SyscallDispatcher
{
    private const long EPIPE = 32;

    /// <summary>The .NET runtime ignores SIGPIPE; a guest that has not done so dies by it on a broken pipe, as on Linux.</summary>
    private long CheckPipe(long r)
    {
        if (r == -EPIPE && _p.Signals.Actions[SignalState.SIGPIPE].Handler == SignalState.SIG_DFL)
        {
            DefaultSignal(SignalState.SIGPIPE);
            Host.Syscall(62, Environment.ProcessId, SignalState.SIGPIPE);
        }
        return r;
    }

    /// <summary>Resets a host signal to its default action (the runtime may have installed a handler).</summary>
    internal static void DefaultSignal(int sig)
    {
        byte* act = stackalloc byte[32];
        new Span<byte>(act, 32).Clear();
        Host.Syscall(13, sig, (long)act, 0, 8);
    }

    private long Open(long dirfd, long path, long flags, long mode)
    {
        string? s = Mem.ReadString((ulong)path);
        if (s == null)
            return -EFAULT;
        long special = SpecialFiles.Open(_p, s);
        if (special != long.MinValue)
            return special;
        return WithPath(257, 1, dirfd, path, flags, mode);
    }

    private long ReadLink(long dirfd, long path, long buf, long size)
    {
        string? s = Mem.ReadString((ulong)path);
        if (s == null)
            return -EFAULT;
        if (s is "/proc/self/exe" || s == $"/proc/{Environment.ProcessId}/exe")
        {
            byte[] target = System.Text.Encoding.UTF8.GetBytes(_p.ExePath);
            int n = (int)Math.Min(target.Length, size);
            return Mem.TryWrite((ulong)buf, target.AsSpan(0, n)) ? n : -EFAULT;
        }
        return WithPath(267, 1, dirfd, path, buf, size, bufArg: 2, bufLen: size);
    }

    /// <summary>readv/writev/preadv/pwritev: every iovec's base is a guest pointer.</summary>
    private long Vectored(long nr, long fd, long iov, long count, long off1, long off2)
    {
        if (count < 0 || count > 1024)
            return -EINVAL;
        bool kernelWrites = nr is 19 or 295;
        var host = new long[count * 2];
        var bounces = new List<(ulong Guest, byte[] Data)>();
        var pins = new List<System.Runtime.InteropServices.GCHandle>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                if (!Mem.TryRead64((ulong)(iov + i * 16), out ulong b) || !Mem.TryRead64((ulong)(iov + i * 16 + 8), out ulong len))
                    return -EFAULT;
                byte* p = len == 0 ? null : Buf((long)b, (long)len, kernelWrites);
                if (p == null && len != 0)
                {
                    if (len > 1 << 26)
                        return -EFAULT;
                    var data = new byte[len];
                    if (!kernelWrites && !Mem.TryRead(b, data))
                        return -EFAULT;
                    var h = System.Runtime.InteropServices.GCHandle.Alloc(data, System.Runtime.InteropServices.GCHandleType.Pinned);
                    pins.Add(h);
                    p = (byte*)h.AddrOfPinnedObject();
                    if (kernelWrites)
                        bounces.Add((b, data));
                }
                host[i * 2] = (long)p;
                host[i * 2 + 1] = (long)len;
            }
            long r;
            fixed (long* h = host)
                r = Host.Syscall(nr, fd, (long)h, count, off1, off2);
            foreach (var (g, d) in bounces)
                Mem.TryWrite(g, d);
            return nr is 20 or 296 ? CheckPipe(r) : r;
        }
        finally
        {
            foreach (var h in pins)
                h.Free();
        }
    }

    private long Select(long n, long readfds, long writefds, long exceptfds, long timeout, bool timespec)
    {
        byte* r = readfds == 0 ? null : Buf(readfds, 128, true);
        byte* w = writefds == 0 ? null : Buf(writefds, 128, true);
        byte* e = exceptfds == 0 ? null : Buf(exceptfds, 128, true);
        byte* t = timeout == 0 ? null : Buf(timeout, 16, true);
        if ((readfds != 0 && r == null) || (writefds != 0 && w == null) || (exceptfds != 0 && e == null) || (timeout != 0 && t == null))
            return -EFAULT;
        return Host.Syscall(timespec ? 270 : 23, n, (long)r, (long)w, (long)e, (long)t, 0);
    }

    /// <summary>
    /// Installs the temporary signal mask of ppoll/pselect6/epoll_pwait for the call (the signal
    /// layer restores the old one); returns 0 to go on, or the error to return instead.
    /// </summary>
    private long SignalMaskFor(GuestThread t, long maskPtr)
    {
        if (maskPtr == 0)
            return 0;
        if (!Mem.TryRead64((ulong)maskPtr, out ulong mask))
            return -EFAULT;
        return Signals.SignalDelivery.SuspendMask(t, mask) ? 0 : -EINTR;
    }

    /// <summary>pselect6's sixth argument points to { const sigset_t *ss; size_t ss_len; }.</summary>
    private long PSelectMask(GuestThread t, long data)
    {
        if (data == 0)
            return 0;
        return Mem.TryRead64((ulong)data, out ulong maskPtr) ? SignalMaskFor(t, (long)maskPtr) : -EFAULT;
    }

    private long PPoll(long fds, long nfds, long timeout, long sigmask, long size)
    {
        byte* f = Buf(fds, nfds * 8, true);
        byte* t = timeout == 0 ? null : Buf(timeout, 16, false);
        if ((nfds > 0 && f == null) || (timeout != 0 && t == null))
            return -EFAULT;
        return Host.Syscall(271, (long)f, nfds, (long)t, 0, 8);
    }

    private long Ioctl(long fd, long request, long arg)
    {
        switch (request)
        {
            case 0x5401: return WithBuf(16, 2, 60, true, fd, request, arg);           // TCGETS
            case 0x5402: case 0x5403: case 0x5404: return WithBuf(16, 2, 60, false, fd, request, arg); // TCSETS*
            case 0x5413: return WithBuf(16, 2, 8, true, fd, request, arg);            // TIOCGWINSZ
            case 0x5414: return WithBuf(16, 2, 8, false, fd, request, arg);           // TIOCSWINSZ
            case 0x540f: case 0x541b: case 0x5429: return WithBuf(16, 2, 4, true, fd, request, arg); // TIOCGPGRP, FIONREAD, TIOCGSID
            case 0x5410: case 0x5421: case 0x5452: return WithBuf(16, 2, 4, false, fd, request, arg); // TIOCSPGRP, FIONBIO, FIOASYNC
            case 0x540e: case 0x5451: case 0x5450: case 0x540b: return Plain(16, fd, request, arg); // TIOCSCTTY, FIOCLEX, FIONCLEX, TCFLSH
            default: return -ENOTTY;
        }
    }

    private long Fcntl(long fd, long cmd, long arg) => cmd switch
    {
        5 or 6 or 7 or 36 or 37 or 38 => WithBuf(72, 2, 32, cmd is 5 or 36, fd, cmd, arg), // F_GETLK, F_SETLK(W), OFD locks
        0 or 1 or 2 or 3 or 4 or 1030 or 8 or 9 or 1024 or 1025 or 1026 or 1031 or 1032 or 1033 or 1034 => Plain(72, fd, cmd, arg),
        _ => -EINVAL,
    };

    private long CopyFileRange(long fdIn, long offIn, long fdOut, long offOut, long len, long flags)
    {
        byte* i = offIn == 0 ? null : Buf(offIn, 8, true);
        byte* o = offOut == 0 ? null : Buf(offOut, 8, true);
        if ((offIn != 0 && i == null) || (offOut != 0 && o == null))
            return -EFAULT;
        return Host.Syscall(326, fdIn, (long)i, fdOut, (long)o, len, flags);
    }

    private long GetResIds(long nr, long a, long b, long c)
    {
        byte* pa = Buf(a, 4, true), pb = Buf(b, 4, true), pc = Buf(c, 4, true);
        return pa == null || pb == null || pc == null ? -EFAULT : Host.Syscall(nr, (long)pa, (long)pb, (long)pc);
    }

    private long Time(long tloc)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (tloc != 0 && !Mem.TryWrite64((ulong)tloc, (ulong)now))
            return -EFAULT;
        return now;
    }

    private long Sleep(long nr, long req, long rem, long clock, long flags)
    {
        byte* q = Buf(req, 16, false);
        byte* m = rem == 0 ? null : Buf(rem, 16, true);
        if (q == null || (rem != 0 && m == null))
            return -EFAULT;
        return nr == 35 ? Host.Syscall(35, (long)q, (long)m) : Host.Syscall(230, clock, flags, (long)q, (long)m);
    }

    private long PrLimit(long pid, long resource, long newLimit, long oldLimit)
    {
        byte* n = newLimit == 0 ? null : Buf(newLimit, 16, false);
        byte* o = oldLimit == 0 ? null : Buf(oldLimit, 16, true);
        if ((newLimit != 0 && n == null) || (oldLimit != 0 && o == null))
            return -EFAULT;
        return Host.Syscall(302, pid, resource, (long)n, (long)o);
    }

    private long SchedParams(long nr, long a1, long a2, long a3) => nr switch
    {
        143 => WithBuf(143, 1, 4, true, a1, a2),      // sched_getparam
        145 => Plain(145, a1),                         // sched_getscheduler
        146 or 147 => Plain(nr, a1),                   // sched_get_priority_max/min
        _ => 0,
    };

    private long Accept(long nr, long fd, long addr, long lenPtr, long flags)
    {
        if (addr == 0)
            return Host.Syscall(nr, fd, 0, 0, flags);
        Span<byte> lb = stackalloc byte[4];
        if (!Mem.TryRead((ulong)lenPtr, lb))
            return -EFAULT;
        int len = BinaryPrimitives.ReadInt32LittleEndian(lb);
        byte* a = Buf(addr, len, true);
        byte* l = Buf(lenPtr, 4, true);
        if (a == null || l == null)
            return -EFAULT;
        return Host.Syscall(nr, fd, (long)a, (long)l, flags);
    }

    private long SendTo(long fd, long buf, long len, long flags, long addr, long addrLen)
    {
        byte* b = Buf(buf, len, false);
        byte* a = addr == 0 ? null : Buf(addr, addrLen, false);
        if ((len > 0 && b == null) || (addr != 0 && a == null))
            return -EFAULT;
        return CheckPipe(Host.Syscall(44, fd, (long)b, len, flags, (long)a, addrLen));
    }

    private long RecvFrom(long fd, long buf, long len, long flags, long addr, long lenPtr)
    {
        byte* b = Buf(buf, len, true);
        if (len > 0 && b == null)
            return -EFAULT;
        if (addr == 0)
            return Host.Syscall(45, fd, (long)b, len, flags, 0, 0);
        byte* l = Buf(lenPtr, 4, true);
        if (l == null)
            return -EFAULT;
        byte* a = Buf(addr, *(int*)l, true);
        return a == null ? -EFAULT : Host.Syscall(45, fd, (long)b, len, flags, (long)a, (long)l);
    }

    private long GetSockOpt(long fd, long level, long name, long val, long lenPtr)
    {
        byte* l = Buf(lenPtr, 4, true);
        if (l == null)
            return -EFAULT;
        byte* v = Buf(val, *(int*)l, true);
        return v == null ? -EFAULT : Host.Syscall(55, fd, level, name, (long)v, (long)l);
    }

    /// <summary>sendmsg/recvmsg: the msghdr's name, iovecs and control buffer are all guest pointers.</summary>
    private long MsgCall(long nr, long fd, long msg, long flags)
    {
        Span<byte> hdr = stackalloc byte[56];
        if (!Mem.TryRead((ulong)msg, hdr))
            return -EFAULT;
        bool recv = nr == 47;
        long name = BinaryPrimitives.ReadInt64LittleEndian(hdr), nameLen = BinaryPrimitives.ReadInt32LittleEndian(hdr[8..]);
        long iov = BinaryPrimitives.ReadInt64LittleEndian(hdr[16..]), iovLen = BinaryPrimitives.ReadInt64LittleEndian(hdr[24..]);
        long control = BinaryPrimitives.ReadInt64LittleEndian(hdr[32..]), controlLen = BinaryPrimitives.ReadInt64LittleEndian(hdr[40..]);
        if (iovLen < 0 || iovLen > 1024)
            return -EINVAL;
        var hostIov = new long[Math.Max(1, iovLen * 2)];
        for (int i = 0; i < iovLen; i++)
        {
            if (!Mem.TryRead64((ulong)(iov + i * 16), out ulong b) || !Mem.TryRead64((ulong)(iov + i * 16 + 8), out ulong len))
                return -EFAULT;
            byte* p = len == 0 ? null : Buf((long)b, (long)len, recv);
            if (p == null && len != 0)
                return -EFAULT;
            hostIov[i * 2] = (long)p;
            hostIov[i * 2 + 1] = (long)len;
        }
        byte* n = name == 0 ? null : Buf(name, nameLen, recv);
        byte* ctl = control == 0 ? null : Buf(control, controlLen, recv);
        if ((name != 0 && n == null) || (control != 0 && ctl == null))
            return -EFAULT;
        byte* m = stackalloc byte[56];
        hdr.CopyTo(new Span<byte>(m, 56));
        fixed (long* hi = hostIov)
        {
            *(long*)m = (long)n;
            *(long*)(m + 16) = (long)hi;
            *(long*)(m + 32) = (long)ctl;
            long r = Host.Syscall(nr, fd, (long)m, flags);
            if (recv && r >= 0)
            {
                // The kernel updates msg_namelen, msg_controllen and msg_flags.
                Mem.TryWrite((ulong)(msg + 8), new ReadOnlySpan<byte>(m + 8, 4));
                Mem.TryWrite((ulong)(msg + 40), new ReadOnlySpan<byte>(m + 40, 16));
            }
            return recv ? r : CheckPipe(r);
        }
    }

    private long TimerFdSet(long fd, long flags, long newValue, long oldValue)
    {
        byte* n = Buf(newValue, 32, false);
        byte* o = oldValue == 0 ? null : Buf(oldValue, 32, true);
        if (n == null || (oldValue != 0 && o == null))
            return -EFAULT;
        return Host.Syscall(286, fd, flags, (long)n, (long)o);
    }
}

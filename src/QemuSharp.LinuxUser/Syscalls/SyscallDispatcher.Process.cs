using System.Buffers.Binary;
using QemuSharp.LinuxUser.Memory;
using QemuSharp.LinuxUser.Signals;
using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.LinuxUser.Syscalls;

internal sealed unsafe partial class SyscallDispatcher
{
    private const int SigSetSize = 8;

    private long SigAction(int sig, long act, long oldAct, long setSize)
    {
        if (sig < 1 || sig > 64 || setSize != SigSetSize)
            return -EINVAL;
        var cur = _p.Signals.Actions[sig];
        Span<byte> a = stackalloc byte[32];
        if (act != 0)
        {
            if (sig is SignalState.SIGKILL or SignalState.SIGSTOP)
                return -EINVAL;
            if (!Mem.TryRead((ulong)act, a))
                return -EFAULT;
        }
        if (oldAct != 0)
        {
            Span<byte> o = stackalloc byte[32];
            BinaryPrimitives.WriteUInt64LittleEndian(o, cur.Handler);
            BinaryPrimitives.WriteUInt64LittleEndian(o[8..], cur.Flags);
            BinaryPrimitives.WriteUInt64LittleEndian(o[16..], cur.Restorer);
            BinaryPrimitives.WriteUInt64LittleEndian(o[24..], cur.Mask);
            if (!Mem.TryWrite((ulong)oldAct, o))
                return -EFAULT;
        }
        if (act != 0)
        {
            var n = new SigAction(BinaryPrimitives.ReadUInt64LittleEndian(a), BinaryPrimitives.ReadUInt64LittleEndian(a[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(a[16..]), BinaryPrimitives.ReadUInt64LittleEndian(a[24..]) & ~SignalState.Unblockable);
            _p.Signals.SetAction(_p, sig, n);
        }
        return 0;
    }

    private long SigProcMask(GuestThread t, int how, long set, long oldSet, long setSize)
    {
        if (setSize != SigSetSize)
            return -EINVAL;
        ulong s = 0;
        if (set != 0 && !Mem.TryRead64((ulong)set, out s))
            return -EFAULT;
        if (set != 0 && how is < 0 or > 2)
            return -EINVAL;
        ulong old = t.SignalMask;
        if (set != 0)
        {
            lock (_p.Signals.Lock)
                t.SignalMask = how switch
                {
                    0 => t.SignalMask | s,
                    1 => t.SignalMask & ~s,
                    _ => s,
                } & ~SignalState.Unblockable;
            if ((t.SignalMask & ~old) != 0)
                _p.Signals.Blocked(_p, t.SignalMask & ~old);
        }
        return oldSet != 0 && !Mem.TryWrite64((ulong)oldSet, old) ? -EFAULT : 0;
    }

    private long SigPending(GuestThread t, long set, long setSize)
    {
        if (setSize > SigSetSize)
            return -EINVAL;
        ulong pending;
        lock (_p.Signals.Lock)
            pending = (t.Pending.Bits | _p.Signals.Pending.Bits) & t.SignalMask;
        return Mem.TryWrite((ulong)set, BitConverter.GetBytes(pending).AsSpan(0, (int)setSize)) ? 0 : -EFAULT;
    }

    /// <summary>rt_sigsuspend: waits with a temporary mask; the handler's frame saves the thread's own mask.</summary>
    private long SigSuspend(GuestThread t, long mask, long setSize)
    {
        if (setSize != SigSetSize)
            return -EINVAL;
        if (!Mem.TryRead64((ulong)mask, out ulong m))
            return -EFAULT;
        SignalDelivery.SuspendMask(t, m);
        return Pause(t);
    }

    private long Pause(GuestThread t)
    {
        lock (_p.Signals.Lock)
            while (SignalDelivery.Deliverable(t) == 0)
                Monitor.Wait(_p.Signals.Lock);
        return -EINTR;
    }

    /// <summary>rt_sigtimedwait: takes a pending signal of the set, waiting up to the timeout (EAGAIN) or until another signal interrupts (EINTR).</summary>
    private long SigTimedWait(GuestThread t, long set, long info, long timeout, long setSize)
    {
        if (setSize != SigSetSize)
            return -EINVAL;
        if (!Mem.TryRead64((ulong)set, out ulong wanted))
            return -EFAULT;
        wanted &= ~SignalState.Unblockable;
        DateTime? deadline = null;
        if (timeout != 0)
        {
            if (!Mem.TryRead64((ulong)timeout, out ulong sec) || !Mem.TryRead64((ulong)timeout + 8, out ulong nsec))
                return -EFAULT;
            if ((long)sec < 0 || nsec >= 1_000_000_000)
                return -EINVAL;
            deadline = DateTime.UtcNow.AddSeconds(Math.Min(sec, 1UL << 32)).AddTicks((long)nsec / 100);
        }
        var s = _p.Signals;
        byte[]? got = null;
        lock (s.Lock)
        {
            while (true)
            {
                ulong ready = (t.Pending.Bits | s.Pending.Bits) & wanted;
                if (ready != 0)
                {
                    int sig = System.Numerics.BitOperations.TrailingZeroCount(ready) + 1;
                    got = t.Pending.Take(sig) ?? s.Pending.Take(sig);
                    break;
                }
                if ((SignalDelivery.Deliverable(t) & ~wanted) != 0)
                    return -EINTR;
                TimeSpan left = deadline is DateTime d ? d - DateTime.UtcNow : Timeout.InfiniteTimeSpan;
                if (deadline != null && left <= TimeSpan.Zero)
                    return -EAGAIN;
                Monitor.Wait(s.Lock, left);
            }
        }
        if (got == null)
            return -EAGAIN;
        if (info != 0 && !Mem.TryWrite((ulong)info, got))
            return -EFAULT;
        return SigInfo.Signo(got);
    }

    private long SigReturn(GuestThread t)
    {
        if (!SignalFrame.Return(t))
            SignalDelivery.Terminate(SignalState.SIGSEGV);
        return (long)t.Cpu.R[Gpr.Rax];
    }

    private long SigAltStack(GuestThread t, long ss, long oldSs)
    {
        ulong sp = t.Cpu.R[Gpr.Rsp];
        Span<byte> o = stackalloc byte[24];
        o.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(o, t.AltStack.Sp);
        BinaryPrimitives.WriteUInt32LittleEndian(o[8..], t.AltStack.ReportedFlags(sp));
        BinaryPrimitives.WriteUInt64LittleEndian(o[16..], t.AltStack.Size);
        if (ss != 0)
        {
            Span<byte> n = stackalloc byte[24];
            if (!Mem.TryRead((ulong)ss, n))
                return -EFAULT;
            long r = t.AltStack.Set(BinaryPrimitives.ReadUInt64LittleEndian(n), BinaryPrimitives.ReadUInt32LittleEndian(n[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(n[16..]), sp);
            if (r != 0)
                return r;
        }
        return oldSs != 0 && !Mem.TryWrite((ulong)oldSs, o) ? -EFAULT : 0;
    }

    private GuestThread? OwnThread(long tid)
    {
        lock (_p.Signals.Lock)
            return _p.Signals.Threads.FirstOrDefault(x => x.HostTid == tid);
    }

    /// <summary>kill: a signal to ourselves is queued directly; others go through the host.</summary>
    private long Kill(long pid, long sig)
    {
        if (sig is < 0 or > 64)
            return -EINVAL;
        if (pid != Environment.ProcessId)
            return Plain(62, pid, sig);
        if (sig != 0)
            SignalDelivery.Send(_p, null, SigInfo.FromProcess((int)sig, SigInfo.SI_USER));
        return 0;
    }

    /// <summary>tkill and tgkill (<paramref name="tgid"/> -1 for tkill).</summary>
    private long ThreadKill(long tgid, long tid, long sig)
    {
        if (sig is < 0 or > 64 || tid <= 0)
            return -EINVAL;
        var target = tgid == -1 || tgid == Environment.ProcessId ? OwnThread(tid) : null;
        if (target == null)
            return tgid == -1 ? Plain(200, tid, sig) : Plain(234, tgid, tid, sig);
        if (sig != 0)
            SignalDelivery.Send(_p, target, SigInfo.FromProcess((int)sig, SigInfo.SI_TKILL));
        return 0;
    }

    /// <summary>rt_sigqueueinfo and rt_tgsigqueueinfo (<paramref name="tid"/> 0 for the process).</summary>
    private long SigQueueInfo(long pid, long tid, long sig, long uinfo)
    {
        if (sig is < 1 or > 64)
            return -EINVAL;
        var info = new byte[SigInfo.Size];
        if (!Mem.TryRead((ulong)uinfo, info))
            return -EFAULT;
        BinaryPrimitives.WriteInt32LittleEndian(info, (int)sig);
        var target = tid == 0 ? null : OwnThread(tid);
        if (pid != Environment.ProcessId || (tid != 0 && target == null))
            return tid == 0 ? WithBuf(129, 2, SigInfo.Size, false, pid, sig, uinfo) : WithBuf(297, 3, SigInfo.Size, false, pid, tid, sig, uinfo);
        SignalDelivery.Send(_p, target, info);
        return 0;
    }

    private long SetITimer(long which, long value, long oldValue)
    {
        byte* v = Buf(value, 32, false);
        byte* o = oldValue == 0 ? null : Buf(oldValue, 32, true);
        return v == null || (oldValue != 0 && o == null) ? -EFAULT : Host.Syscall(38, which, (long)v, (long)o);
    }

    private long TimerCreate(long clock, long sigevent, long timerId)
    {
        byte* e = sigevent == 0 ? null : Buf(sigevent, 64, false);
        byte* id = Buf(timerId, 4, true);
        return (sigevent != 0 && e == null) || id == null ? -EFAULT : Host.Syscall(222, clock, (long)e, (long)id);
    }

    private long TimerSetTime(long id, long flags, long value, long oldValue)
    {
        byte* v = Buf(value, 32, false);
        byte* o = oldValue == 0 ? null : Buf(oldValue, 32, true);
        return v == null || (oldValue != 0 && o == null) ? -EFAULT : Host.Syscall(223, id, flags, (long)v, (long)o);
    }

    private long Wait4(long pid, long status, long options, long rusage)
    {
        byte* s = status == 0 ? null : Buf(status, 4, true);
        byte* r = rusage == 0 ? null : Buf(rusage, 144, true);
        if ((status != 0 && s == null) || (rusage != 0 && r == null))
            return -EFAULT;
        return Host.Syscall(61, pid, (long)s, options, (long)r);
    }

    private long ArchPrctl(GuestThread t, long code, long addr)
    {
        const long SET_GS = 0x1001, SET_FS = 0x1002, GET_FS = 0x1003, GET_GS = 0x1004;
        switch (code)
        {
            case SET_FS: t.Cpu.FsBase = (ulong)addr; return 0;
            case SET_GS: t.Cpu.GsBase = (ulong)addr; return 0;
            case GET_FS: return Mem.TryWrite64((ulong)addr, t.Cpu.FsBase) ? 0 : -EFAULT;
            case GET_GS: return Mem.TryWrite64((ulong)addr, t.Cpu.GsBase) ? 0 : -EFAULT;
            default: return -EINVAL;
        }
    }

    private long Prctl(long option, long a2, long a3, long a4, long a5)
    {
        const long PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4, PR_SET_NAME = 15, PR_GET_NAME = 16;
        return option switch
        {
            PR_SET_NAME => WithBuf(157, 1, 16, false, option, a2),
            PR_GET_NAME => WithBuf(157, 1, 16, true, option, a2),
            PR_GET_PDEATHSIG => WithBuf(157, 1, 4, true, option, a2),
            PR_SET_PDEATHSIG or PR_GET_DUMPABLE or PR_SET_DUMPABLE => Plain(157, option, a2),
            _ => -EINVAL,
        };
    }

    /// <summary>futex: guest memory is host memory, so the host futex works on the translated address, across guest threads.</summary>
    private long Futex(long uaddr, long op, long val, long timeout, long uaddr2, long val3)
    {
        byte* u = Buf(uaddr, 4, false);
        if (u == null)
            return -EFAULT;
        int cmd = (int)(op & 0x7f);
        byte* t = null;
        long arg4 = timeout;
        if (cmd is 0 or 9 or 11 && timeout != 0)
        {
            t = Buf(timeout, 16, false);
            if (t == null)
                return -EFAULT;
            arg4 = (long)t;
        }
        byte* u2 = null;
        if (cmd is 3 or 4 or 5 or 12)
        {
            u2 = Buf(uaddr2, 4, false);
            if (u2 == null)
                return -EFAULT;
        }
        return Host.Syscall(202, (long)u, op, val, arg4, (long)u2, val3);
    }
}

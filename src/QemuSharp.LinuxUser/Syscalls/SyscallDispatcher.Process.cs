using QemuSharp.LinuxUser.Memory;
using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.LinuxUser.Syscalls;

internal sealed unsafe partial class SyscallDispatcher
{
    private long SigAction(GuestThread t, int sig, long act, long oldAct)
    {
        if (sig < 1 || sig > 64)
            return -EINVAL;
        var cur = _p.Signals.Actions[sig];
        if (oldAct != 0)
        {
            Span<byte> o = stackalloc byte[32];
            BitConverter.TryWriteBytes(o, cur.Handler);
            BitConverter.TryWriteBytes(o[8..], cur.Flags);
            BitConverter.TryWriteBytes(o[16..], cur.Restorer);
            BitConverter.TryWriteBytes(o[24..], cur.Mask);
            if (!Mem.TryWrite((ulong)oldAct, o))
                return -EFAULT;
        }
        if (act != 0)
        {
            if (sig is SignalState.SIGKILL or SignalState.SIGSTOP)
                return -EINVAL;
            Span<byte> a = stackalloc byte[32];
            if (!Mem.TryRead((ulong)act, a))
                return -EFAULT;
            _p.Signals.Actions[sig] = new SigAction(BitConverter.ToUInt64(a), BitConverter.ToUInt64(a[8..]), BitConverter.ToUInt64(a[16..]), BitConverter.ToUInt64(a[24..]));
        }
        return 0;
    }

    private long SigProcMask(GuestThread t, int how, long set, long oldSet)
    {
        if (oldSet != 0 && !Mem.TryWrite64((ulong)oldSet, t.SignalMask))
            return -EFAULT;
        if (set == 0)
            return 0;
        if (!Mem.TryRead64((ulong)set, out ulong s))
            return -EFAULT;
        const ulong unblockable = (1UL << (SignalState.SIGKILL - 1)) | (1UL << (SignalState.SIGSTOP - 1));
        t.SignalMask = how switch
        {
            0 => t.SignalMask | s,
            1 => t.SignalMask & ~s,
            2 => s,
            _ => t.SignalMask,
        } & ~unblockable;
        return how is >= 0 and <= 2 ? 0 : -EINVAL;
    }

    private ulong _altStackSp, _altStackSize;
    private int _altStackFlags = 2; // SS_DISABLE

    private long SigAltStack(long ss, long oldSs)
    {
        if (oldSs != 0)
        {
            Span<byte> o = stackalloc byte[24];
            BitConverter.TryWriteBytes(o, _altStackSp);
            BitConverter.TryWriteBytes(o[8..], _altStackFlags);
            BitConverter.TryWriteBytes(o[16..], _altStackSize);
            if (!Mem.TryWrite((ulong)oldSs, o))
                return -EFAULT;
        }
        if (ss != 0)
        {
            Span<byte> n = stackalloc byte[24];
            if (!Mem.TryRead((ulong)ss, n))
                return -EFAULT;
            _altStackSp = BitConverter.ToUInt64(n);
            _altStackFlags = BitConverter.ToInt32(n[8..]);
            _altStackSize = BitConverter.ToUInt64(n[16..]);
        }
        return 0;
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

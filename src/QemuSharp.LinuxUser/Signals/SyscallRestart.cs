namespace QemuSharp.LinuxUser.Signals;

/// <summary>A system call that returned EINTR, and whether SA_RESTART restarts it after a handler.</summary>
internal readonly record struct Interruption(long Number, bool RestartsWithSaRestart);

/// <summary>
/// Linux's restart rules for a call interrupted by a signal. Calls that wait for data or a child
/// (the kernel's -ERESTARTSYS) are restarted after a handler with SA_RESTART; sleeps, polls and
/// signal waits (-ERESTARTNOHAND, -ERESTART_RESTARTBLOCK) return EINTR whenever a handler ran.
/// When no handler runs (the signal was ignored or only woke the thread), every call is restarted.
/// </summary>
internal static class SyscallRestart
{
    public const long RtSigreturn = 15, EPIPE = 32;
    private const int SyscallInsnLength = 2;

    public static bool RestartsWithSaRestart(long nr) => nr is
        0 or 1 or 2 or 16 or 17 or 18 or 19 or 20 or 40 or 42 or 43 or 44 or 45 or 46 or 47 // read ... recvmsg
        or 61 or 72 or 73 or 202 or 247 or 257 or 288 or 295 or 296;                     // wait4, fcntl, flock, futex, waitid, openat, accept4, preadv, pwritev

    /// <summary>Makes the CPU execute the interrupted syscall instruction again with the same arguments.</summary>
    public static void Restart(GuestThread t, Interruption call)
    {
        t.Cpu.Rip -= SyscallInsnLength;
        t.Cpu.R[Target.X86.Cpu.Gpr.Rax] = (ulong)call.Number;
    }
}

using System.Numerics;
using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.LinuxUser.Signals;

/// <summary>
/// Sending signals to guest threads and delivering them at the next block boundary or syscall
/// return: ignore, the default action, or a handler frame (<see cref="SignalFrame"/>).
/// </summary>
internal static class SignalDelivery
{
    /// <summary>Queues a signal for the process (<paramref name="target"/> null) or one thread, and wakes a thread that can take it.</summary>
    public static void Send(GuestProcess p, GuestThread? target, byte[] info)
    {
        var s = p.Signals;
        int sig = SigInfo.Signo(info);
        ulong bit = SignalState.Bit(sig);
        lock (s.Lock)
        {
            var blocker = target ?? s.Threads.FirstOrDefault();
            if (s.Discarded(sig) && (blocker == null || (blocker.SignalMask & bit) == 0))
                return;
            (target?.Pending ?? s.Pending).Add(sig, info);
            var taker = target ?? s.Threads.FirstOrDefault(x => (x.SignalMask & bit) == 0);
            if (taker != null)
                Wake(p, taker);
            Monitor.PulseAll(s.Lock);
        }
    }

    /// <summary>Makes a thread look at its signals: at the next block boundary, or now if it is blocked in a host call.</summary>
    public static void Wake(GuestProcess p, GuestThread t)
    {
        t.Interpreter.InterruptRequested = true;
        if (t.InSyscall && t.HostTid != (int)Host.Syscall(186))
            p.Signals.StartHost(p).Kick(t);
    }

    /// <summary>
    /// Replaces the thread's mask for the duration of one system call (rt_sigsuspend, and the
    /// sigmask argument of pselect6, ppoll and epoll_pwait). The mask comes back when the call
    /// returns, or, if a handler runs, when the handler returns: its frame saves the old mask, as
    /// Linux's saved_sigmask does. False when a signal is already deliverable under the new mask:
    /// the call should then fail with EINTR at once.
    /// </summary>
    public static bool SuspendMask(GuestThread t, ulong mask)
    {
        lock (t.Process.Signals.Lock)
        {
            t.SuspendedMask ??= t.SignalMask;
            t.SignalMask = mask & ~SignalState.Unblockable;
            return Deliverable(t) == 0;
        }
    }

    /// <summary>Signals the thread could take now.</summary>
    public static ulong Deliverable(GuestThread t) => (t.Pending.Bits | t.Process.Signals.Pending.Bits) & ~t.SignalMask;

    /// <summary>
    /// Delivers every deliverable signal, each handler's frame on top of the previous one, as Linux
    /// does before returning to user mode; then applies the restart rules to an interrupted call.
    /// </summary>
    public static void DeliverPending(GuestThread t, Interruption? interrupted)
    {
        if (Deliverable(t) == 0 && t.SuspendedMask == null && interrupted == null)
            return;
        var s = t.Process.Signals;
        while (true)
        {
            int sig;
            byte[]? info;
            SigAction act;
            lock (s.Lock)
            {
                ulong ready = Deliverable(t);
                if (ready == 0)
                {
                    if (t.SuspendedMask is ulong m)
                        t.SignalMask = m;
                    t.SuspendedMask = null;
                    break;
                }
                sig = BitOperations.TrailingZeroCount(ready) + 1;
                info = t.Pending.Take(sig) ?? s.Pending.Take(sig);
                act = s.Actions[sig];
            }
            if (info == null)
                continue;
            if (t.Process.Options.Strace)
                t.Process.Log.WriteLine(SignalTrace.Line(info));
            if (act.Handler == SignalState.SIG_IGN)
                continue;
            if (act.Handler == SignalState.SIG_DFL)
            {
                DefaultAction(sig);
                continue;
            }
            if (interrupted is Interruption call)
            {
                if (call.RestartsWithSaRestart && (act.Flags & SignalState.SA_RESTART) != 0)
                    SyscallRestart.Restart(t, call);
                interrupted = null;
            }
            RunHandler(t, sig, info, act);
        }
        if (interrupted is Interruption pending)
            SyscallRestart.Restart(t, pending);
    }

    /// <summary>Pushes a handler frame and blocks what the handler asked for; a frame that cannot be written kills with SIGSEGV.</summary>
    public static void RunHandler(GuestThread t, int sig, byte[] info, SigAction act)
    {
        var s = t.Process.Signals;
        ulong saved;
        lock (s.Lock)
        {
            saved = t.SuspendedMask ?? t.SignalMask;
            t.SuspendedMask = null;
        }
        if (!SignalFrame.Push(t, sig, info, act, saved))
            Terminate(SignalState.SIGSEGV);
        lock (s.Lock)
        {
            ulong add = act.Mask | ((act.Flags & SignalState.SA_NODEFER) != 0 ? 0 : SignalState.Bit(sig));
            t.SignalMask = (t.SignalMask | add) & ~SignalState.Unblockable;
            if ((act.Flags & SignalState.SA_RESETHAND) != 0)
            {
                s.Actions[sig] = default;
                HostSignals.SetDefault(sig);
            }
        }
    }

    /// <summary>The default action of a signal that is not ignored by default: stop or terminate.</summary>
    private static void DefaultAction(int sig)
    {
        if (SignalState.IgnoredByDefault(sig))
            return;
        if (sig is SignalState.SIGTSTP or SignalState.SIGTTIN or SignalState.SIGTTOU or SignalState.SIGSTOP)
        {
            Host.Syscall(62, Environment.ProcessId, SignalState.SIGSTOP);
            return;
        }
        Terminate(sig);
    }

    /// <summary>Ends the process by the signal, so that its parent sees the same wait status as for the native program.</summary>
    public static void Terminate(int sig)
    {
        if (SignalState.DumpsCore(sig))
            Faults.DieBySignal(sig);
        else
            Faults.RaiseOnHost(sig);
        Environment.Exit(128 + sig);
    }

    /// <summary>Keeps the fault's trap number, error code and CR2 for the thread's next sigcontext, as Linux keeps them per thread.</summary>
    public static void RecordTrap(GuestThread t, GuestFault fault)
    {
        t.TrapNumber = (ulong)fault.Vector;
        t.TrapError = fault.ErrorCode;
        if (fault.Vector == Target.X86.Cpu.Vector.PF)
            t.TrapAddress = fault.Address;
    }
}

using QemuSharp.LinuxUser.Signals;

namespace QemuSharp.LinuxUser;

/// <summary>A guest signal handler as rt_sigaction describes it (struct kernel_sigaction).</summary>
internal record struct SigAction(ulong Handler, ulong Flags, ulong Restorer, ulong Mask);

/// <summary>
/// The process-wide signal state: dispositions, signals directed at the whole process, and the
/// threads that may take them. <see cref="Lock"/> guards everything here and every thread's pending set.
/// </summary>
internal sealed class SignalState
{
    public const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8;
    public const int SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15;
    public const int SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23;
    public const int SIGXCPU = 24, SIGXFSZ = 25, SIGWINCH = 28, SIGSYS = 31;
    public const ulong SIG_DFL = 0, SIG_IGN = 1;
    public const ulong SA_SIGINFO = 4, SA_ONSTACK = 0x08000000, SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000;
    public const ulong SA_RESETHAND = 0x80000000, SA_RESTORER = 0x04000000;

    /// <summary>SIGKILL and SIGSTOP: no mask can hold them back.</summary>
    public const ulong Unblockable = (1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1));

    public readonly SigAction[] Actions = new SigAction[65];
    public readonly object Lock = new();
    public readonly PendingSignals Pending = new();
    public readonly List<GuestThread> Threads = [];
    private HostSignals? _host;

    public SignalState()
    {
        // Dispositions set to "ignore" survive execve on Linux; the host kept them for us.
        for (int sig = 1; sig < 32; sig++)
            if (sig != SIGPIPE && HostSignals.IsIgnoredOnHost(sig))
                Actions[sig] = new SigAction(SIG_IGN, 0, 0, 0);
    }

    public static ulong Bit(int sig) => 1UL << (sig - 1);

    /// <summary>The host-signal forwarder once started, else null.</summary>
    public HostSignals? Host => _host;

    /// <summary>The host-signal forwarder, started by the first signal that needs it.</summary>
    public HostSignals StartHost(GuestProcess process)
    {
        lock (Lock)
            return _host ??= new HostSignals(process);
    }

    /// <summary>Registers a running thread; the first one also gives the host our handlers (a forked child inherits only dispositions).</summary>
    public void Attach(GuestProcess process, GuestThread t)
    {
        lock (Lock)
        {
            if (Threads.Count == 0)
                for (int sig = 1; sig < Actions.Length; sig++)
                    if (Actions[sig].Handler > SIG_IGN && HostSignals.Forwardable(sig))
                        StartHost(process).Catch(sig);
            Threads.Add(t);
            Blocked(process, t.SignalMask);
        }
    }

    /// <summary>Removes an ending thread; signals only it could take are lost with it.</summary>
    public void Detach(GuestThread t)
    {
        lock (Lock)
            Threads.Remove(t);
    }

    /// <summary>Records a new disposition and mirrors it on the host signal, where the host may send it.</summary>
    public void SetAction(GuestProcess process, int sig, SigAction act)
    {
        lock (Lock)
        {
            Actions[sig] = act;
            if (Discarded(sig))
            {
                Pending.Remove(sig);
                foreach (var t in Threads)
                    t.Pending.Remove(sig);
            }
            if (!HostSignals.Forwardable(sig))
                return;
            if (act.Handler == SIG_IGN)
                HostSignals.SetIgnore(sig);
            else if (act.Handler != SIG_DFL || Threads.Any(t => (t.SignalMask & Bit(sig)) != 0))
                StartHost(process).Catch(sig);
            else
                HostSignals.SetDefault(sig);
        }
    }

    /// <summary>
    /// A thread blocked more signals. Those left at SIG_DFL must now wait as pending guest signals
    /// (for sigwait, sigtimedwait or a later unblock) instead of acting on the host at once.
    /// </summary>
    public void Blocked(GuestProcess process, ulong newlyBlocked)
    {
        lock (Lock)
            for (int sig = 1; sig < Actions.Length; sig++)
                if ((newlyBlocked & Bit(sig)) != 0 && Actions[sig].Handler == SIG_DFL && HostSignals.Forwardable(sig))
                    StartHost(process).Catch(sig);
    }

    /// <summary>Signals whose default action is to do nothing.</summary>
    public static bool IgnoredByDefault(int sig) => sig is SIGCHLD or SIGURG or SIGWINCH or SIGCONT;

    /// <summary>Signals whose default action dumps core (QEMU then prints its "uncaught target signal" line).</summary>
    public static bool DumpsCore(int sig) => sig is SIGQUIT or SIGILL or SIGTRAP or SIGABRT or SIGBUS or SIGFPE or SIGSEGV or SIGXCPU or SIGXFSZ or SIGSYS;

    /// <summary>True when delivering <paramref name="sig"/> now would have no effect at all (Linux drops such signals when they are sent).</summary>
    public bool Discarded(int sig)
    {
        ulong h = Actions[sig].Handler;
        return h == SIG_IGN || (h == SIG_DFL && IgnoredByDefault(sig));
    }
}

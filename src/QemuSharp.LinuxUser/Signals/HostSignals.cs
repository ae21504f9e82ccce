using System.Buffers.Binary;

namespace QemuSharp.LinuxUser.Signals;

/// <summary>
/// Brings host signals to guest handlers. The .NET runtime owns the host's signal handling and
/// its managed API covers only a few signals, so for each signal the guest catches we install,
/// with the raw rt_sigaction call, a handler of our own written as x86-64 machine code in an
/// executable page. It runs on whichever host thread the kernel picks and only copies the
/// kernel's siginfo into a pipe; a reader thread queues it for the guest and interrupts the guest
/// thread. The handler has no SA_RESTART, so a host call it interrupts fails with EINTR and the
/// guest's own restart rules apply. The stub is host x86-64 Linux code: another host
/// architecture needs its own few instructions here.
/// </summary>
internal sealed unsafe class HostSignals
{
    /// <summary>The host signal that only interrupts a guest thread's blocked host call (SIGRTMAX; the runtime uses SIGRTMIN).</summary>
    public const int KickSignal = 64;

    private const int HandlerOffset = 0, KickOffset = 32, RestorerOffset = 48;
    private const long SA_SIGINFO = 4, SA_RESTORER = 0x04000000;
    private const int SysRead = 0, SysPoll = 7, SysRtSigaction = 13, SysFcntl = 72, SysTgkill = 234, SysPipe2 = 293;

    private readonly GuestProcess _p;
    private readonly byte* _page;
    private readonly int _readFd;

    public HostSignals(GuestProcess p)
    {
        _p = p;
        int* fds = stackalloc int[2];
        long r = Host.Syscall(SysPipe2, (long)fds, 0x80000); // O_CLOEXEC
        if (r < 0)
            throw new IOException("cannot create the host signal pipe");
        _readFd = MoveHigh(fds[0]);
        int writeFd = MoveHigh(fds[1]);
        // F_SETFL O_NONBLOCK: a full pipe drops the signal instead of hanging the handler, and
        // the reader thread and Drain may both read.
        Host.Syscall(SysFcntl, writeFd, 4, 0x800);
        Host.Syscall(SysFcntl, _readFd, 4, 0x800);
        _page = (byte*)Host.Mmap(0, 4096, Host.PROT_READ | Host.PROT_WRITE, Host.MAP_PRIVATE | Host.MAP_ANONYMOUS, -1, 0);
        if (Host.IsError((long)_page))
            throw new IOException("cannot map the host signal stub");
        WriteStubs(new Span<byte>(_page, 4096), writeFd);
        Host.Mprotect((nint)_page, 4096, Host.PROT_READ | Host.PROT_EXEC);
        Install(KickSignal, (long)(_page + KickOffset));
        new Thread(ReadLoop, 256 << 10) { IsBackground = true, Name = "guest signals" }.Start();
    }

    /// <summary>
    /// The machine code. handler(sig, siginfo*, ucontext*), entered with rsi = the kernel's siginfo:
    /// <code>
    ///   ba 80 00 00 00     mov edx, 128        ; sizeof(siginfo_t)
    ///   bf NN NN NN NN     mov edi, writeFd
    ///   b8 01 00 00 00     mov eax, 1          ; write(writeFd, siginfo, 128): one atomic pipe write
    ///   0f 05              syscall
    ///   c3                 ret                 ; to the restorer below
    /// kick: c3             ret                 ; only the EINTR of the interrupted call matters
    /// restorer:
    ///   b8 0f 00 00 00     mov eax, 15         ; rt_sigreturn restores every register, errno untouched
    ///   0f 05              syscall
    /// </code>
    /// </summary>
    private static void WriteStubs(Span<byte> page, int writeFd)
    {
        page.Fill(0xcc);
        byte[] handler = [0xba, 0x80, 0, 0, 0, 0xbf, 0, 0, 0, 0, 0xb8, 1, 0, 0, 0, 0x0f, 0x05, 0xc3];
        BinaryPrimitives.WriteInt32LittleEndian(handler.AsSpan(6), writeFd);
        handler.CopyTo(page[HandlerOffset..]);
        page[KickOffset] = 0xc3;
        byte[] restorer = [0xb8, 0x0f, 0, 0, 0, 0x0f, 0x05];
        restorer.CopyTo(page[RestorerOffset..]);
    }

    /// <summary>Keeps our descriptors out of the low numbers guests use and expect free.</summary>
    private static int MoveHigh(int fd)
    {
        long high = Host.Syscall(SysFcntl, fd, 1030, 900); // F_DUPFD_CLOEXEC
        if (high < 0)
            return fd;
        Host.Syscall(3, fd);
        return (int)high;
    }

    /// <summary>
    /// Host signals that may reach a guest handler. The synchronous fault signals belong to the
    /// runtime (guest faults are emulated) and SIGKILL and SIGSTOP cannot be caught. Of the
    /// real-time signals, glibc keeps 32 and 33, the runtime injects activations with 34
    /// (SIGRTMIN) and we interrupt threads with 64: guest threads still send those to each other,
    /// without the host, but other processes cannot reach a guest handler for them.
    /// </summary>
    public static bool Forwardable(int sig) =>
        sig is (> 0 and < 32) or (> 34 and < KickSignal)
        && sig is not (SignalState.SIGILL or SignalState.SIGTRAP or SignalState.SIGBUS or SignalState.SIGFPE
            or SignalState.SIGKILL or SignalState.SIGSEGV or SignalState.SIGSTOP);

    public void Catch(int sig) => Install(sig, (long)(_page + HandlerOffset));

    private void Install(int sig, long handler)
    {
        long* act = stackalloc long[4];
        act[0] = handler;
        act[1] = SA_SIGINFO | SA_RESTORER;
        act[2] = (long)(_page + RestorerOffset);
        act[3] = 0;
        Host.Syscall(SysRtSigaction, sig, (long)act, 0, 8);
    }

    public static void SetDefault(int sig) => SetPlain(sig, 0);

    public static void SetIgnore(int sig) => SetPlain(sig, 1);

    private static void SetPlain(int sig, long handler)
    {
        long* act = stackalloc long[4];
        act[0] = handler;
        act[1] = act[2] = act[3] = 0;
        Host.Syscall(SysRtSigaction, sig, (long)act, 0, 8);
    }

    public static bool IsIgnoredOnHost(int sig)
    {
        long* old = stackalloc long[4];
        return Host.Syscall(SysRtSigaction, sig, 0, (long)old, 8) == 0 && old[0] == 1;
    }

    /// <summary>Interrupts the thread's blocked host call.</summary>
    public void Kick(GuestThread t) => Host.Syscall(SysTgkill, Environment.ProcessId, t.HostTid, KickSignal);

    private void ReadLoop()
    {
        long* pollfd = stackalloc long[1];
        while (true)
        {
            *(int*)pollfd = _readFd;
            ((short*)pollfd)[2] = 1; // POLLIN
            ((short*)pollfd)[3] = 0;
            // The timeout lets a thread that entered a host call just after being woken be interrupted again.
            if (Host.Syscall(SysPoll, (long)pollfd, 1, 50) > 0)
                Drain();
            KickBlockedThreads();
        }
    }

    /// <summary>
    /// Queues every signal the stub has written so far. A guest thread calls this when a host call
    /// failed in a way a signal explains (EINTR, EPIPE), so that the signal is taken before the
    /// guest sees the result, as on Linux.
    /// </summary>
    public void Drain()
    {
        // One drainer at a time: a guest thread that finds the pipe empty must not return while
        // the reader thread has taken a signal out of it but not yet queued it.
        lock (_drainLock)
            while (true)
            {
                var info = new byte[SigInfo.Size];
                long n;
                fixed (byte* b = info)
                    n = Host.Syscall(SysRead, _readFd, (long)b, SigInfo.Size);
                if (n != SigInfo.Size)
                    return;
                SignalDelivery.Send(_p, null, info);
            }
    }

    private readonly Lock _drainLock = new();

    private void KickBlockedThreads()
    {
        var s = _p.Signals;
        lock (s.Lock)
            foreach (var t in s.Threads)
                if (t.InSyscall && SignalDelivery.Deliverable(t) != 0)
                    Kick(t);
    }
}

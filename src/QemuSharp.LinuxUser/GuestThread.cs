using QemuSharp.LinuxUser.Signals;
using QemuSharp.LinuxUser.Syscalls;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Exec;

namespace QemuSharp.LinuxUser;

/// <summary>One guest thread: a CPU, its interpreter, and the loop that serves its syscalls and faults.</summary>
internal sealed class GuestThread
{
    public GuestProcess Process { get; }
    public X86Cpu Cpu { get; }
    public Interpreter Interpreter { get; }
    public ulong ClearChildTid;
    public int Tid;

    /// <summary>Blocked signals (bit sig-1); changed under <see cref="SignalState.Lock"/>.</summary>
    public ulong SignalMask;

    /// <summary>Signals sent to this thread alone (tkill, tgkill, faults).</summary>
    public PendingSignals Pending { get; } = new();

    /// <summary>The mask to restore after rt_sigsuspend, until a handler's frame has saved it.</summary>
    public ulong? SuspendedMask;

    public AltStack AltStack { get; } = new();

    /// <summary>The host thread id, for interrupting a blocked host system call.</summary>
    public int HostTid;

    /// <summary>True while the thread serves a system call (it may be blocked in the host kernel).</summary>
    public volatile bool InSyscall;

    /// <summary>The last CPU exception's trap number, error code and address (sigcontext's trapno, err, cr2).</summary>
    public ulong TrapNumber, TrapError, TrapAddress;

    public GuestThread(GuestProcess process, int tid)
    {
        Process = process;
        Tid = tid;
        Cpu = new X86Cpu(process.Space, process.Options.Cpu);
        Interpreter = new Interpreter(Cpu, process.Blocks);
        Interpreter.Translator.OneInstructionPerBlock = process.Options.OneInsnPerTb;
        DebugLog.Attach(this);
    }

    /// <summary>Runs the thread until the process or thread exits; returns the exit status.</summary>
    public int Run(SyscallDispatcher syscalls)
    {
        HostTid = (int)Host.Syscall(186);
        Tid = HostTid;
        Process.Signals.Attach(Process, this);
        try
        {
            return Loop(syscalls);
        }
        finally
        {
            Process.Signals.Detach(this);
        }
    }

    private int Loop(SyscallDispatcher syscalls)
    {
        while (true)
        {
            ExitReason exit = Interpreter.Run();
            Interruption? interrupted = null;
            switch (exit)
            {
                case ExitReason.Syscall:
                    long nr = (long)Cpu.R[Gpr.Rax];
                    Cpu.R[Gpr.Rcx] = Cpu.Rip;
                    Cpu.R[Gpr.R11] = Cpu.Flags;
                    InSyscall = true;
                    long result = syscalls.Dispatch(this);
                    InSyscall = false;
                    if (syscalls.ThreadExited)
                        return syscalls.ExitStatus;
                    Cpu.R[Gpr.Rax] = (ulong)result;
                    if (nr == SyscallRestart.RtSigreturn)
                        break;
                    if (result is -SyscallDispatcher.EINTR or -SyscallRestart.EPIPE)
                        Process.Signals.Host?.Drain();
                    if (result == -SyscallDispatcher.EINTR)
                        interrupted = new Interruption(nr, SyscallRestart.RestartsWithSaRestart(nr));
                    break;
                case ExitReason.Fault:
                    if (!Faults.Deliver(this, out int status))
                        return status;
                    break;
                case ExitReason.Interrupted:
                    Interpreter.InterruptRequested = false;
                    break;
            }
            SignalDelivery.DeliverPending(this, interrupted);
        }
    }
}

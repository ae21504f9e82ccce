namespace QemuSharp.LinuxUser;

/// <summary>A guest signal handler as rt_sigaction describes it (struct kernel_sigaction).</summary>
internal record struct SigAction(ulong Handler, ulong Flags, ulong Restorer, ulong Mask);

/// <summary>The process-wide signal dispositions.</summary>
internal sealed class SignalState
{
    public const int SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8, SIGKILL = 9, SIGSEGV = 11, SIGPIPE = 13, SIGCHLD = 17, SIGSTOP = 19;
    public const ulong SIG_DFL = 0, SIG_IGN = 1;

    public readonly SigAction[] Actions = new SigAction[65];
}

using System.Buffers.Binary;

namespace QemuSharp.LinuxUser.Signals;

/// <summary>The -strace line QEMU prints for each signal a guest thread takes, e.g.
/// <c>--- SIGSEGV {si_signo=SIGSEGV, si_code=1, si_addr=0x0000000000000010} ---</c>.</summary>
internal static class SignalTrace
{
    private static readonly string[] Names =
    [
        "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
        "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ];

    public static string Name(int sig) => sig > 0 && sig < Names.Length ? Names[sig] : sig.ToString();

    private static string Code(int code) => code switch
    {
        SigInfo.SI_USER => "SI_USER", SigInfo.SI_KERNEL => "SI_KERNEL", SigInfo.SI_QUEUE => "SI_QUEUE", SigInfo.SI_TIMER => "SI_TIMER",
        SigInfo.SI_MESGQ => "SI_MESGQ", SigInfo.SI_ASYNCIO => "SI_ASYNCIO", SigInfo.SI_SIGIO => "SI_SIGIO", SigInfo.SI_TKILL => "SI_TKILL", _ => code.ToString(),
    };

    public static string Line(byte[] info)
    {
        ReadOnlySpan<byte> i = info;
        int sig = SigInfo.Signo(info);
        int code = BinaryPrimitives.ReadInt32LittleEndian(i[8..]);
        int pid = BinaryPrimitives.ReadInt32LittleEndian(i[16..]);
        uint uid = BinaryPrimitives.ReadUInt32LittleEndian(i[20..]);
        string fields = sig switch
        {
            _ when code > 0 && code != SigInfo.SI_KERNEL && sig is SignalState.SIGSEGV or SignalState.SIGILL or SignalState.SIGFPE
                or SignalState.SIGBUS or SignalState.SIGTRAP
                => $"si_addr=0x{BinaryPrimitives.ReadUInt64LittleEndian(i[16..]):x16}",
            SignalState.SIGCHLD => $"si_pid={pid}, si_uid={uid}, si_status={BinaryPrimitives.ReadInt32LittleEndian(i[24..])}, "
                + $"si_utime={BinaryPrimitives.ReadInt64LittleEndian(i[32..])}, si_stime={BinaryPrimitives.ReadInt64LittleEndian(i[40..])}",
            _ when code is SigInfo.SI_QUEUE or SigInfo.SI_MESGQ => $"si_pid={pid}, si_uid={uid}, si_sigval={BinaryPrimitives.ReadUInt64LittleEndian(i[24..])}",
            _ => $"si_pid={pid}, si_uid={uid}",
        };
        return $"--- {Name(sig)} {{si_signo={Name(sig)}, si_code={Code(code)}, {fields}}} ---";
    }
}

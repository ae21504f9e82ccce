using QemuSharp.LinuxUser.Signals;
using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.LinuxUser;

/// <summary>Turns a guest CPU exception into the signal Linux would send, with its siginfo.</summary>
internal static partial class Faults
{
    public static int SignalFor(Vector v) => v switch
    {
        Vector.UD => SignalState.SIGILL,
        Vector.DE or Vector.MF or Vector.XM => SignalState.SIGFPE,
        Vector.BP or Vector.DB => SignalState.SIGTRAP,
        Vector.AC or Vector.SS => SignalState.SIGBUS,
        _ => SignalState.SIGSEGV,
    };

    private static readonly Dictionary<int, string> Names = new()
    {
        [3] = "Quit", [4] = "Illegal instruction", [5] = "Trace/breakpoint trap", [6] = "Aborted", [7] = "Bus error",
        [8] = "Floating point exception", [11] = "Segmentation fault", [24] = "CPU time limit exceeded",
        [25] = "File size limit exceeded", [31] = "Bad system call",
    };

    /// <summary>The siginfo Linux's trap handlers build for the CPU's current fault.</summary>
    public static byte[] InfoFor(X86Cpu c)
    {
        var f = c.Fault;
        int sig = SignalFor(f.Vector);
        return f.Vector switch
        {
            Vector.PF => SigInfo.Fault(sig, f.ProtectionViolation ? SigInfo.SEGV_ACCERR : SigInfo.SEGV_MAPERR, f.Address),
            Vector.UD => SigInfo.Fault(sig, SigInfo.ILL_ILLOPN, c.Rip),
            Vector.DE => SigInfo.Fault(sig, SigInfo.FPE_INTDIV, c.Rip),
            Vector.MF => SigInfo.Fault(sig, FpeCode(c.X87.StatusWord & ~c.X87.ControlWord), c.Rip),
            Vector.XM => SigInfo.Fault(sig, FpeCode((int)(c.Mxcsr & ~(c.Mxcsr >> 7))), c.Rip),
            Vector.AC => SigInfo.Fault(sig, SigInfo.BUS_ADRALN, c.Rip),
            _ => SigInfo.Fault(sig, SigInfo.SI_KERNEL, 0),
        };
    }

    /// <summary>si_code of a floating-point exception from its unmasked status bits (IE, ZE, OE, UE/DE, PE in that priority).</summary>
    private static int FpeCode(int unmasked) =>
        (unmasked & 0x01) != 0 ? SigInfo.FPE_FLTINV
        : (unmasked & 0x04) != 0 ? SigInfo.FPE_FLTDIV
        : (unmasked & 0x08) != 0 ? SigInfo.FPE_FLTOVF
        : (unmasked & 0x12) != 0 ? SigInfo.FPE_FLTUND
        : (unmasked & 0x20) != 0 ? SigInfo.FPE_FLTRES
        : 0;

    /// <summary>
    /// Delivers the fault of the thread's CPU to the guest's handler; true when the thread goes on.
    /// A synchronous signal that is blocked, ignored or left at SIG_DFL kills the process, as on Linux.
    /// </summary>
    public static bool Deliver(GuestThread thread, out int status)
    {
        var c = thread.Cpu;
        var fault = c.Fault;
        int sig = SignalFor(fault.Vector);
        if (thread.Process.Options.LogItems.Contains("guest_errors"))
            thread.Process.Log.WriteLine($"--- {fault.Vector} at 0x{c.Rip:x} (address 0x{fault.Address:x}) ---");
        SignalDelivery.RecordTrap(thread, fault);
        byte[] info = InfoFor(c);
        if (thread.Process.Options.Strace)
            thread.Process.Log.WriteLine(SignalTrace.Line(info));
        var s = thread.Process.Signals;
        SigAction act;
        bool blocked;
        lock (s.Lock)
        {
            act = s.Actions[sig];
            blocked = (thread.SignalMask & SignalState.Bit(sig)) != 0;
        }
        if (blocked || act.Handler is SignalState.SIG_DFL or SignalState.SIG_IGN)
        {
            status = DieBySignal(sig);
            return false;
        }
        SignalDelivery.RunHandler(thread, sig, info, act);
        status = 0;
        return true;
    }

    public static int DieBySignal(int sig)
    {
        string name = Names.GetValueOrDefault(sig, $"signal {sig}");
        Console.Error.WriteLine($"qemu: uncaught target signal {sig} ({name}) - core dumped");
        Console.Error.Flush();
        RaiseOnHost(sig);
        return 128 + sig;
    }

    /// <summary>Restores the host's default action and raises the signal, so that the parent sees the same wait status as for the native program.</summary>
    public static void RaiseOnHost(int sig)
    {
        HostSignals.SetDefault(sig);
        Host.Syscall(62, Environment.ProcessId, sig);
        Thread.Sleep(100);
    }
}

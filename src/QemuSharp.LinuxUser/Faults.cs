using System.Runtime.InteropServices;
using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.LinuxUser;

/// <summary>Turns a guest CPU exception into the signal Linux would send.</summary>
internal static partial class Faults
{
    public static int SignalFor(Vector v) => v switch
    {
        Vector.UD => SignalState.SIGILL,
        Vector.DE or Vector.MF or Vector.XM => SignalState.SIGFPE,
        Vector.BP or Vector.DB => SignalState.SIGTRAP,
        Vector.AC => SignalState.SIGBUS,
        _ => SignalState.SIGSEGV,
    };

    private static readonly Dictionary<int, string> Names = new()
    {
        [4] = "Illegal instruction", [5] = "Trace/breakpoint trap", [6] = "Aborted", [7] = "Bus error",
        [8] = "Floating point exception", [11] = "Segmentation fault",
    };

    /// <summary>Delivers the fault of the thread's CPU. Without a guest handler the process dies by that signal, as QEMU does.</summary>
    public static int Deliver(GuestThread thread)
    {
        var fault = thread.Cpu.Fault;
        int sig = SignalFor(fault.Vector);
        if (thread.Process.Options.Strace || thread.Process.Options.LogItems.Contains("guest_errors"))
            thread.Process.Log.WriteLine($"--- {fault.Vector} at 0x{thread.Cpu.Rip:x} (address 0x{fault.Address:x}) ---");
        return DieBySignal(sig);
    }

    public static int DieBySignal(int sig)
    {
        string name = Names.GetValueOrDefault(sig, $"signal {sig}");
        Console.Error.WriteLine($"qemu: uncaught target signal {sig} ({name}) - core dumped");
        Console.Error.Flush();
        // Restore the default action and raise the signal, so that the parent sees the same
        // wait status as for the native program.
        Span<byte> act = stackalloc byte[152];
        act.Clear();
        unsafe
        {
            fixed (byte* p = act)
                Host.Syscall(13, sig, (long)p, 0, 8);
        }
        Host.Syscall(62, Environment.ProcessId, sig);
        Thread.Sleep(100);
        return 128 + sig;
    }
}

using System.Buffers.Binary;

namespace QemuSharp.LinuxUser.Signals;

/// <summary>
/// siginfo_t as the x86-64 kernel lays it out (128 bytes): si_signo at 0, si_errno at 4, si_code
/// at 8, then the union at 16 (si_pid/si_uid, or si_addr for faults).
/// </summary>
internal static class SigInfo
{
    public const int Size = 128;
    public const int SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1, SI_TIMER = -2, SI_MESGQ = -3, SI_ASYNCIO = -4, SI_SIGIO = -5, SI_TKILL = -6;
    public const int SEGV_MAPERR = 1, SEGV_ACCERR = 2, ILL_ILLOPN = 2, BUS_ADRALN = 1;
    public const int FPE_INTDIV = 1, FPE_FLTDIV = 3, FPE_FLTOVF = 4, FPE_FLTUND = 5, FPE_FLTRES = 6, FPE_FLTINV = 7;

    public static int Signo(byte[] info) => BinaryPrimitives.ReadInt32LittleEndian(info);

    /// <summary>A signal sent by a process (kill, tkill, tgkill): the sender's pid and uid.</summary>
    public static byte[] FromProcess(int sig, int code)
    {
        var info = Header(sig, code);
        BinaryPrimitives.WriteInt32LittleEndian(info.AsSpan(16), Environment.ProcessId);
        BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(20), (uint)Host.Syscall(102));
        return info;
    }

    /// <summary>A signal raised by a CPU exception: si_addr is the faulting address.</summary>
    public static byte[] Fault(int sig, int code, ulong address)
    {
        var info = Header(sig, code);
        BinaryPrimitives.WriteUInt64LittleEndian(info.AsSpan(16), address);
        return info;
    }

    public static byte[] Header(int sig, int code)
    {
        var info = new byte[Size];
        BinaryPrimitives.WriteInt32LittleEndian(info, sig);
        BinaryPrimitives.WriteInt32LittleEndian(info.AsSpan(8), code);
        return info;
    }
}

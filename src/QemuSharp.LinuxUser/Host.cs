using System.Runtime.InteropServices;

namespace QemuSharp.LinuxUser;

/// <summary>The host Linux calls that user mode forwards to. Results follow the kernel's convention: -errno on failure.</summary>
internal static unsafe partial class Host
{
    public const int PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    public const int MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;
    public const int MAP_FIXED_NOREPLACE = 0x100000, MAP_GROWSDOWN = 0x100, MAP_STACK = 0x20000, MAP_POPULATE = 0x8000;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

    /// <summary>A raw host system call; returns the result or -errno.</summary>
    public static long Syscall(long nr, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0, long a6 = 0)
    {
        long r = syscall6(nr, a1, a2, a3, a4, a5, a6);
        return r == -1 ? -Marshal.GetLastPInvokeError() : r;
    }

    public static nint Mmap(nint addr, ulong length, int prot, int flags, int fd, long offset)
    {
        long r = Syscall(9, addr, (long)length, prot, flags, fd, offset);
        return (nint)r;
    }

    public static bool IsError(long r) => r < 0 && r > -4096;

    public static long Munmap(nint addr, ulong length) => Syscall(11, addr, (long)length);

    public static long Mprotect(nint addr, ulong length, int prot) => Syscall(10, addr, (long)length, prot);
}

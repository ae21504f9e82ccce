using System.Runtime.InteropServices;

namespace QemuSharp.Block.Posix;

/// <summary>Linux system calls that the BCL does not expose (x86-64 ABI).</summary>
internal static partial class Native
{
    public const int FOfdGetLk = 36;
    public const int FOfdSetLk = 37;
    public const short FRdLck = 0;
    public const short FWrLck = 1;
    public const short FUnLck = 2;
    public const int SeekData = 3;
    public const int SeekHole = 4;
    public const int FallocKeepSize = 0x01;
    public const int FallocPunchHole = 0x02;
    public const int Enxio = 6;

    /// <summary>struct flock as laid out on x86-64 Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Flock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Len;
        public int Pid;
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int FcntlLock(int fd, int cmd, ref Flock lck);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    public static partial long LSeek(int fd, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    public static partial int FAllocate(int fd, int mode, long offset, long length);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    public static partial int FDataSync(int fd);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static unsafe partial int FStat(int fd, byte* statBuffer);

    /// <summary>st_blocks × 512 of an open file (struct stat is 144 bytes, st_blocks at 64).</summary>
    public static unsafe long AllocatedBytes(int fd)
    {
        byte* st = stackalloc byte[256];
        if (FStat(fd, st) != 0)
            return -1;
        return *(long*)(st + 64) * 512;
    }
}

using System.Runtime.InteropServices;

namespace QemuSharp.Cli.System;

/// <summary>Process-level system calls for daemonizing and the pid file.</summary>
internal static unsafe partial class PosixProcess
{
    public const int F_SETLK = 6;
    public const short F_WRLCK = 1;

    [StructLayout(LayoutKind.Sequential)]
    public struct Flock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Len;
        public int Pid;
    }

    [LibraryImport("libc", SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setsid();

    [LibraryImport("libc", SetLastError = true)]
    public static partial int getpid();

    [LibraryImport("libc", SetLastError = true)]
    public static partial int ftruncate(int fd, long length);

    [LibraryImport("libc", SetLastError = true, EntryPoint = "fcntl")]
    public static partial int FcntlLock(int fd, int cmd, Flock* lk);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fstat(int fd, byte* stat);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int stat(string path, byte* stat);

    /// <summary>The (device, inode) pair of a struct stat (x86-64 layout: st_dev, st_ino first).</summary>
    public static (ulong Dev, ulong Ino) Identity(byte* statBuffer) => (*(ulong*)statBuffer, *(ulong*)(statBuffer + 8));
}

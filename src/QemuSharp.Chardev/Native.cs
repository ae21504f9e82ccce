using System.Runtime.InteropServices;

namespace QemuSharp.Chardev;

/// <summary>Linux system calls the BCL does not expose (raw descriptors, SCM_RIGHTS, ptys).</summary>
public static unsafe partial class Native
{
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int SOL_SOCKET = 1;
    public const int SO_TYPE = 3;
    public const int SCM_RIGHTS = 1;
    public const int MSG_CMSG_CLOEXEC = 0x40000000;
    public const int MSG_NOSIGNAL = 0x4000;
    public const short POLLIN = 1;
    public const short POLLOUT = 4;
    public const int F_GETFD = 1;
    public const int F_SETFD = 2;
    public const int F_SETLK = 6;
    public const int F_DUPFD_CLOEXEC = 1030;
    public const int FD_CLOEXEC = 1;
    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_NOCTTY = 0x100;
    public const int O_TRUNC = 0x200;
    public const int O_APPEND = 0x400;
    public const int O_CLOEXEC = 0x80000;
    public const int SHUT_RDWR = 2;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public void* Base;
        public nuint Len;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLen;
        public IoVec* Iov;
        public nuint IovLen;
        public void* Control;
        public nuint ControlLen;
        public int Flags;
    }

    [LibraryImport("libc", SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint nfds, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recvmsg(int fd, MsgHdr* msg, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint read(int fd, byte* buf, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint write(int fd, byte* buf, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint send(int fd, byte* buf, nuint count, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int shutdown(int fd, int how);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int accept4(int fd, void* addr, void* addrlen, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int getsockopt(int fd, int level, int name, int* value, int* len);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fcntl(int fd, int cmd, nint arg);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int dup2(int oldfd, int newfd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int posix_openpt(int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int grantpt(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int unlockpt(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int ptsname_r(int fd, byte* buf, nuint len);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int isatty(int fd);

    public static int Errno => Marshal.GetLastPInvokeError();

    public static string StrError(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>True when <paramref name="fd"/> is an open socket.</summary>
    public static bool IsSocket(int fd)
    {
        int type;
        int len = sizeof(int);
        return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0;
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for <paramref name="events"/>; true when ready.</summary>
    public static bool Poll(int fd, short events, int timeoutMs)
    {
        var p = new PollFd { Fd = fd, Events = events };
        int r = poll(&p, 1, timeoutMs);
        return r > 0;
    }

    /// <summary>
    /// Reads from a socket, collecting descriptors sent with SCM_RIGHTS (close-on-exec).
    /// Returns the byte count, 0 at end of stream, or -1 with errno.
    /// </summary>
    public static int ReceiveWithFds(int fd, Span<byte> buffer, List<int> fds)
    {
        const int controlSize = 256;
        byte* control = stackalloc byte[controlSize];
        fixed (byte* b = buffer)
        {
            var iov = new IoVec { Base = b, Len = (nuint)buffer.Length };
            var msg = new MsgHdr { Iov = &iov, IovLen = 1, Control = control, ControlLen = controlSize };
            nint n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
            if (n < 0)
                return -1;
            // struct cmsghdr { size_t len; int level; int type; data... }, 8-byte aligned.
            byte* c = control;
            byte* end = control + (long)msg.ControlLen;
            while (c + 16 <= end)
            {
                ulong len = *(ulong*)c;
                int level = *(int*)(c + 8);
                int type = *(int*)(c + 12);
                if (len < 16 || c + (long)len > end)
                    break;
                if (level == SOL_SOCKET && type == SCM_RIGHTS)
                    for (ulong off = 16; off + 4 <= len; off += 4)
                        fds.Add(*(int*)(c + off));
                c += (long)((len + 7) & ~7UL);
            }
            return (int)n;
        }
    }

    /// <summary>Writes all of <paramref name="data"/>, waiting when the descriptor is non-blocking.</summary>
    public static bool WriteAll(int fd, ReadOnlySpan<byte> data, bool isSocket)
    {
        fixed (byte* b = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                nint n = isSocket
                    ? send(fd, b + done, (nuint)(data.Length - done), MSG_NOSIGNAL)
                    : write(fd, b + done, (nuint)(data.Length - done));
                if (n < 0)
                {
                    int e = Errno;
                    if (e == EINTR)
                        continue;
                    if (e == EAGAIN)
                    {
                        Poll(fd, POLLOUT, 1000);
                        continue;
                    }
                    return false;
                }
                done += (int)n;
            }
            return true;
        }
    }

    public static void SetCloseOnExec(int fd, bool on)
    {
        int flags = fcntl(fd, F_GETFD, 0);
        if (flags >= 0)
            fcntl(fd, F_SETFD, on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC);
    }
}

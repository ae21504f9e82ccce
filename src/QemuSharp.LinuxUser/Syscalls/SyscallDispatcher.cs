using QemuSharp.LinuxUser.Memory;
using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.LinuxUser.Syscalls;

/// <summary>
/// Serves the guest's system calls: reads the arguments from the registers, checks every guest
/// pointer, and forwards to the host kernel or emulates. An unknown call returns -ENOSYS.
/// </summary>
internal sealed unsafe partial class SyscallDispatcher(GuestProcess process)
{
    public const long EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12;
    public const long EFAULT = 14, EEXIST = 17, EINVAL = 22, ENOTTY = 25, ERANGE = 34, ENOSYS = 38;

    private readonly GuestProcess _p = process;
    private GuestMemory Mem => _p.Memory;

    public bool ThreadExited { get; private set; }
    public int ExitStatus { get; private set; }

    public long Dispatch(GuestThread t)
    {
        var c = t.Cpu;
        long nr = (long)c.R[Gpr.Rax];
        long a1 = (long)c.R[Gpr.Rdi], a2 = (long)c.R[Gpr.Rsi], a3 = (long)c.R[Gpr.Rdx];
        long a4 = (long)c.R[Gpr.R10], a5 = (long)c.R[Gpr.R8], a6 = (long)c.R[Gpr.R9];
        if (_p.Options.Strace && nr is 60 or 231)
        {
            // These do not return: log them before they run, as QEMU does.
            _p.Log.WriteLine($"{Environment.ProcessId} {SyscallNames.Name(nr)}({a1})");
            _p.FlushLog();
        }
        long r;
        try
        {
            r = Call(t, nr, a1, a2, a3, a4, a5, a6);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException or OverflowException)
        {
            // A guest argument the checks above did not foresee: the guest gets an error, the
            // emulator goes on.
            if (_p.Options.LogItems.Contains("guest_errors"))
                _p.Log.WriteLine($"{SyscallNames.Name(nr)}: {e.Message}");
            r = -EINVAL;
        }
        if (_p.Options.Strace)
            _p.Log.WriteLine($"{Environment.ProcessId} {SyscallNames.Name(nr)}(0x{a1:x},0x{a2:x},0x{a3:x},0x{a4:x},0x{a5:x},0x{a6:x}) = {FormatResult(r)}");
        return r;
    }

    private static string FormatResult(long r) => r < 0 && r > -4096 ? $"-1 errno={-r} ({ErrnoName(-r)})" : r.ToString();

    private static string ErrnoName(long e) => e switch
    {
        ENOENT => "No such file or directory", EBADF => "Bad file descriptor", EAGAIN => "Resource temporarily unavailable",
        ENOMEM => "Cannot allocate memory", EFAULT => "Bad address", EINVAL => "Invalid argument", ENOTTY => "Inappropriate ioctl for device",
        ENOSYS => "Function not implemented", EPERM => "Operation not permitted", ECHILD => "No child processes",
        _ => $"errno {e}",
    };

    /// <summary>Host pointer for a guest buffer, or null when any of it is not mapped with the access.</summary>
    private byte* Buf(long addr, long len, bool kernelWrites) =>
        len < 0 ? null : _p.Space.HostPointer((ulong)addr, (ulong)len, kernelWrites ? PageTable.Write : PageTable.Read);

    /// <summary>A guest path as a NUL-terminated host string (after -L redirection), or null on a bad address.</summary>
    private byte[]? PathArg(long addr)
    {
        string? s = Mem.ReadString((ulong)addr);
        if (s == null)
            return null;
        s = SpecialFiles.Redirect(_p, s) ?? Paths.Resolve(_p.Options.Prefix, s);
        return [.. System.Text.Encoding.UTF8.GetBytes(s), 0];
    }

    /// <summary>Forwards a call whose arguments are all plain values.</summary>
    private static long Plain(long nr, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0, long a6 = 0) =>
        Host.Syscall(nr, a1, a2, a3, a4, a5, a6);

    /// <summary>Forwards a call with one guest buffer argument (the others plain).</summary>
    private long WithBuf(long nr, int bufArg, long len, bool kernelWrites, long a1, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0, long a6 = 0)
    {
        long[] a = [a1, a2, a3, a4, a5, a6];
        long guest = a[bufArg];
        if (guest == 0)
            return Host.Syscall(nr, a1, a2, a3, a4, a5, a6);
        if (len < 0)
            return -EFAULT;
        byte* p = Buf(guest, len, kernelWrites);
        if (p != null)
        {
            a[bufArg] = (long)p;
            return Host.Syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        }
        // The buffer spans mappings that are not contiguous on the host: bounce it.
        if (len > 1 << 26)
            return -EFAULT;
        byte[] bounce = new byte[Math.Max(1, len)];
        if (!kernelWrites && !Mem.TryRead((ulong)guest, bounce.AsSpan(0, (int)len)))
            return -EFAULT;
        if (kernelWrites && !Mem.TryWrite((ulong)guest, bounce.AsSpan(0, (int)len)))
            return -EFAULT;
        fixed (byte* b = bounce)
        {
            a[bufArg] = (long)b;
            long r = Host.Syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
            if (kernelWrites && r >= 0)
                Mem.TryWrite((ulong)guest, bounce.AsSpan(0, (int)len));
            return r;
        }
    }

    /// <summary>Forwards a call whose argument <paramref name="pathArg"/> is a path and whose buffer (if any) is fixed-size.</summary>
    private long WithPath(long nr, int pathArg, long a1, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0, int bufArg = -1, long bufLen = 0, bool kernelWrites = true)
    {
        long[] a = [a1, a2, a3, a4, a5, 0];
        byte[]? path = PathArg(a[pathArg]);
        if (path == null)
            return -EFAULT;
        if (bufArg >= 0 && a[bufArg] != 0)
        {
            byte* b = Buf(a[bufArg], bufLen, kernelWrites);
            if (b == null)
                return -EFAULT;
            a[bufArg] = (long)b;
        }
        fixed (byte* pp = path)
        {
            a[pathArg] = (long)pp;
            return Host.Syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        }
    }

    /// <summary>Forwards a call with two paths (rename, link, symlink...).</summary>
    private long WithTwoPaths(long nr, int p1, int p2, long a1, long a2, long a3 = 0, long a4 = 0, long a5 = 0)
    {
        long[] a = [a1, a2, a3, a4, a5, 0];
        byte[]? x = PathArg(a[p1]), y = PathArg(a[p2]);
        if (x == null || y == null)
            return -EFAULT;
        fixed (byte* px = x)
        fixed (byte* py = y)
        {
            a[p1] = (long)px;
            a[p2] = (long)py;
            return Host.Syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        }
    }

    private long Exit(int status, bool group)
    {
        ThreadExited = true;
        ExitStatus = status & 0xff;
        if (group)
        {
            _p.FlushLog();
            Environment.Exit(ExitStatus);
        }
        return 0;
    }
}

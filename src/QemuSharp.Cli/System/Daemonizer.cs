using QemuSharp.Chardev;

namespace QemuSharp.Cli.System;

/// <summary>
/// <c>-daemonize</c> without fork(): the parent starts a second copy of the emulator with the
/// write end of a pipe (its number in <see cref="ReadyFdVariable"/>) and exits 0 once the copy
/// writes a byte, or 1 if the pipe closes first. Descriptors the parent inherited (a pre-opened
/// monitor socket) are inherited by the copy in turn.
/// </summary>
internal static unsafe class Daemonizer
{
    public const string ReadyFdVariable = "QEMUSHARP_DAEMON_READY_FD";

    /// <summary>The readiness pipe when this process is the daemon copy, else -1.</summary>
    public static int ReadyFd =>
        int.TryParse(Environment.GetEnvironmentVariable(ReadyFdVariable), out int fd) ? fd : -1;

    public static int RunParent(string[] args)
    {
        int* fds = stackalloc int[2];
        if (PosixProcess.pipe2(fds, Native.O_CLOEXEC) != 0)
        {
            Console.Error.WriteLine($"qemu-system-x86_64: failed to create pipe: {Native.StrError(Native.Errno)}");
            return 1;
        }
        Native.SetCloseOnExec(fds[1], false);
        var start = new global::System.Diagnostics.ProcessStartInfo { UseShellExecute = false };
        string self = Environment.ProcessPath ?? "qemusharp";
        start.FileName = self;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "qemusharp.dll"));
        start.ArgumentList.Add("system-x86_64");
        foreach (string a in args)
            start.ArgumentList.Add(a);
        start.Environment[ReadyFdVariable] = fds[1].ToString(global::System.Globalization.CultureInfo.InvariantCulture);
        using (global::System.Diagnostics.Process.Start(start))
        {
        }
        Native.close(fds[1]);
        byte status = 0;
        nint n;
        do
        {
            n = Native.read(fds[0], &status, 1);
        }
        while (n < 0 && Native.Errno == Native.EINTR);
        return n == 1 && status == 0 ? 0 : 1;
    }

    private static string? Target(int fd)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>In the daemon copy: detach from the terminal, move stdio to /dev/null, tell the parent.</summary>
    public static void SignalReady()
    {
        int fd = ReadyFd;
        if (fd < 0)
            return;
        Environment.SetEnvironmentVariable(ReadyFdVariable, null);
        PosixProcess.setsid();
        int devNull = Native.open("/dev/null", Native.O_RDWR, 0);
        if (devNull >= 0)
        {
            // The runtime keeps duplicates of the standard streams (Console opens them by dup()):
            // every descriptor open on the same file as 0, 1 or 2 is pointed at /dev/null too, so
            // that whoever reads our stdout or stderr sees end of file.
            var stdio = new[] { 0, 1, 2 }.Select(Target).Where(t => t is not null).ToHashSet();
            foreach (string entry in Directory.GetFiles("/proc/self/fd"))
            {
                if (int.TryParse(Path.GetFileName(entry), out int other) && other != devNull && other != fd && stdio.Contains(Target(other)))
                    Native.dup2(devNull, other);
            }
            if (devNull > 2)
                Native.close(devNull);
        }
        byte ok = 0;
        Native.write(fd, &ok, 1);
        Native.close(fd);
    }
}

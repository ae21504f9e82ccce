using System.Text;
using QemuSharp.Chardev;

namespace QemuSharp.Cli.System;

/// <summary>
/// QEMU's <c>-pidfile</c>: created mode 0600, held under a POSIX write lock for the life of the
/// process (a second emulator on the same file fails), holding "PID\n", removed on exit.
/// </summary>
internal sealed unsafe class PidFile(string path, int fd) : IDisposable
{
    public static PidFile Create(string path)
    {
        while (true)
        {
            int fd = Native.open(path, Native.O_RDWR | Native.O_CREAT | Native.O_CLOEXEC, Convert.ToInt32("600", 8));
            if (fd < 0)
                throw new Common.Options.OptionException($"cannot create PID file: Could not create '{path}': {Native.StrError(Native.Errno)}");
            var lk = new PosixProcess.Flock { Type = PosixProcess.F_WRLCK };
            if (PosixProcess.FcntlLock(fd, PosixProcess.F_SETLK, &lk) != 0)
            {
                int e = Native.Errno;
                Native.close(fd);
                throw new Common.Options.OptionException($"cannot create PID file: Cannot lock pid file: {Native.StrError(e)}");
            }
            byte* a = stackalloc byte[144];
            byte* b = stackalloc byte[144];
            if (PosixProcess.fstat(fd, a) != 0 || PosixProcess.stat(path, b) != 0 || PosixProcess.Identity(a) != PosixProcess.Identity(b))
            {
                // The file was unlinked by its previous owner between open and lock: try again.
                Native.close(fd);
                continue;
            }
            PosixProcess.ftruncate(fd, 0);
            Native.WriteAll(fd, Encoding.ASCII.GetBytes($"{PosixProcess.getpid()}\n"), false);
            return new PidFile(path, fd);
        }
    }

    public void Dispose()
    {
        File.Delete(path);
        Native.close(fd);
    }
}

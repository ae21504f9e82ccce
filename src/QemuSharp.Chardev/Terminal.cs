using System.Runtime.InteropServices;

namespace QemuSharp.Chardev;

/// <summary>
/// Puts a terminal in the mode QEMU's stdio backend uses (no echo, no line buffering, 8 bits,
/// signals only when allowed) and restores it when the process exits.
/// </summary>
public static unsafe partial class Terminal
{
    private const int TermiosSize = 60;
    private const uint IGNBRK = 1, BRKINT = 2, PARMRK = 8, ISTRIP = 0x20, INLCR = 0x40, IGNCR = 0x80, ICRNL = 0x100, IXON = 0x400;
    private const uint OPOST = 1;
    private const uint CSIZE = 0x30, CS8 = 0x30, PARENB = 0x100;
    private const uint ISIG = 1, ICANON = 2, ECHO = 8, ECHONL = 0x40, IEXTEN = 0x8000;
    private const int VTIME = 5, VMIN = 6;
    private static byte[]? _saved;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcgetattr(int fd, byte* termios);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcsetattr(int fd, int action, byte* termios);

    public static void MakeRaw(int fd, bool allowSignals)
    {
        if (Native.isatty(fd) == 0)
            return;
        var t = new byte[TermiosSize];
        fixed (byte* p = t)
        {
            if (tcgetattr(fd, p) != 0)
                return;
            _saved ??= (byte[])t.Clone();
            uint* flags = (uint*)p;
            flags[0] &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
            flags[1] |= OPOST;
            flags[2] = (flags[2] & ~(CSIZE | PARENB)) | CS8;
            flags[3] &= ~(ECHO | ECHONL | ICANON | IEXTEN);
            if (!allowSignals)
                flags[3] &= ~ISIG;
            byte* cc = p + 17;
            cc[VMIN] = 1;
            cc[VTIME] = 0;
            tcsetattr(fd, 0, p);
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Restore(fd);
    }

    public static void Restore(int fd)
    {
        if (_saved is null)
            return;
        fixed (byte* p = _saved)
            tcsetattr(fd, 0, p);
    }
}

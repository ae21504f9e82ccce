using System.Text;

namespace QemuSharp.Common;

/// <summary>Facts about the running emulator process that the BCL does not expose.</summary>
public static class ProcessInfo
{
    /// <summary>
    /// The argv[0] the process was started with. The .NET host rewrites what
    /// <see cref="Environment.GetCommandLineArgs"/> reports, but /proc/self/cmdline keeps the
    /// name of the link the user invoked (qemu-x86_64, qemu-img, ...).
    /// </summary>
    public static string InvokedName()
    {
        try
        {
            byte[] cmdline = File.ReadAllBytes("/proc/self/cmdline");
            int end = Array.IndexOf(cmdline, (byte)0);
            return Encoding.UTF8.GetString(cmdline, 0, end < 0 ? cmdline.Length : end);
        }
        catch (IOException)
        {
            return Environment.GetCommandLineArgs()[0];
        }
    }
}

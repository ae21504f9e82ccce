using System.Runtime.InteropServices;

namespace QemuSharp.Block;

/// <summary>strerror-style texts for host failures, as QEMU prints them.</summary>
internal static class Errors
{
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    public static string Describe(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        UnauthorizedAccessException => "Permission denied",
        IOException io when io.HResult is > 0 and < 4096 => Describe(io.HResult),
        _ => e.Message,
    };
}

using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace QemuSharp.Hw.Tests.Pc;

/// <summary>
/// Debian's kernels and the busybox initramfs, fetched and built once by scripts/guest-kernel.sh,
/// and the two emulators that boot them: ours (QEMUSHARP_BIN) and Debian's qemu-system-x86_64.
/// </summary>
public static class GuestKernel
{
    private static readonly Lazy<string> Guest = new(Prepare);

    public static string Kernel(string flavour) => Path.Combine(Guest.Value, "kernel", flavour, "vmlinuz");

    public static string Initramfs => Path.Combine(Guest.Value, "initramfs.gz");

    public static string Ours
    {
        get
        {
            string? bin = Environment.GetEnvironmentVariable("QEMUSHARP_BIN");
            if (string.IsNullOrEmpty(bin) || !File.Exists(bin))
                throw new InvalidOperationException("QEMUSHARP_BIN is not set to the published qemusharp executable");
            return Path.Combine(Path.GetDirectoryName(bin)!, "qemu-system-x86_64");
        }
    }

    private static string Prepare() => Prepare(RepoRoot());

    private static string Prepare(string root)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "guest-kernel.sh")])
        {
            RedirectStandardError = true,
        };
        using var p = Process.Start(start)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"scripts/guest-kernel.sh failed: {err}");
        return Path.Combine(root, "out", "guest");
    }

    private static string RepoRoot([CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "QemuSharp.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}

using System.Text.RegularExpressions;

namespace QemuSharp.Hw.Tests.Boot;

/// <summary>
/// Debian's own kernel images, fetched once with apt-get download and unpacked with dpkg-deb
/// into a cache beside the test assembly, where later runs find them.
/// </summary>
internal static partial class DebianKernel
{
    private static readonly object Lock = new();

    /// <summary>The vmlinuz of linux-image-&lt;flavour&gt;-amd64 (flavour "cloud" or "" for generic).</summary>
    public static string Vmlinuz(string flavour)
    {
        string meta = flavour.Length == 0 ? "linux-image-amd64" : $"linux-image-{flavour}-amd64";
        string cache = Path.Combine(AppContext.BaseDirectory, "debian-kernels", meta);
        lock (Lock)
        {
            if (Find(cache) is { } cached)
                return cached;
            Directory.CreateDirectory(cache);
            var (exit, output) = HostTool.Run("apt-cache", cache, "depends", meta);
            Match package = VersionedPackage().Match(output);
            if (exit != 0 || !package.Success)
                throw new InvalidOperationException($"apt-cache depends {meta} named no linux-image-6.* package: {output}");
            (exit, output) = HostTool.Run("apt-get", cache, "download", package.Value);
            string? deb = Directory.GetFiles(cache, "*.deb").FirstOrDefault();
            if (exit != 0 || deb is null)
                throw new InvalidOperationException($"apt-get download {package.Value} failed: {output}");
            string root = Path.Combine(cache, "root");
            (exit, output) = HostTool.Run("dpkg-deb", cache, "-x", deb, root);
            if (exit != 0)
                throw new InvalidOperationException($"dpkg-deb -x {deb} failed: {output}");
            string vmlinuz = Directory.GetFiles(Path.Combine(root, "boot"), "vmlinuz-*").FirstOrDefault()
                ?? throw new InvalidOperationException($"{package.Value} holds no /boot/vmlinuz-*");
            File.Move(vmlinuz, Path.Combine(cache, Path.GetFileName(vmlinuz)));
            Directory.Delete(root, recursive: true);
            File.Delete(deb);
            return Find(cache)!;
        }
    }

    /// <summary>Only the vmlinuz is kept; the modules the package also holds are removed after unpacking.</summary>
    private static string? Find(string cache) =>
        Directory.Exists(cache) ? Directory.GetFiles(cache, "vmlinuz-*").FirstOrDefault() : null;

    [GeneratedRegex(@"linux-image-6\.[0-9A-Za-z.+~-]+-amd64")]
    private static partial Regex VersionedPackage();
}

using System.Diagnostics;

namespace QemuSharp.Block.Tests;

/// <summary>Our OFD byte-range locks and QEMU's exclude each other as QEMU's own users do.</summary>
public sealed class LockingTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task ShouldRefuseImagesQemuIoHoldsOpenForWriting()
    {
        string image = _dir["l.qcow2"];
        Oracle.DebianImg("create", "-f", "qcow2", image, "1M");
        using var holder = Process.Start(new ProcessStartInfo("qemu-io", ["-c", "sleep 600000", image]) { RedirectStandardOutput = true })!;
        try
        {
            // Probing with another QEMU tool would race qemu-io's own lock requests; /proc/locks is passive.
            await WaitUntil(() => HasOfdLocks(image));
            foreach (string[] args in new[] { new[] { "info", image }, ["check", "-r", "all", image] })
            {
                var theirs = Oracle.DebianImg(args);
                var ours = Oracle.Ours(args);
                Assert.Equal(1, ours.ExitCode);
                Assert.Equal(theirs.Err, ours.Err);
            }
            Assert.Equal(0, Oracle.Ours("info", "-U", image).ExitCode);
        }
        finally
        {
            holder.Kill();
        }
    }

    [Fact]
    public void ShouldKeepQemuOutWhileWeHoldTheImage()
    {
        string image = _dir["m.qcow2"];
        Oracle.Ours("create", "-f", "qcow2", image, "1M");
        using (ImageOpener.Open(image, new OpenOptions { ReadOnly = false }))
        {
            var info = Oracle.DebianImg("info", image);
            Assert.Equal(1, info.ExitCode);
            Assert.Contains("Failed to get shared \"write\" lock", info.Err);
            Assert.Equal(0, Oracle.DebianImg("info", "-U", image).ExitCode);
            Assert.NotEqual(0, Oracle.Io(image, "write 0 512").ExitCode);
        }
        Assert.Equal(0, Oracle.DebianImg("info", image).ExitCode);
    }

    [Fact]
    public void ShouldShareReadOnlyOpensWithQemuReaders()
    {
        string image = _dir["r.qcow2"];
        Oracle.Ours("create", "-f", "qcow2", image, "1M");
        using (ImageOpener.Open(image, new OpenOptions()))
        {
            Assert.Equal(0, Oracle.DebianImg("info", image).ExitCode);
            Assert.NotEqual(0, Oracle.Io(image, "write 0 512").ExitCode);
        }
    }

    [Fact]
    public void ShouldNotTruncateAnImageInUseWhenCreatingOverIt()
    {
        string image = _dir["u.qcow2"];
        Oracle.Ours("create", "-f", "qcow2", image, "1M");
        long length = new FileInfo(image).Length;
        using (ImageOpener.Open(image, new OpenOptions { ReadOnly = false }))
        {
            var r = Oracle.DebianImg("create", "-f", "raw", image, "1M");
            Assert.NotEqual(0, r.ExitCode);
        }
        using (ImageOpener.Open(image, new OpenOptions()))
        {
            Assert.Equal(1, Oracle.Ours("create", "-f", "raw", image, "2M").ExitCode);
        }
        Assert.Equal(length, new FileInfo(image).Length);
    }

    private static bool HasOfdLocks(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        string inode = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return File.ReadAllLines("/proc/locks").Any(l => l.Contains("OFDLCK") && l.Contains($":{inode} "));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (int i = 0; i < 100 && !condition(); i++)
            await Task.Delay(20);
    }

    public void Dispose() => _dir.Dispose();
}

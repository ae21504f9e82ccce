using System.Diagnostics;

namespace QemuSharp.Block.Tests;

/// <summary>
/// kill -9 of our qemu-img while it allocates clusters (copy-on-write after a snapshot): Debian's
/// check finds at most leaks, repairs them, and every request region reads old or new data.
/// QEMUSHARP_CRASH_ITERATIONS raises the number of runs (default 3).
/// </summary>
public sealed class CrashSafetyTests : IDisposable
{
    private const int Step = 4096;
    private const int RequestSize = 512;
    private readonly TempDir _dir = new();

    [Fact]
    public async Task ShouldOnlyLeakWhenKilledDuringAllocatingWrites()
    {
        string bin = Oracle.Executable();
        int iterations = int.TryParse(Environment.GetEnvironmentVariable("QEMUSHARP_CRASH_ITERATIONS"), out int n) ? n : 3;
        var rng = new Random(42);
        for (int i = 0; i < iterations; i++)
        {
            string image = _dir[$"c{i}.qcow2"];
            Assert.Equal(0, Oracle.Ours("create", "-f", "qcow2", "-o", "cluster_size=4096", image, "32M").ExitCode);
            Assert.Equal(0, Oracle.Ours("bench", "-q", "-w", "-c", "8192", "-s", "4096", "-S", "4096", "--pattern=1", image).ExitCode);
            Assert.Equal(0, Oracle.Ours("snapshot", "-c", "before", image).ExitCode);
            using (var writer = Process.Start(bin, ["img", "bench", "-q", "-w", "-c", "8192", "-s", $"{RequestSize}", "-S", $"{Step}",
                "--pattern=2", "--flush-interval=" + rng.Next(1, 64), image])!)
            {
                await Task.Delay(rng.Next(150, 900));
                writer.Kill();
                await writer.WaitForExitAsync();
            }
            var check = Oracle.DebianImg("check", image);
            Assert.True(check.ExitCode is 0 or 3, check.Out + check.Err);
            Assert.Equal(0, Oracle.DebianImg("check", "-r", "leaks", image).ExitCode);
            Assert.Equal(0, Oracle.DebianImg("check", image).ExitCode);
            AssertOldOrNewData(image);
        }
    }

    private void AssertOldOrNewData(string image)
    {
        string raw = _dir["data.raw"];
        File.Delete(raw);
        Assert.Equal(0, Oracle.DebianImg("convert", "-O", "raw", image, raw).ExitCode);
        byte[] data = File.ReadAllBytes(raw);
        for (int at = 0; at < data.Length; at += Step)
        {
            var request = data.AsSpan(at, RequestSize);
            Assert.True(!request.ContainsAnyExcept((byte)1) || !request.ContainsAnyExcept((byte)2), $"torn request at {at}");
            Assert.False(data.AsSpan(at + RequestSize, Step - RequestSize).ContainsAnyExcept((byte)1), $"lost old data at {at}");
        }
    }

    public void Dispose() => _dir.Dispose();
}

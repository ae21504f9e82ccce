using QemuSharp.Block;
using QemuSharp.Nbd.Client;

namespace QemuSharp.Nbd.Tests;

/// <summary>Many clients at once, each writing its own stripes and reading everyone's back.</summary>
public sealed class ConcurrencyTests
{
    private const int Clients = 32;
    private const int Stripe = 64 << 10;
    private const int StripesPerClient = 8;

    [Theory]
    [InlineData("raw")]
    [InlineData("qcow2")]
    public void ThirtyTwoClientsShouldReadAndWriteEveryByteRight(string format)
    {
        long size = (long)Clients * Stripe * StripesPerClient;
        using var served = new ServedImage(format: format, size: size.ToString());
        byte[] expected = Tools.Pattern((int)size, 11);
        Parallel.For(0, Clients, new ParallelOptions { MaxDegreeOfParallelism = Clients }, client =>
        {
            using var driver = NbdBlockDriver.Open(served.Uri(), new OpenOptions { ReadOnly = false });
            var back = new byte[Stripe];
            for (int i = 0; i < StripesPerClient; i++)
            {
                long at = ((long)i * Clients + client) * Stripe;
                driver.Write(at, expected.AsSpan((int)at, Stripe));
                long other = ((long)i * Clients + (client + 1) % Clients) * Stripe;
                driver.Read(other, back);
                driver.Read(at, back);
                Assert.True(back.AsSpan().SequenceEqual(expected.AsSpan((int)at, Stripe)));
            }
            driver.Flush();
        });
        string reference = Path.Combine(served.Dir, "reference.raw");
        File.WriteAllBytes(reference, expected);
        Tools.Ok("qemu-img", "compare", "-f", "raw", "-F", "raw", reference, served.Uri());
        served.Stop();
        Tools.Ok("qemu-img", "compare", "-f", "raw", "-F", format, reference, served.ImagePath);
    }

    [Fact]
    public void ThirtyTwoQemuIoProcessesShouldEachReadBackTheirOwnPattern()
    {
        using var served = new ServedImage(format: "qcow2", size: "32M");
        var results = new (int Exit, string Out, string Err)[Clients];
        Parallel.For(0, Clients, new ParallelOptions { MaxDegreeOfParallelism = Clients }, client =>
        {
            string at = $"{client}M";
            results[client] = Tools.Run("qemu-io", "-f", "raw", "-t", "writeback", "-c", $"write -P {client + 1} {at} 1M",
                "-c", $"read -P {client + 1} {at} 1M", served.Uri());
        });
        Assert.All(results, r => Assert.Equal((0, "", false), (r.Exit, r.Err, r.Out.Contains("verification failed"))));
        served.Stop();
        var reads = Enumerable.Range(0, Clients).SelectMany(c => new[] { "-c", $"read -P {c + 1} {c}M 1M" });
        string output = Tools.Ok("qemu-io", ["-f", "qcow2", "-r", .. reads, served.ImagePath]);
        Assert.DoesNotContain("Pattern verification failed", output);
    }

    [Fact]
    public async Task ASecondClientShouldWaitWhileTheOnlySlotIsTaken()
    {
        using var served = new ServedImage(options: new NbdServerOptions { MaxClients = 1, Persistent = true });
        var first = NbdBlockDriver.Open(served.Uri(), new OpenOptions());
        var second = Task.Run(() => NbdBlockDriver.Open(served.Uri(), new OpenOptions()));
        Assert.NotSame(second, await Task.WhenAny(second, Task.Delay(1000)));
        first.Dispose();
        using var admitted = await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(16 << 20, admitted.Length);
    }
}

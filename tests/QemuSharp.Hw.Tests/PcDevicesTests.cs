namespace QemuSharp.Hw.Tests;

/// <summary>All the chips together, as a guest that writes anything anywhere would drive them.</summary>
public sealed class PcDevicesTests
{
    private static readonly ushort[] Ports =
    [
        0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1, 0x40, 0x41, 0x42, 0x43, 0x61, 0x70, 0x71, 0x80, 0x92,
        0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff, 0x60, 0xcf8, 0xcf9, 0xcfc, 0xcfd, 0xcfe, 0xcff,
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ShouldSurviveRandomPortTraffic(int seed)
    {
        var pc = new PcDevices();
        var random = new Random(seed);
        for (int i = 0; i < 20_000; i++)
        {
            ushort port = Ports[random.Next(Ports.Length)];
            int size = 1 << random.Next(3);
            // 0x64 commands 0xd1 and 0xf0-0xff reset the machine; the callbacks ignore that here.
            if (random.Next(2) == 0)
                pc.Io.Write(port, size, (uint)random.Next());
            else
                pc.Io.Read(port, size);
            if (random.Next(64) == 0)
                pc.Io.Write(0x64, 1, (uint)random.Next(256));
            pc.Clock.Advance(random.Next(100_000));
            pc.Timers.RunExpired();
        }
        pc.Pic.Acknowledge();
        Assert.InRange(pc.Rtc.Now.Year, 1970, 9999);
    }
}

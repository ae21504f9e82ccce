using System.Diagnostics;

namespace QemuSharp.Hw.Tests;

/// <summary>Register values straight after reset, against qemu-system-x86_64 started without firmware.</summary>
public sealed class QemuResetStateTests
{
    [Fact]
    public void ShouldMatchQemuLegacyPortsAtReset()
    {
        var script = new QemuPortScript();
        for (int port = 0x3f9; port <= 0x3ff; port++)
            script.In8(port);
        // IRR bit 0 is left out: QEMU's PIT raises IRQ0 55 ms after reset, which a slow start reaches.
        script.In8(0x64)
            .In8(0x21).In8(0xa1).In8(0x20, 0xfe).In8(0xa0).In8(0x4d0).In8(0x4d1)
            .Out8(0x70, 0x0a).In8(0x71, 0x7f)
            .Out8(0x70, 0x0b).In8(0x71)
            .Out8(0x70, 0x0d).In8(0x71)
            .Out8(0x43, 0xee).In8(0x40, 0x7f).In8(0x41, 0x7f).In8(0x42, 0x7f)
            .In8(0x61, 0xdf).In8(0x61, 0xdf)
            .In8(0x92).In8(0x80);
        script.AssertSameAsQemu(new PcDevices().Io);
    }

    [Fact]
    public void ShouldMatchQemuPciConfigurationSpaceAtReset()
    {
        var script = new QemuPortScript();
        for (int register = 0; register < 256; register += 4)
            script.PciRead(0x00, register);
        for (int register = 0; register < 256; register += 4)
            script.PciRead(0x08, register);
        script.In32(0xcf8);
        script.AssertSameAsQemu(new PcDevices().Io);
    }

    [Theory]
    [InlineData(128)]
    [InlineData(5000)]
    public void ShouldMatchQemuCmosMemorySizeBytes(int memoryMiB)
    {
        var script = new QemuPortScript();
        foreach (int index in new[] { 0x15, 0x16, 0x17, 0x18, 0x30, 0x31, 0x34, 0x35, 0x5b, 0x5c, 0x5d })
            script.Out8(0x70, index).In8(0x71);
        script.AssertSameAsQemu(new PcDevices((ulong)memoryMiB << 20).Io, memoryMiB);
    }

    [Fact]
    public async Task ShouldNameIoWindowsAsQemuInfoMtreeDoes()
    {
        var psi = new ProcessStartInfo("qemu-system-x86_64",
            "-M pc -m 128 -nodefaults -no-user-config -display none -serial null -monitor stdio -S")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process qemu = Process.Start(psi)!;
        qemu.StandardInput.Write("info mtree\nquit\n");
        qemu.StandardInput.Close();
        Task<string> output = qemu.StandardOutput.ReadToEndAsync();
        if (!qemu.WaitForExit(60_000))
        {
            qemu.Kill(entireProcessTree: true);
            Assert.Fail("qemu-system-x86_64 did not quit");
        }
        var qemuLines = (await output).Split('\n').Select(l => l.Trim()).ToHashSet();
        var ours = new PcDevices().Io.Describe().Select(l => l.Trim()).ToList();
        Assert.NotEmpty(ours);
        Assert.All(ours, line => Assert.Contains(line, qemuLines));
    }
}

using System.Diagnostics;

namespace QemuSharp.Target.X86.Tests.System;

/// <summary>Runs a firmware image in Debian's qemu-system-x86_64 (TCG) and returns what it printed on debugcon.</summary>
public static class QemuOracle
{
    public static string Run(byte[] image)
    {
        string dir = Directory.CreateTempSubdirectory("syscpu").FullName;
        try
        {
            string bios = Path.Combine(dir, "bios.bin"), output = Path.Combine(dir, "out.txt");
            File.WriteAllBytes(bios, image);
            var psi = new ProcessStartInfo("qemu-system-x86_64")
            {
                ArgumentList = { "-M", "pc", "-accel", "tcg", "-bios", bios, "-display", "none", "-nodefaults", "-debugcon", $"file:{output}",
                    "-device", "isa-debug-exit,iobase=0xf4,iosize=1", "-no-reboot" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var p = Process.Start(psi)!;
            if (!p.WaitForExit(20_000))
            {
                p.Kill();
                throw new TimeoutException("qemu-system-x86_64 did not finish");
            }
            return File.Exists(output) ? File.ReadAllText(output) : "";
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}

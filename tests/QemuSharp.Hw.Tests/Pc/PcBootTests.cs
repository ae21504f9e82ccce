using System.Diagnostics;
using System.Text;

namespace QemuSharp.Hw.Tests.Pc;

/// <summary>
/// Smoke tests of the pc machine: Debian's own kernels boot with a busybox initramfs, run the
/// guest's check script (arithmetic, hashing, file work, a few hundred processes) and power off.
/// Debian's qemu-system-x86_64 runs the same script: its output is the oracle.
/// </summary>
public sealed class PcBootTests
{
    private static readonly string[] CheckedPrefixes = ["arith ", "lines ", "sha ", "md5 ", "procs ", "cpus ", "QEMUSHARP-SCRIPT-DONE"];

    [Theory]
    [InlineData("cloud")]
    [InlineData("generic")]
    public void ShouldBootDebianKernelRunTheScriptAndPowerOff(string flavour)
    {
        string[] args =
        [
            "-M", "pc", "-m", "256", "-nographic", "-no-reboot",
            "-kernel", GuestKernel.Kernel(flavour), "-initrd", GuestKernel.Initramfs,
            "-append", "console=ttyS0 qs.script=/check.sh",
        ];
        var qemu = Boot("qemu-system-x86_64", args);
        var ours = Boot(GuestKernel.Ours, args);
        Assert.Equal(0, qemu.ExitCode);
        Assert.Equal(CheckedPrefixes.Length, Checked(qemu.Output).Length);
        Assert.True(ours.ExitCode == 0, $"exit {ours.ExitCode}; serial output ends:\n{Tail(ours.Output)}");
        Assert.Equal(Checked(qemu.Output), Checked(ours.Output));
        Assert.Contains("QEMUSHARP-SCRIPT-DONE 0", ours.Output);
    }

    private static string[] Checked(string output) =>
        [.. output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => CheckedPrefixes.Any(l.StartsWith))];

    private static string Tail(string s) => s.Length > 3000 ? s[^3000..] : s;

    private sealed record Result(int ExitCode, string Output);

    private static Result Boot(string emulator, string[] args)
    {
        var start = new ProcessStartInfo(emulator, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        using var p = Process.Start(start)!;
        var output = new StringBuilder();
        p.OutputDataReceived += (_, e) => { lock (output) output.Append(e.Data).Append('\n'); };
        p.ErrorDataReceived += (_, e) => { lock (output) output.Append(e.Data).Append('\n'); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            lock (output)
                return new Result(-1, output.ToString());
        }
        p.WaitForExit();
        lock (output)
            return new Result(p.ExitCode, output.ToString());
    }
}

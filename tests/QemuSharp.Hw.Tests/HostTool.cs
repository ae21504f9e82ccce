using System.Diagnostics;

namespace QemuSharp.Hw.Tests;

/// <summary>Runs a Debian program that serves as an oracle and collects its exit status and output.</summary>
internal static class HostTool
{
    public static (int ExitCode, string Output) Run(string program, string workingDirectory, params string[] arguments)
    {
        var psi = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in arguments)
            psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{program} is needed for this test and could not be started: {e.Message}");
        }
        using (process)
        {
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout + stderr.Result);
        }
    }

    public static string TemporaryDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "qemusharp-hw-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}

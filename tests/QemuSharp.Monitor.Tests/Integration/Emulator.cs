using System.Diagnostics;

namespace QemuSharp.Monitor.Tests.Integration;

/// <summary>The published emulator (QEMUSHARP_BIN), Debian's QEMU, and the client scripts.</summary>
public static class Emulator
{
    public const string Qemu = "qemu-system-x86_64";

    /// <summary>How to start our system emulator: the multi-call binary plus its mode.</summary>
    public static string[] Ours
    {
        get
        {
            string? bin = Environment.GetEnvironmentVariable("QEMUSHARP_BIN");
            if (string.IsNullOrEmpty(bin) || !File.Exists(bin))
                throw new InvalidOperationException(
                    "QEMUSHARP_BIN is not set to the published qemusharp executable " +
                    "(dotnet publish src/QemuSharp.Cli -c Release -o out/pub; export QEMUSHARP_BIN=$PWD/out/pub/qemusharp)");
            return [bin, "system-x86_64"];
        }
    }

    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Scripts", name);

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs a program to completion (killed after <paramref name="timeoutSeconds"/>).</summary>
    public static Result Run(IEnumerable<string> command, string? stdin = null, int timeoutSeconds = 120)
    {
        var list = command.ToList();
        var start = new ProcessStartInfo(list[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in list.Skip(1))
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
            process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', list)} did not finish in {timeoutSeconds} s");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a client script against an emulator command line.</summary>
    public static Result RunScript(string interpreter, string script, IEnumerable<string> before, IEnumerable<string> emulator) =>
        Run([interpreter, Script(script), .. before, .. emulator]);
}

using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace QemuSharp.LinuxUser.Tests;

/// <summary>Builds the C and assembly guest programs of tests/guest with the machine's gcc, once per test run.</summary>
public static class GuestPrograms
{
    private static readonly Dictionary<string, string> Built = new();
    private static readonly Lock BuildLock = new();

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The tree this file was compiled from (the build output may live elsewhere: QEMUSHARP_BUILD_DIR).</summary>
    private static string FindRepoRoot([CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "QemuSharp.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    /// <summary>Compiles tests/guest/&lt;sources&gt; into a static executable and returns its path.</summary>
    public static string Build(string name, params string[] sources)
    {
        lock (BuildLock)
        {
            if (Built.TryGetValue(name, out var path))
                return path;
            string outDir = Path.Combine(Path.GetTempPath(), "qemusharp-guests", Environment.ProcessId.ToString());
            Directory.CreateDirectory(outDir);
            path = Path.Combine(outDir, name);
            var args = new List<string> { "-O2", "-static", "-o", path };
            args.AddRange(sources.Select(s => Path.Combine(RepoRoot, "tests", "guest", s)));
            args.Add("-lm");
            args.Add("-lpthread");
            var r = Run.Process("gcc", args, "");
            if (r.ExitCode != 0)
                throw new InvalidOperationException($"gcc failed for {name}: {r.Stderr}");
            Built[name] = path;
            return path;
        }
    }
}

/// <summary>Runs processes: natively, and under the emulator named by QEMUSHARP_BIN.</summary>
public static class Run
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static string Emulator =>
        Environment.GetEnvironmentVariable("QEMUSHARP_BIN") is { Length: > 0 } bin
            ? bin
            : throw new InvalidOperationException("QEMUSHARP_BIN is not set: run the tests through scripts/test.sh, or set it to a published qemusharp");

    public static Result Process(string file, IEnumerable<string> args, string stdin, byte[]? stdinBytes = null, int timeoutMs = 120_000,
        string? workDir = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workDir != null)
            psi.WorkingDirectory = workDir;
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        var stderrTask = p.StandardError.ReadToEndAsync();
        try
        {
            if (stdinBytes != null)
                p.StandardInput.BaseStream.Write(stdinBytes);
            else
                p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        catch (IOException)
        {
            // The program exited without reading all of its input.
        }
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeoutMs} ms");
        }
        return new Result(p.ExitCode, stdoutTask.Result, stderrTask.Result);
    }

    public static Result Native(string program, IEnumerable<string> args, string stdin = "", byte[]? stdinBytes = null) =>
        Process(program, args, stdin, stdinBytes);

    public static Result Emulated(string program, IEnumerable<string> args, string stdin = "", byte[]? stdinBytes = null,
        string cpu = "max") =>
        Process(Emulator, new[] { "x86_64", "-cpu", cpu, program }.Concat(args), stdin, stdinBytes);
}

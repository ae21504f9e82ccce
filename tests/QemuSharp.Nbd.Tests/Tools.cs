using System.Diagnostics;
using System.Security.Cryptography;

namespace QemuSharp.Nbd.Tests;

/// <summary>Runs the Debian peers (nbdinfo, nbdcopy, qemu-img, qemu-io, qemu-nbd, nbdkit, certtool).</summary>
internal static class Tools
{
    public static (int Exit, string Out, string Err) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment["PATH"] = "/usr/bin:/bin:" + Environment.GetEnvironmentVariable("PATH");
        foreach (string a in args)
            start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a tool that must succeed and returns its standard output.</summary>
    public static string Ok(string file, params string[] args)
    {
        var (exit, stdout, stderr) = Run(file, args);
        Assert.True(exit == 0, $"{file} {string.Join(' ', args)} exited {exit}: {stderr}");
        return stdout;
    }

    /// <summary>Starts a long-running peer (a server) that the caller kills.</summary>
    public static Process Start(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true };
        foreach (string a in args)
            start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    public static void Stop(Process p)
    {
        if (!p.HasExited)
            p.Kill(true);
        p.WaitForExit();
        p.Dispose();
    }

    public static void WaitForFile(string path)
    {
        for (int i = 0; i < 200 && !File.Exists(path); i++)
            Thread.Sleep(50);
        Assert.True(File.Exists(path), $"{path} never appeared");
    }

    public static string Sha256(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(f));
    }

    /// <summary>A file of pseudo-random bytes with zero-filled stretches, the same for a seed.</summary>
    public static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        for (int at = 0; at + 65536 <= length; at += 4 * 65536)
            data.AsSpan(at, 65536).Clear();
        return data;
    }
}

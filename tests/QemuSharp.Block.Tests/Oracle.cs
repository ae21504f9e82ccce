using System.Diagnostics;
using QemuSharp.Block.Tools;

namespace QemuSharp.Block.Tests;

/// <summary>Runs Debian's qemu-img and qemu-io (the oracles) and our qemu-img in-process.</summary>
public static class Oracle
{
    public sealed record Result(int ExitCode, string Out, string Err);

    public static Result Debian(string tool, params string[] args) => RunProcess(tool, args);

    public static Result DebianImg(params string[] args) => RunProcess("qemu-img", args);

    public static Result Io(string image, params string[] commands)
    {
        var args = new List<string> { "-t", "writeback" };
        foreach (string c in commands)
        {
            args.Add("-c");
            args.Add(c);
        }
        args.Add(image);
        return RunProcess("qemu-io", args.ToArray());
    }

    public static Result IoRaw(string image, params string[] commands)
    {
        var args = new List<string> { "-f", "raw" };
        foreach (string c in commands)
        {
            args.Add("-c");
            args.Add(c);
        }
        args.Add(image);
        return RunProcess("qemu-io", args.ToArray());
    }

    /// <summary>Our qemu-img, called in-process with its own writers.</summary>
    public static Result Ours(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = ImgMain.Run(args, stdout, stderr);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The published executable named by QEMUSHARP_BIN.</summary>
    public static string Executable()
    {
        string? bin = Environment.GetEnvironmentVariable("QEMUSHARP_BIN");
        if (string.IsNullOrEmpty(bin) || !File.Exists(bin))
            throw new InvalidOperationException("QEMUSHARP_BIN must name the published qemusharp executable for this test");
        return bin;
    }

    public static Result RunProcess(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>A scratch directory removed after each test class.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = Directory.CreateTempSubdirectory("qemusharp-block-").FullName;
    }

    public string Path { get; }

    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>A raw file with random data, a repeated text region and holes.</summary>
    public string MakeRaw(string name, long size, int seed)
    {
        string path = this[name];
        var rng = new Random(seed);
        using var f = new FileStream(path, FileMode.Create);
        f.SetLength(size);
        for (int i = 0; i < 40; i++)
        {
            long at = rng.NextInt64(0, size);
            var data = new byte[(int)Math.Min(rng.Next(1, 150_000), size - at)];
            if (i % 3 == 0)
                Array.Fill(data, (byte)'q');
            else
                rng.NextBytes(data);
            f.Position = at;
            f.Write(data);
        }
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

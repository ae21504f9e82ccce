using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace QemuSharp.Target.X86.Tests.X87;

/// <summary>
/// The host CPU as the x87 oracle: oracle/x87oracle.c, compiled with the machine's gcc on first
/// use, runs each case on the real FPU and returns its FNSAVE image and memory operand.
/// </summary>
internal static class HostOracle
{
    public const int ResultSize = 118;
    private static readonly Lazy<string> Executable = new(() => Compile("x87oracle"));
    private static readonly Lazy<string> ImagesExecutable = new(() => Compile("x87images"));

    /// <summary>Runs the cases through oracle/x87oracle.c.</summary>
    public static byte[] Run(ReadOnlySpan<byte> cases) => Run(Executable.Value, cases);

    /// <summary>Runs oracle/x87images.c, which takes no input.</summary>
    public static byte[] RunImages() => Run(ImagesExecutable.Value, []);

    private static byte[] Run(string executable, ReadOnlySpan<byte> cases)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("oracle did not start");
        byte[] input = cases.ToArray();
        var writer = Task.Run(() =>
        {
            process.StandardInput.BaseStream.Write(input);
            process.StandardInput.Close();
        });
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        writer.Wait();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.ToArray();
    }

    private static string Compile(string name)
    {
        string source = Path.Combine(SourceDirectory(), "oracle", name + ".c");
        string directory = Path.Combine(Path.GetTempPath(), $"qemusharp-x87-oracle-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        string binary = Path.Combine(directory, name);
        using Process gcc = Process.Start(new ProcessStartInfo("gcc", ["-O1", "-Wall", "-o", binary, source])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("gcc did not start");
        string errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        if (gcc.ExitCode != 0)
        {
            throw new InvalidOperationException($"gcc failed on {source}: {errors}");
        }
        return binary;
    }

    private static string SourceDirectory([CallerFilePath] string path = "") =>
        Path.GetDirectoryName(path) ?? throw new InvalidOperationException("no source path");
}

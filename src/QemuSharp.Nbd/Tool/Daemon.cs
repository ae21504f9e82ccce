using System.Diagnostics;
using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace QemuSharp.Nbd.Tool;

/// <summary>
/// qemu-nbd --fork without fork(): the parent starts a second copy of the program with the write
/// end of a pipe named in <see cref="ReadyVariable"/>, relays the copy's error output, and exits
/// 0 once the copy reports that it listens, or 1 if the copy ends first.
/// </summary>
internal static partial class Daemon
{
    public const string ReadyVariable = "QEMUSHARP_NBD_READY_FD";

    public static bool IsChild => Environment.GetEnvironmentVariable(ReadyVariable) != null;

    public static int RunParent(IReadOnlyList<string> args, TextWriter stderr)
    {
        using var ready = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.Inheritable);
        var start = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string self = Environment.ProcessPath ?? "qemusharp";
        start.FileName = self;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "qemusharp.dll"));
        start.ArgumentList.Add("nbd");
        foreach (string a in args)
            start.ArgumentList.Add(a);
        start.Environment[ReadyVariable] = ready.GetClientHandleAsString();
        using var child = Process.Start(start)!;
        ready.DisposeLocalCopyOfClientHandle();
        child.StandardInput.Close();
        var relay = Task.Run(async () =>
        {
            string? line;
            while ((line = await child.StandardError.ReadLineAsync()) != null)
                stderr.WriteLine(line);
        });
        var status = new byte[1];
        if (ready.Read(status, 0, 1) == 1)
            return 0;
        relay.Wait();
        return 1;
    }

    /// <summary>In the copy: leave the parent's session and tell the parent the server listens.</summary>
    public static void SignalReady()
    {
        string? handle = Environment.GetEnvironmentVariable(ReadyVariable);
        if (handle == null)
            return;
        Environment.SetEnvironmentVariable(ReadyVariable, null);
        setsid();
        using var ready = new AnonymousPipeClientStream(PipeDirection.Out, handle);
        ready.WriteByte(0);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsid();
}

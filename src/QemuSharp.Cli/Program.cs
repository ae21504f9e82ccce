using QemuSharp.Common;

namespace QemuSharp.Cli;

/// <summary>
/// The multi-call entry point: <c>qemusharp MODE ARGS</c>, or QEMU's own program names when the
/// executable is invoked through a link called <c>qemu-x86_64</c>, <c>qemu-img</c> and so on.
/// </summary>
public static class Program
{
    private static readonly (string Mode, string QemuName, Func<string[], int> Run)[] Modes =
    [
        ("x86_64", "qemu-x86_64", UserMode.Run),
        ("system-x86_64", "qemu-system-x86_64", SystemMode.Run),
        ("img", "qemu-img", ImgTool.Run),
        ("nbd", "qemu-nbd", NbdTool.Run),
    ];

    public static int Main(string[] args)
    {
        try
        {
            Nbd.Client.NbdBlockDriver.Register();
            string invokedAs = Path.GetFileName(ProcessInfo.InvokedName());
            foreach (var m in Modes)
                if (invokedAs == m.QemuName)
                    return m.Run(args);
            if (args.Length > 0)
                foreach (var m in Modes)
                    if (args[0] == m.Mode || args[0] == m.QemuName)
                        return m.Run(args[1..]);
            Console.Error.WriteLine("Usage: qemusharp MODE [ARGS...]");
            Console.Error.WriteLine("Modes: " + string.Join(", ", Modes.Select(m => $"{m.Mode} (as {m.QemuName})")));
            return 1;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"qemusharp: internal error: {e.Message}");
            return 1;
        }
    }
}

namespace QemuSharp.Cli;

/// <summary>Front end of the <c>NbdTool</c> mode.</summary>
public static class NbdTool
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("qemusharp: this mode is not built yet");
        return 1;
    }
}

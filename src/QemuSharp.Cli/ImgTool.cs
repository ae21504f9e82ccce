namespace QemuSharp.Cli;

/// <summary>Front end of the <c>ImgTool</c> mode.</summary>
public static class ImgTool
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("qemusharp: this mode is not built yet");
        return 1;
    }
}

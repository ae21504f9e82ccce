using QemuSharp.Block.Tools;

namespace QemuSharp.Cli;

/// <summary>Front end of the <c>img</c> mode (QEMU's qemu-img).</summary>
public static class ImgTool
{
    public static int Run(string[] args) => ImgMain.Run(args, Console.Out, Console.Error);
}

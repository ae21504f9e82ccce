namespace QemuSharp.Block.Tools;

/// <summary>Where a qemu-img run writes; tests pass their own writers.</summary>
public sealed record ImgContext(TextWriter Out, TextWriter Err)
{
    public void Error(string message) => Err.WriteLine("qemu-img: " + message);
}

/// <summary>The qemu-img front end: command dispatch and QEMU's error conventions.</summary>
public static class ImgMain
{
    private static readonly Dictionary<string, Func<ImgContext, string[], int>> Commands = new()
    {
        ["create"] = CreateCommand.Run,
        ["info"] = InfoCommand.Run,
        ["check"] = CheckCommand.Run,
        ["convert"] = ConvertCommand.Run,
        ["map"] = MapCommand.Run,
        ["compare"] = CompareCommand.Run,
        ["resize"] = ResizeCommand.Run,
        ["snapshot"] = SnapshotCommand.Run,
        ["measure"] = MeasureCommand.Run,
        ["amend"] = AmendCommand.Run,
        ["commit"] = CommitCommand.Run,
        ["rebase"] = RebaseCommand.Run,
        ["bench"] = BenchCommand.Run,
        ["dd"] = DdCommand.Run,
    };

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var ctx = new ImgContext(stdout, stderr);
        try
        {
            if (args.Length == 0)
            {
                ctx.Error("Not enough arguments");
                stderr.WriteLine("Try 'qemu-img --help' for more information");
                return 1;
            }
            if (args[0] is "-h" or "--help")
            {
                stdout.WriteLine("usage: qemu-img [standard options] command [command options]");
                stdout.WriteLine("Command syntax: " + string.Join(", ", Commands.Keys));
                return 0;
            }
            if (args[0] is "-V" or "--version")
            {
                stdout.WriteLine("qemu-img version 7.2.22 (QemuSharp)");
                return 0;
            }
            if (!Commands.TryGetValue(args[0], out var command))
            {
                ctx.Error("Command not found: " + args[0]);
                stderr.WriteLine("Try 'qemu-img --help' for more information");
                return 1;
            }
            return command(ctx, args[1..]);
        }
        catch (UsageException e)
        {
            ctx.Error(e.Message);
            stderr.WriteLine("Try 'qemu-img --help' for more information");
            return 1;
        }
        catch (BlockException e)
        {
            ctx.Error(e.Message);
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            ctx.Error(e.Message);
            return 1;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ctx.Error("internal error: " + e.Message);
            return 1;
        }
        finally
        {
            stdout.Flush();
            stderr.Flush();
        }
    }

    /// <summary>Opens an image with qemu-img's "Could not open" prefix on failure.</summary>
    internal static BlockDriver OpenImage(string fileName, OpenOptions options)
    {
        try
        {
            return ImageOpener.Open(fileName, options);
        }
        catch (BlockException e)
        {
            throw new BlockException($"Could not open '{fileName}': {e.Message}", e);
        }
    }
}

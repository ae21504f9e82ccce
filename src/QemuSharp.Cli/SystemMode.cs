using QemuSharp.Cli.System;
using QemuSharp.Common.Options;

namespace QemuSharp.Cli;

/// <summary>Front end of <c>qemu-system-x86_64</c>.</summary>
public static class SystemMode
{
    private const string Program = "qemu-system-x86_64";

    public static int Run(string[] args)
    {
        var report = new ErrorReporter(Program, Console.Error);
        try
        {
            var options = SystemOptions.Parse(args);
            foreach (var item in options.Items)
            {
                if (item.Name == "version")
                {
                    Console.Out.Write(Usage.VersionText);
                    return 0;
                }
                if (item.Name is "h" or "help")
                {
                    Console.Out.Write(Usage.VersionText + Usage.HelpText);
                    return 0;
                }
            }
            if (options.Has("daemonize") && Daemonizer.ReadyFd < 0)
                return Daemonizer.RunParent(args);
            return new SystemEmulator(options, report).Run();
        }
        catch (HelpShown help)
        {
            Console.Out.Write(help.Message);
            return 0;
        }
        catch (QemuExit e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        catch (CommandLineException e)
        {
            const string parseError = "\nparse error: ";
            int split = e.Message.IndexOf(parseError, StringComparison.Ordinal);
            if (split < 0)
            {
                report.Error(e.Location, e.Message);
            }
            else
            {
                report.Error(e.Location, e.Message[..split]);
                report.Error(e.Location, e.Message[(split + 1)..]);
            }
            return 1;
        }
    }
}

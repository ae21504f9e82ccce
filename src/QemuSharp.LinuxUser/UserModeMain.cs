using QemuSharp.LinuxUser.Loader;
using QemuSharp.LinuxUser.Syscalls;

namespace QemuSharp.LinuxUser;

/// <summary>The <c>qemu-x86_64</c> front end: options, loading, and the main guest thread.</summary>
public static class UserModeMain
{
    public static int Run(string[] args)
    {
        int resumeFd = -1;
        if (args.Length >= 2 && args[^2] == "-resume" && int.TryParse(args[^1], out int fd))
        {
            resumeFd = fd;
            args = [.. args[..^2], "-resume-placeholder"];
        }
        UserOptions options;
        try
        {
            var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .ToDictionary(d => (string)d.Key, d => (string?)d.Value);
            options = UserOptions.Parse(args, env);
        }
        catch (UsageException e)
        {
            (e.ExitCode == 0 ? Console.Out : Console.Error).WriteLine(e.Message);
            return e.ExitCode;
        }

        TextWriter log = options.LogFile != null ? new StreamWriter(options.LogFile, append: false) { AutoFlush = true } : Console.Error;
        var process = new GuestProcess(options, log);
        GuestThread thread;
        try
        {
            if (resumeFd >= 0)
                thread = ForkProcess.Resume(process, resumeFd);
            else
            {
                var argv = options.Args.ToList();
                if (options.Argv0 != null)
                    argv[0] = options.Argv0;
                thread = process.Load(options.Program, argv, GuestEnvironment(options));
                if (options.InitialSignalMask != 0)
                {
                    lock (process.Signals.Lock)
                        thread.SignalMask = options.InitialSignalMask & ~SignalState.Unblockable;
                    process.Signals.Blocked(process, thread.SignalMask);
                }
                DebugLog.Pages(process);
            }
        }
        catch (ElfException e)
        {
            Console.Error.WriteLine($"qemu-x86_64: {options.Program}: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Console.Error.WriteLine($"qemu-x86_64: {options.Program}: {e.Message}");
            return 1;
        }
        int status = thread.Run(new SyscallDispatcher(process));
        process.FlushLog();
        return status;
    }

    /// <summary>The host environment with -E/-U (QEMU_SET_ENV/QEMU_UNSET_ENV) applied, without QEMU's own variables.</summary>
    private static List<string> GuestEnvironment(UserOptions options)
    {
        var env = new List<string>();
        foreach (System.Collections.DictionaryEntry d in Environment.GetEnvironmentVariables())
            env.Add($"{d.Key}={d.Value}");
        env.Sort(StringComparer.Ordinal);
        foreach (var u in options.UnsetEnv)
            env.RemoveAll(e => e.StartsWith(u + "=", StringComparison.Ordinal));
        foreach (var s in options.SetEnv)
        {
            int eq = s.IndexOf('=');
            if (eq > 0)
            {
                env.RemoveAll(e => e.StartsWith(s[..(eq + 1)], StringComparison.Ordinal));
                env.Add(s);
            }
        }
        return env;
    }
}

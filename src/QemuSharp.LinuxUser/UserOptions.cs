using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.LinuxUser;

/// <summary>qemu-x86_64's command line and QEMU_* environment variables.</summary>
public sealed class UserOptions
{
    public string? Prefix { get; set; }
    public List<string> SetEnv { get; } = [];
    public List<string> UnsetEnv { get; } = [];
    public string? Argv0 { get; set; }
    public CpuModel Cpu { get; set; } = CpuModel.Default;
    public bool Strace { get; set; }
    public HashSet<string> LogItems { get; } = [];
    public string? LogFile { get; set; }
    public bool OneInsnPerTb { get; set; }
    public string Program { get; set; } = "";
    public string[] Args { get; set; } = [];

    /// <summary>Signals blocked by the thread that called execve (an internal option between two emulators).</summary>
    public ulong InitialSignalMask { get; set; }

    public const string ExecSignalMaskOption = "-exec-sigmask";

    /// <summary>The options as they must be passed to a new emulator for an exec'd or forked program.</summary>
    public List<string> ToArguments()
    {
        var a = new List<string>();
        if (Prefix != null) a.AddRange(["-L", Prefix]);
        a.AddRange(["-cpu", Cpu.Name]);
        if (Strace) a.Add("-strace");
        if (LogItems.Count > 0) a.AddRange(["-d", string.Join(",", LogItems)]);
        if (LogFile != null) a.AddRange(["-D", LogFile]);
        if (OneInsnPerTb) a.Add("-one-insn-per-tb");
        return a;
    }

    public static readonly string[] KnownLogItems = ["in_asm", "op", "cpu", "exec", "page", "strace", "unimp", "guest_errors", "nochain"];

    /// <summary>Parses the command line; throws <see cref="UsageException"/> with QEMU's message on an error.</summary>
    public static UserOptions Parse(string[] args, IDictionary<string, string?> env)
    {
        var o = new UserOptions();
        if (env.TryGetValue("QEMU_LD_PREFIX", out var p) && p != null) o.Prefix = p;
        if (env.TryGetValue("QEMU_SET_ENV", out var se) && se != null) o.SetEnv.AddRange(se.Split(','));
        if (env.TryGetValue("QEMU_UNSET_ENV", out var ue) && ue != null) o.UnsetEnv.AddRange(ue.Split(','));
        if (env.TryGetValue("QEMU_ARGV0", out var a0) && a0 != null) o.Argv0 = a0;
        if (env.TryGetValue("QEMU_CPU", out var cpu) && cpu != null) o.Cpu = FindCpu(cpu);
        if (env.ContainsKey("QEMU_STRACE")) o.Strace = true;
        if (env.TryGetValue("QEMU_LOG", out var log) && log != null) o.AddLogItems(log);
        if (env.TryGetValue("QEMU_LOG_FILENAME", out var lf) && lf != null) o.LogFile = lf;
        if (env.ContainsKey("QEMU_SINGLESTEP")) o.OneInsnPerTb = true;
        int i = 0;
        for (; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith('-') || arg == "-" || arg == "-resume-placeholder")
                break;
            if (arg == "--")
            {
                i++;
                break;
            }
            string name = arg.TrimStart('-');
            string Value()
            {
                if (i + 1 >= args.Length)
                    throw new UsageException($"qemu: missing argument for option '{arg.TrimStart('-')}'");
                return args[++i];
            }
            switch (name)
            {
                case "L": o.Prefix = Value(); break;
                case "E": o.SetEnv.AddRange(Value().Split(',')); break;
                case "U": o.UnsetEnv.AddRange(Value().Split(',')); break;
                case "0": o.Argv0 = Value(); break;
                case "cpu":
                    string model = Value();
                    if (model == "help" || model == "?")
                        throw new UsageException("Available CPUs:\n" + string.Join("\n", CpuModel.All.Select(m => $"x86 {m.Name,-25} {m.BrandString}")), 0);
                    o.Cpu = FindCpu(model);
                    break;
                case "strace": o.Strace = true; break;
                case "d": o.AddLogItems(Value()); break;
                case "D": o.LogFile = Value(); break;
                case "exec-sigmask": o.InitialSignalMask = Convert.ToUInt64(Value(), 16); break;
                case "one-insn-per-tb": case "singlestep": o.OneInsnPerTb = true; break;
                case "version": throw new UsageException(VersionText, 0);
                case "h": case "help": throw new UsageException(HelpText, 0);
                case "s": case "B": case "R": case "seed": case "r": case "p": case "g": case "trace": Value(); break;
                default: throw new UsageException($"qemu: unknown option '{name}'");
            }
        }
        if (i < args.Length && args[i] == "-resume-placeholder")
        {
            o.Program = "";
            return o;
        }
        if (i >= args.Length)
            throw new UsageException("qemu: no user program specified");
        o.Program = args[i];
        o.Args = args[i..];
        return o;
    }

    private void AddLogItems(string items)
    {
        foreach (var item in items.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!KnownLogItems.Contains(item))
                throw new UsageException($"Log items (comma separated):\n{string.Join("\n", KnownLogItems)}");
            LogItems.Add(item);
        }
        if (LogItems.Contains("strace"))
            Strace = true;
    }

    private static CpuModel FindCpu(string name) =>
        CpuModel.Find(name) ?? throw new UsageException($"qemu-x86_64: unable to find CPU model '{name}'");

    public const string VersionText = "qemu-x86_64 version 7.2.0 (QemuSharp)\nCopyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers";

    public const string HelpText = """
        usage: qemu-x86_64 [options] program [arguments...]
        Linux CPU emulator (compiled for x86_64 emulation)

        Options and associated environment variables:

        Argument             Env-variable      Description
        -h                                     print this help
        -help
        -L path              QEMU_LD_PREFIX    set the elf interpreter prefix to 'path'
        -cpu model           QEMU_CPU          select CPU (-cpu help for list)
        -E var=value         QEMU_SET_ENV      sets targets environment variable (see below)
        -U var               QEMU_UNSET_ENV    unsets targets environment variable (see below)
        -0 argv0             QEMU_ARGV0        forces target process argv[0] to be 'argv0'
        -d item[,...]        QEMU_LOG          enable logging of specified items (use '-d help' for a list of items)
        -D logfile           QEMU_LOG_FILENAME write logs to 'logfile' (default stderr)
        -one-insn-per-tb     QEMU_SINGLESTEP   run in singlestep mode
        -strace              QEMU_STRACE       log system calls
        -version             QEMU_VERSION      display version information and exit
        """;
}

/// <summary>A command-line problem: the message to print and the exit status.</summary>
public sealed class UsageException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

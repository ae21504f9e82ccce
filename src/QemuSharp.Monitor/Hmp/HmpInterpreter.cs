using System.Text;
using QemuSharp.Chardev;
using QemuSharp.Common.Options;
using QemuSharp.Monitor.Machine;
using QemuSharp.Monitor.Qmp;

namespace QemuSharp.Monitor.Hmp;

/// <summary>
/// One HMP command: <see cref="Names"/> as QEMU lists them ("stop|s"), <see cref="Params"/> as
/// shown by help, and whether it takes one word (<see cref="Arg"/>).
/// </summary>
internal sealed record HmpCommand(string Names, string Params, string Help, HmpArg Arg, Func<HmpCall, string> Run);

internal enum HmpArg
{
    None,
    Required,
    Optional,

    /// <summary>The rest of the line, spaces included (x and xp: "/fmt addr").</summary>
    Line,
}

internal sealed record HmpCall(MonitorHost Host, MonitorSession Session, string? Arg);

/// <summary>Runs HMP command lines and returns their output (lines ending in CR LF).</summary>
public static class HmpInterpreter
{
    private static readonly HmpCommand[] Commands =
    [
        new("chardev-add", "args", "add chardev", HmpArg.Required, ChardevAdd),
        new("chardev-remove", "id", "remove chardev", HmpArg.Required, c => Do(() => c.Host.Chardevs.Remove(c.Arg!))),
        new("closefd", "closefd name", "close a file descriptor previously passed via SCM rights", HmpArg.Required, c => Do(() => c.Session.CloseFd(c.Arg!))),
        new("cont|c", "", "resume emulation", HmpArg.None, c => Do(() => c.Host.Lifecycle.Continue())),
        new("getfd", "getfd name", "receive a file descriptor via SCM rights and assign it a name", HmpArg.Required, c => Do(() => c.Session.GetFd(c.Arg!))),
        new("help|?", "[cmd]", "show the help", HmpArg.Optional, c => Help(c.Arg)),
        new("info", "[subcommand]", "show various information about the system state", HmpArg.Optional, Info),
        new("quit|q", "", "quit the emulator", HmpArg.None, c => Do(() => c.Host.Lifecycle.RequestShutdown(ShutdownCause.HostQmpQuit))),
        new("stop|s", "", "stop emulation", HmpArg.None, c => Do(() => c.Host.Lifecycle.Stop())),
        new("system_powerdown", "", "send system power down event", HmpArg.None, c => Do(() => c.Host.Lifecycle.RequestPowerdown())),
        new("system_reset", "", "reset the system", HmpArg.None, c => Do(() => c.Host.Lifecycle.RequestReset(ShutdownCause.HostQmpSystemReset))),
        new("x", "/fmt addr", "virtual memory dump starting at 'addr'", HmpArg.Line, c => Inspection(c) is { } m ? MemoryDump.Run(m, c.Arg, physical: false) : ""),
        new("xp", "/fmt addr", "physical memory dump starting at 'addr'", HmpArg.Line, c => Inspection(c) is { } m ? MemoryDump.Run(m, c.Arg, physical: true) : ""),
    ];

    private static readonly HmpCommand[] InfoCommands =
    [
        new("chardev", "", "show the character devices", HmpArg.None, InfoChardev),
        new("kvm", "", "show KVM information", HmpArg.None, c => $"kvm support: {(c.Host.Info.KvmEnabled ? "enabled" : "disabled")}\r\n"),
        new("mtree", "[-f][-d][-o][-D]", "show memory tree (-f: dump flat view for address spaces;-d: dump dispatch tree, valid with -f only);-o: dump region owners/parents;-D: dump disabled regions", HmpArg.Optional, InfoMtree),
        new("name", "", "show the current VM name", HmpArg.None, c => c.Host.Info.Name is { } n ? n + "\r\n" : ""),
        new("qtree", "", "show device tree", HmpArg.None, c => Inspection(c) is { } m ? Crlf(m.DeviceTree()) : "bus: main-system-bus\r\n  type System\r\n"),
        new("registers", "[-a|vcpu]", "show the cpu registers (-a: show register info for all cpus; vcpu: specific vCPU to query; show the current CPU's registers if omitted)", HmpArg.Optional, c => Inspection(c) is { } m ? Crlf(m.Registers()) : ""),
        new("status", "", "show the current VM status (running|paused)", HmpArg.None, InfoStatus),
        new("uuid", "", "show the current VM UUID", HmpArg.None, c => c.Host.Info.Uuid + "\r\n"),
        new("version", "", "show the version of QEMU", HmpArg.None, c => $"{c.Host.Info.Major}.{c.Host.Info.Minor}.{c.Host.Info.Micro}{c.Host.Info.Package}\r\n"),
    ];

    public static string Execute(MonitorHost host, MonitorSession session, string line)
    {
        string text = line.Trim(' ', '\t');
        if (text.Length == 0)
            return "";
        string name = FirstWord(ref text);
        var command = Find(Commands, name);
        if (command is null)
            return $"unknown command: '{name}'\r\n";
        return Run(command, new HmpCall(host, session, null), text, name);
    }

    private static string Run(HmpCommand command, HmpCall call, string rest, string fullName)
    {
        string? arg = null;
        if (command.Names == "info" || command.Names == "help|?" || command.Arg == HmpArg.Line)
        {
            arg = rest.Length > 0 ? rest : null;
            if (arg is null && command.Arg == HmpArg.Line)
                return $"{command.Names}: Parameter 'addr' is missing\r\nTry \"help {fullName}\" for more information\r\n";
            rest = "";
        }
        else if (command.Arg != HmpArg.None)
        {
            arg = rest.Length > 0 ? FirstWord(ref rest) : null;
            if (arg is null && command.Arg == HmpArg.Required)
                return $"{command.Names}: string expected\r\nTry \"help {fullName}\" for more information\r\n";
        }
        if (command.Names is not ("info" or "help|?") && rest.Length > 0)
            return $"{command.Names}: extraneous characters at the end of line\r\nTry \"help {fullName}\" for more information\r\n";
        return command.Run(call with { Arg = arg });
    }

    private static HmpCommand? Find(HmpCommand[] table, string name) =>
        table.FirstOrDefault(c => c.Names.Split('|').Contains(name));

    private static string FirstWord(ref string text)
    {
        int end = 0;
        while (end < text.Length && text[end] is not (' ' or '\t'))
            end++;
        string word = text[..end];
        text = text[end..].TrimStart(' ', '\t');
        return word;
    }

    private static string Do(Action action)
    {
        try
        {
            action();
            return "";
        }
        catch (Exception e) when (e is OptionException or QmpError)
        {
            return $"Error: {e.Message}\r\n";
        }
    }

    private static string HelpLine(string prefix, HmpCommand c) => $"{prefix}{c.Names} {c.Params} -- {c.Help}\r\n";

    private static string Help(string? topic)
    {
        var sb = new StringBuilder();
        if (topic is null)
        {
            foreach (var c in Commands)
                sb.Append(HelpLine("", c));
            return sb.ToString();
        }
        string rest = topic;
        string name = FirstWord(ref rest);
        if (name == "info")
        {
            string sub = rest.Length > 0 ? FirstWord(ref rest) : "";
            foreach (var c in InfoCommands.Where(c => sub.Length == 0 || c.Names == sub))
                sb.Append(HelpLine("info ", c));
            return sb.ToString();
        }
        var command = Find(Commands, name);
        return command is null ? $"unknown command: '{name}'\r\n" : HelpLine("", command);
    }

    private static string Info(HmpCall call)
    {
        if (call.Arg is null)
            return Help("info");
        string rest = call.Arg;
        string sub = FirstWord(ref rest);
        var command = Find(InfoCommands, sub);
        if (command is null)
            return $"unknown command: 'info {sub}'\r\n";
        return Run(command, call, rest, "info " + sub);
    }

    private static string InfoStatus(HmpCall call)
    {
        var state = call.Host.Lifecycle.State;
        return state switch
        {
            RunState.Running => "VM status: running\r\n",
            RunState.Paused => "VM status: paused\r\n",
            _ => $"VM status: paused ({RunStates.Name(state)})\r\n",
        };
    }

    private static string InfoChardev(HmpCall call) =>
        string.Concat(call.Host.Chardevs.All.Select(c => $"{c.Id}: filename={c.Filename}\r\n"));

    private static IMachineInspection? Inspection(HmpCall call) => call.Host.Lifecycle?.Machine as IMachineInspection;

    private static string Crlf(string text) => text.Replace("\n", "\r\n");

    private static string InfoMtree(HmpCall call) => Inspection(call) is { } m ? Crlf(m.MemoryTree()) :
        "address-space: memory\r\n  0000000000000000-ffffffffffffffff (prio 0, i/o): system\r\n\r\n" +
        "address-space: I/O\r\n  0000000000000000-000000000000ffff (prio 0, i/o): io\r\n\r\n";

    private static string ChardevAdd(HmpCall call)
    {
        try
        {
            var opts = QemuOpts.Parse(call.Arg!, "backend", ChardevConfig.Schema);
            if (opts.GetString("id") is { } id && call.Host.Chardevs.Find(id) is not null)
                return $"Error: attempt to add duplicate property '{id}' to object (type 'container')\r\n";
            string? fdName = null;
            var config = ChardevConfig.FromOpts(opts, name =>
            {
                fdName = name;
                return call.Session.PeekNamedFd(name);
            });
            call.Host.Chardevs.Create(config);
            if (fdName is not null)
                call.Session.ForgetNamedFd(fdName);
            return "";
        }
        catch (Exception e) when (e is OptionException or QmpError)
        {
            return $"Error: {e.Message}\r\n";
        }
    }
}

/// <summary>
/// The throw-away HMP monitor behind QMP's <c>human-monitor-command</c>: it has its own
/// (empty) descriptor names and never receives a descriptor.
/// </summary>
public sealed class DetachedSession(MonitorHost host, MonitorSession owner) : MonitorSession(host, owner.Chardev)
{
    public override void OnOpened()
    {
    }

    public override void OnClosed()
    {
    }

    public override void Receive(ReadOnlySpan<byte> data)
    {
    }

    public override int TakeMessageFd() => -1;
}

using System.Text.Json;
using System.Text.Json.Nodes;
using QemuSharp.Chardev;
using QemuSharp.Monitor.Machine;
using QemuSharp.Monitor.Qmp;

namespace QemuSharp.Monitor;

/// <summary>Facts about the emulator that the monitor reports.</summary>
public sealed record EmulatorInfo
{
    public int Major { get; init; } = 7;
    public int Minor { get; init; } = 2;
    public int Micro { get; init; }
    public string Package { get; init; } = "";
    public string? Name { get; init; }
    public Guid Uuid { get; init; }
    public string Arch { get; init; } = "x86_64";
    public bool KvmEnabled { get; init; }

    /// <summary>Option groups and their keys, for <c>query-command-line-options</c>.</summary>
    public IReadOnlyList<(string Option, IReadOnlyList<Common.Options.QemuOptDesc> Keys)> CommandLineOptions { get; init; } = [];

    /// <summary>Machine types, for <c>query-machines</c>.</summary>
    public IReadOnlyList<Commands.MachineInfo> Machines { get; init; } = [];
}

/// <summary>
/// The process-wide state behind every monitor: the machine's life cycle, the chardevs, the
/// fd sets, the command table, and the list of monitors that events go to.
/// </summary>
public sealed class MonitorHost : IEventSink
{
    private readonly List<MonitorSession> _monitors = [];
    private JsonArray? _schema;

    public MonitorHost(EmulatorInfo info, ChardevRegistry chardevs)
    {
        Info = info;
        Chardevs = chardevs;
        Commands = new QmpCommandRegistry(
            typeof(Commands.ControlCommands), typeof(Commands.RunCommands), typeof(Commands.MachineQueries),
            typeof(Commands.ChardevCommands), typeof(Commands.FdCommands));
    }

    public EmulatorInfo Info { get; }

    public ChardevRegistry Chardevs { get; }

    public QmpCommandRegistry Commands { get; }

    public FdSets FdSets { get; } = new();

    /// <summary>Set once the machine exists.</summary>
    public VmLifecycle Lifecycle { get; set; } = null!;

    /// <summary>The introspection schema, built once from the declarations.</summary>
    public JsonArray Schema => _schema ??= QmpSchema.Build(Commands);

    public void AddMonitor(MonitorSession monitor)
    {
        _monitors.Add(monitor);
        monitor.Chardev.Attach(monitor);
    }

    /// <summary>Sends an event with the host's wall-clock time to every negotiated QMP monitor.</summary>
    public void Emit(string name, object? data)
    {
        long micros = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
        var ev = new JsonObject
        {
            ["timestamp"] = new JsonObject { ["seconds"] = micros / 1_000_000, ["microseconds"] = micros % 1_000_000 },
            ["event"] = name,
        };
        if (data is not null)
            ev["data"] = JsonSerializer.SerializeToNode(data, QmpTypes.JsonOptions);
        foreach (var monitor in _monitors)
            monitor.SendEvent(ev);
    }
}

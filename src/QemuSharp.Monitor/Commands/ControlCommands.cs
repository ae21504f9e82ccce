using System.Text.Json.Nodes;
using QemuSharp.Monitor.Qmp;

namespace QemuSharp.Monitor.Commands;

public sealed record VersionTriple(long Micro, long Minor, long Major);

public sealed record VersionInfo(VersionTriple Qemu, string Package);

public sealed record CommandInfo(string Name);

public sealed record CommandLineParameterInfo(string Name, string Type, string? Help = null, string? Default = null);

public sealed record CommandLineOptionInfo(CommandLineParameterInfo[] Parameters, string Option);

/// <summary>The protocol's own commands: negotiation, introspection, version, quit.</summary>
public static class ControlCommands
{
    [QmpCommand("qmp_capabilities")]
    public static void QmpCapabilities(QmpContext context, [QmpEnum(typeof(QmpCapability))] string[]? enable = null)
    {
        if (context.Session is not QmpMonitor qmp || qmp.Negotiated)
            throw QmpError.CommandNotFound("Capabilities negotiation is already complete, command ignored");
        qmp.CompleteNegotiation(enable?.Contains("oob") == true);
    }

    public static VersionInfo Version(MonitorHost host) =>
        new(new VersionTriple(host.Info.Micro, host.Info.Minor, host.Info.Major), host.Info.Package);

    [QmpCommand("query-version")]
    public static VersionInfo QueryVersion(QmpContext context) => Version(context.Host);

    [QmpCommand("query-commands")]
    public static CommandInfo[] QueryCommands(QmpContext context) =>
        context.Host.Commands.Commands.Select(c => new CommandInfo(c.Name)).ToArray();

    [QmpCommand("query-qmp-schema")]
    public static JsonNode QueryQmpSchema(QmpContext context) => context.Host.Schema.DeepClone();

    [QmpCommand("quit")]
    public static void Quit(QmpContext context) =>
        context.Host.Lifecycle.RequestShutdown(Machine.ShutdownCause.HostQmpQuit);

    [QmpCommand("query-command-line-options")]
    public static CommandLineOptionInfo[] QueryCommandLineOptions(QmpContext context, string? option = null)
    {
        var all = context.Host.Info.CommandLineOptions
            .Where(o => option is null || o.Option == option)
            .Select(o => new CommandLineOptionInfo(
                o.Keys.Select(k => new CommandLineParameterInfo(k.Name, k.Type switch
                {
                    Common.Options.QemuOptType.Bool => "boolean",
                    Common.Options.QemuOptType.Number => "number",
                    Common.Options.QemuOptType.Size => "size",
                    _ => "string",
                }, k.Help, k.Default)).ToArray(), o.Option))
            .ToArray();
        if (option is not null && all.Length == 0)
            throw QmpError.Generic($"invalid option name: {option}");
        return all;
    }
}

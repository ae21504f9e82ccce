using System.Text.Json.Serialization;
using QemuSharp.Monitor.Qmp;

namespace QemuSharp.Monitor.Commands;

public sealed record NameInfo(string? Name);

public sealed record UuidInfo([property: JsonPropertyName("UUID")] string Uuid);

public sealed record TargetInfo(string Arch);

public sealed record KvmInfo(bool Enabled, bool Present);

public sealed record MachineInfo(
    bool HotpluggableCpus, string Name, bool NumaMemSupported, long CpuMax, bool Deprecated,
    string? DefaultCpuType = null, string? DefaultRamId = null, string? Alias = null, bool? IsDefault = null);

public sealed record CpuInstanceProperties(long? NodeId = null, long? SocketId = null, long? CoreId = null, long? ThreadId = null);

public sealed record CpuInfoFast(long CpuIndex, string QomPath, long ThreadId, CpuInstanceProperties Props, string Target);

/// <summary>Fixed facts about the machine and the emulator.</summary>
public static class MachineQueries
{
    [QmpCommand("query-name")]
    public static NameInfo QueryName(QmpContext context) => new(context.Host.Info.Name);

    [QmpCommand("query-uuid")]
    public static UuidInfo QueryUuid(QmpContext context) => new(context.Host.Info.Uuid.ToString());

    [QmpCommand("query-target")]
    public static TargetInfo QueryTarget(QmpContext context) => new(context.Host.Info.Arch);

    [QmpCommand("query-kvm")]
    public static KvmInfo QueryKvm(QmpContext context) => new(context.Host.Info.KvmEnabled, false);

    [QmpCommand("query-machines")]
    public static MachineInfo[] QueryMachines(QmpContext context) => context.Host.Info.Machines.ToArray();

    [QmpCommand("query-cpus-fast")]
    public static CpuInfoFast[] QueryCpusFast(QmpContext context) =>
        context.Host.Lifecycle.Machine.VcpuThreadIds.Select((tid, i) => new CpuInfoFast(
            i, $"/machine/unattached/device[{i}]", tid, new CpuInstanceProperties(null, i, 0, 0), context.Host.Info.Arch)).ToArray();
}

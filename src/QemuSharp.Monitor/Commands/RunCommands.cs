using QemuSharp.Monitor.Machine;
using QemuSharp.Monitor.Qmp;

namespace QemuSharp.Monitor.Commands;

public sealed record StatusInfo([property: QmpEnum(typeof(RunState))] string Status, bool Singlestep, bool Running);

public sealed record ShutdownEventData(bool Guest, [property: QmpEnum(typeof(ShutdownCause))] string Reason);

/// <summary>The machine's run state: status, stop, cont, reset, power button.</summary>
[QmpEvent("SHUTDOWN", typeof(ShutdownEventData))]
[QmpEvent("POWERDOWN", null)]
[QmpEvent("RESET", typeof(ShutdownEventData))]
[QmpEvent("STOP", null)]
[QmpEvent("RESUME", null)]
public static class RunCommands
{
    [QmpCommand("query-status")]
    public static StatusInfo QueryStatus(QmpContext context)
    {
        var life = context.Host.Lifecycle;
        return new StatusInfo(RunStates.Name(life.State), false, life.IsRunning);
    }

    [QmpCommand("stop")]
    public static void Stop(QmpContext context) => context.Host.Lifecycle.Stop();

    [QmpCommand("cont")]
    public static void Cont(QmpContext context) => context.Host.Lifecycle.Continue();

    [QmpCommand("system_reset")]
    public static void SystemReset(QmpContext context) =>
        context.Host.Lifecycle.RequestReset(ShutdownCause.HostQmpSystemReset);

    [QmpCommand("system_powerdown")]
    public static void SystemPowerdown(QmpContext context) => context.Host.Lifecycle.RequestPowerdown();
}

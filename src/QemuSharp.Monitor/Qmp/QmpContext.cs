namespace QemuSharp.Monitor.Qmp;

/// <summary>What a command handler may reach: the process-wide state and the calling monitor.</summary>
public sealed class QmpContext(MonitorHost host, MonitorSession session)
{
    public MonitorHost Host { get; } = host;

    public MonitorSession Session { get; } = session;
}

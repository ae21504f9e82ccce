using QemuSharp.Monitor.Qmp;

namespace QemuSharp.Monitor.Commands;

/// <summary>Descriptors passed with SCM_RIGHTS: per-monitor names and the process's fd sets.</summary>
public static class FdCommands
{
    [QmpCommand("getfd")]
    public static void Getfd(QmpContext context, string fdname) => context.Session.GetFd(fdname);

    [QmpCommand("closefd")]
    public static void Closefd(QmpContext context, string fdname) => context.Session.CloseFd(fdname);

    [QmpCommand("add-fd")]
    public static FdSets.AddfdInfo AddFd(QmpContext context, long? fdsetId = null, string? opaque = null)
    {
        int fd = context.Session.TakeMessageFd();
        if (fd < 0)
            throw QmpError.Generic("No file descriptor supplied via SCM_RIGHTS");
        return context.Host.FdSets.Add(fdsetId, fd, opaque);
    }

    [QmpCommand("remove-fd")]
    public static void RemoveFd(QmpContext context, long fdsetId, long? fd = null) =>
        context.Host.FdSets.Remove(fdsetId, fd, context.Host.Lifecycle.IsRunning);

    [QmpCommand("query-fdsets")]
    public static FdSets.FdsetInfo[] QueryFdsets(QmpContext context) => context.Host.FdSets.Query();

    [QmpCommand("human-monitor-command")]
    public static string HumanMonitorCommand(QmpContext context, string commandLine, long? cpuIndex = null) =>
        Hmp.HmpInterpreter.Execute(context.Host, new Hmp.DetachedSession(context.Host, context.Session), commandLine);
}

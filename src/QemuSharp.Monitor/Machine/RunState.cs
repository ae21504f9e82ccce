namespace QemuSharp.Monitor.Machine;

/// <summary>QEMU's RunState, named on the wire as in <see cref="RunStates.Name"/>.</summary>
public enum RunState
{
    Debug,
    Inmigrate,
    InternalError,
    IoError,
    Paused,
    Postmigrate,
    Prelaunch,
    FinishMigrate,
    RestoreVm,
    Running,
    SaveVm,
    Shutdown,
    Suspended,
    Watchdog,
    GuestPanicked,
    Colo,
}

/// <summary>QEMU's ShutdownCause: why a SHUTDOWN or RESET happened.</summary>
public enum ShutdownCause
{
    None,
    HostError,
    HostQmpQuit,
    HostQmpSystemReset,
    HostSignal,
    HostUi,
    GuestShutdown,
    GuestReset,
    GuestPanic,
    SubsystemReset,
    SnapshotLoad,
}

public static class RunStates
{
    /// <summary>The wire name: "internal-error", "host-qmp-quit" and so on.</summary>
    public static string Name<T>(T value) where T : struct, Enum
    {
        string s = value.ToString();
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsUpper(s[i]) && i > 0)
                sb.Append('-');
            sb.Append(char.ToLowerInvariant(s[i]));
        }
        return sb.ToString();
    }

    public static string[] Names<T>() where T : struct, Enum => Enum.GetValues<T>().Select(Name).ToArray();

    /// <summary>Causes that come from inside the guest (the <c>guest</c> member of SHUTDOWN and RESET).</summary>
    public static bool IsGuest(ShutdownCause cause) =>
        cause is ShutdownCause.GuestShutdown or ShutdownCause.GuestReset or ShutdownCause.GuestPanic;
}

using QemuSharp.Common;
using QemuSharp.Common.Options;

namespace QemuSharp.Monitor.Machine;

/// <summary>
/// The machine's run state and QEMU's rules for moving between states: <c>-S</c> starts in
/// prelaunch, <c>-no-shutdown</c> turns a shutdown into a stop in the shutdown state,
/// <c>-no-reboot</c> turns every reset into a shutdown. Devices and guests call
/// <see cref="RequestReset"/> and <see cref="RequestShutdown"/> too. All calls are made under
/// <see cref="Chardev.MainLoop.Lock"/>.
/// </summary>
public sealed class VmLifecycle(IMachine machine, IEventSink events, bool noShutdown, bool noReboot)
{
    private readonly ManualResetEventSlim _exit = new();

    public IMachine Machine { get; } = machine;

    public RunState State { get; private set; } = RunState.Prelaunch;

    public bool IsRunning => State == RunState.Running;

    /// <summary>Set once the process should exit; the main thread waits on it.</summary>
    public WaitHandle ExitRequested => _exit.WaitHandle;

    public ShutdownCause? ExitCause { get; private set; }

    /// <summary>Starts the machine at the end of start-up, unless -S was given.</summary>
    public void Boot(bool startPaused)
    {
        if (!startPaused)
        {
            State = RunState.Running;
            Machine.Resume();
        }
    }

    /// <summary>QMP <c>cont</c>.</summary>
    public void Continue()
    {
        if (State is RunState.Shutdown or RunState.InternalError or RunState.GuestPanicked)
            throw new OptionException("Resetting the Virtual Machine is required");
        if (State == RunState.Inmigrate)
            throw new OptionException("Guest is waiting for an incoming migration");
        if (State == RunState.Running)
            return;
        State = RunState.Running;
        Machine.Resume();
        events.Emit("RESUME", null);
    }

    /// <summary>QMP <c>stop</c>; a machine that is not running stays in its state.</summary>
    public void Stop() => StopAs(RunState.Paused);

    private void StopAs(RunState state)
    {
        if (State != RunState.Running)
            return;
        Machine.Pause();
        State = state;
        events.Emit("STOP", null);
    }

    public void RequestReset(ShutdownCause cause)
    {
        if (noReboot && cause != ShutdownCause.SubsystemReset)
        {
            RequestShutdown(cause);
            return;
        }
        Machine.Reset(cause);
        events.Emit("RESET", new { guest = RunStates.IsGuest(cause), reason = RunStates.Name(cause) });
        if (State is not (RunState.Running or RunState.Inmigrate or RunState.FinishMigrate))
            State = RunState.Prelaunch;
    }

    /// <summary>A shutdown: the process exits, or under -no-shutdown the machine stops in the shutdown state.</summary>
    public void RequestShutdown(ShutdownCause cause)
    {
        events.Emit("SHUTDOWN", new { guest = RunStates.IsGuest(cause), reason = RunStates.Name(cause) });
        if (noShutdown && cause is not (ShutdownCause.HostQmpQuit or ShutdownCause.HostSignal or ShutdownCause.HostUi))
        {
            StopAs(RunState.Shutdown);
            State = RunState.Shutdown;
            return;
        }
        ExitCause = cause;
        _exit.Set();
    }

    public void RequestPowerdown()
    {
        events.Emit("POWERDOWN", null);
        Machine.PowerButton();
    }
}

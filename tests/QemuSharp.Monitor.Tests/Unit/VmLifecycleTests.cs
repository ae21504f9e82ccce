using QemuSharp.Common.Options;
using QemuSharp.Monitor.Machine;

namespace QemuSharp.Monitor.Tests.Unit;

public class VmLifecycleTests
{
    private sealed class Events : IEventSink
    {
        public List<string> Names { get; } = [];

        public void Emit(string name, object? data) => Names.Add(name);
    }

    private sealed class Machine : IMachine
    {
        public int Resets { get; private set; }

        public string TypeName => "test";

        public IReadOnlyList<long> VcpuThreadIds => [];

        public void Resume()
        {
        }

        public void Pause()
        {
        }

        public void Reset(ShutdownCause cause) => Resets++;

        public void PowerButton()
        {
        }
    }

    private static (VmLifecycle Life, Events Events, Machine Machine) Build(bool noShutdown = false, bool noReboot = false)
    {
        var events = new Events();
        var machine = new Machine();
        return (new VmLifecycle(machine, events, noShutdown, noReboot), events, machine);
    }

    [Fact]
    public void ShouldStartInPrelaunchUnderMinusS()
    {
        var (life, _, _) = Build();
        life.Boot(startPaused: true);
        Assert.Equal(RunState.Prelaunch, life.State);
    }

    [Fact]
    public void ShouldSendStopAndResumeOnlyOnChange()
    {
        var (life, events, _) = Build();
        life.Boot(false);
        life.Stop();
        life.Stop();
        life.Continue();
        life.Continue();
        Assert.Equal(["STOP", "RESUME"], events.Names);
    }

    [Fact]
    public void ShouldGoToPrelaunchWhenResetWhilePaused()
    {
        var (life, events, machine) = Build();
        life.Boot(false);
        life.Stop();
        life.RequestReset(ShutdownCause.HostQmpSystemReset);
        Assert.Equal(RunState.Prelaunch, life.State);
        Assert.Equal(1, machine.Resets);
        Assert.Equal(["STOP", "RESET"], events.Names);
    }

    [Fact]
    public void ShouldTurnResetIntoShutdownUnderNoReboot()
    {
        var (life, events, machine) = Build(noReboot: true);
        life.Boot(false);
        life.RequestReset(ShutdownCause.HostQmpSystemReset);
        Assert.Equal(["SHUTDOWN"], events.Names);
        Assert.Equal(0, machine.Resets);
        Assert.Equal(ShutdownCause.HostQmpSystemReset, life.ExitCause);
    }

    [Fact]
    public void ShouldStopInShutdownStateUnderNoShutdownAndRequireReset()
    {
        var (life, events, _) = Build(noShutdown: true);
        life.Boot(false);
        life.RequestShutdown(ShutdownCause.GuestShutdown);
        Assert.Equal(RunState.Shutdown, life.State);
        Assert.Null(life.ExitCause);
        Assert.Equal(["SHUTDOWN", "STOP"], events.Names);
        Assert.Equal("Resetting the Virtual Machine is required", Assert.Throws<OptionException>(life.Continue).Message);
        life.RequestReset(ShutdownCause.HostQmpSystemReset);
        life.Continue();
        Assert.Equal(RunState.Running, life.State);
    }

    [Fact]
    public void ShouldExitOnQuitEvenUnderNoShutdown()
    {
        var (life, _, _) = Build(noShutdown: true);
        life.RequestShutdown(ShutdownCause.HostQmpQuit);
        Assert.True(life.ExitRequested.WaitOne(0));
    }
}

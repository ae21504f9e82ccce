using QemuSharp.Monitor.Commands;
using QemuSharp.Monitor.Machine;

namespace QemuSharp.Cli.System;

/// <summary>QEMU's <c>none</c> machine: no CPU, no memory, no devices; only a life cycle.</summary>
internal sealed class NoneMachine : IMachine
{
    public static readonly MachineInfo Info = new(false, "none", false, 1, false, DefaultRamId: "ram");

    public string TypeName => "none";

    public IReadOnlyList<long> VcpuThreadIds => [];

    public void Resume()
    {
    }

    public void Pause()
    {
    }

    public void Reset(ShutdownCause cause)
    {
    }

    public void PowerButton()
    {
    }
}

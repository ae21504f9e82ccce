using QemuSharp.Common;
namespace QemuSharp.Monitor.Machine;

/// <summary>
/// What the life cycle needs from a machine (the <c>none</c> machine, the PC). Calls are made
/// under <see cref="Chardev.MainLoop.Lock"/>.
/// </summary>
public interface IMachine
{
    /// <summary>The machine type name, e.g. "none" or "pc-i440fx-7.2".</summary>
    string TypeName { get; }

    /// <summary>Lets the vCPUs run (no-op without CPUs).</summary>
    void Resume();

    /// <summary>Stops the vCPUs; returns once none is executing guest code.</summary>
    void Pause();

    /// <summary>Resets every device and CPU to its power-on state.</summary>
    void Reset(ShutdownCause cause);

    /// <summary>Presses the ACPI power button; a machine without ACPI ignores it.</summary>
    void PowerButton();

    /// <summary>The host thread id of each vCPU, in CPU index order (empty without CPUs).</summary>
    IReadOnlyList<long> VcpuThreadIds { get; }
}

/// <summary>Receives the life-cycle events that QMP broadcasts (STOP, RESUME, RESET, ...).</summary>
public interface IEventSink
{
    void Emit(string name, object? data);
}

/// <summary>What a machine with CPUs and memory shows the monitor (info registers, info mtree, info qtree, x, xp).</summary>
public interface IMachineInspection
{
    /// <summary>The register dump of CPU 0, lines separated by '\n'.</summary>
    string Registers();

    string MemoryTree();

    string DeviceTree();

    /// <summary>Reads guest physical memory; false where it is not RAM or ROM.</summary>
    bool ReadPhysical(ulong address, Span<byte> destination);

    /// <summary>Reads through CPU 0's page tables; false where a page is not mapped.</summary>
    bool ReadVirtual(ulong address, Span<byte> destination);
}

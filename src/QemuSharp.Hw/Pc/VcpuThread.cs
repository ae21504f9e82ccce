using System.Runtime.InteropServices;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Exec;

namespace QemuSharp.Hw.Pc;

/// <summary>
/// The host thread of one vCPU (design.md #8). It runs guest code while the machine runs, sleeps
/// while the CPU is halted until an interrupt is due, and parks while the machine is stopped.
/// <see cref="Pause"/> and <see cref="Resume"/> are called under the machine lock; guest events
/// that need the whole machine (reset, power-off) go to <see cref="GuestStopped"/>, off this thread.
/// </summary>
public sealed partial class VcpuThread : IDisposable
{
    private readonly X86Cpu _cpu;
    private readonly Interpreter _interpreter;
    private readonly object _machineLock;
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly Thread _thread;
    private volatile bool _running;
    private volatile bool _parked = true;
    private volatile bool _quit;

    /// <summary>The guest stopped the CPU for good (triple fault): the machine must reset it.</summary>
    private volatile bool _shutdown;

    public VcpuThread(X86Cpu cpu, Interpreter interpreter, object machineLock)
    {
        _cpu = cpu;
        _interpreter = interpreter;
        _machineLock = machineLock;
        _thread = new Thread(Loop, 64 << 20) { IsBackground = true, Name = "CPU 0/TCG" };
    }

    /// <summary>Raised on the vCPU thread after a triple fault; the handler must not wait for the vCPU.</summary>
    public event Action? TripleFault;

    public long HostThreadId { get; private set; }

    public bool Running => _running;

    public void Start() => _thread.Start();

    /// <summary>Makes a halted CPU look at its interrupts again (the local APIC calls this).</summary>
    public void Kick()
    {
        _cpu.Kick();
        _wake.Set();
    }

    /// <summary>Lets the CPU run. Called under the machine lock.</summary>
    public void Resume()
    {
        _shutdown = false;
        _running = true;
        _cpu.StopRequested = false;
        Monitor.PulseAll(_machineLock);
    }

    /// <summary>Stops the CPU and returns once it executes no guest code. Called under the machine lock, which it releases while it waits.</summary>
    public void Pause()
    {
        _running = false;
        _cpu.StopRequested = true;
        _wake.Set();
        if (Thread.CurrentThread == _thread)
            return;
        while (!_parked && _thread.IsAlive)
            Monitor.Wait(_machineLock, 10);
    }

    /// <summary>Leaves the CPU stopped until the next <see cref="Resume"/> (after a guest reset or power-off request).</summary>
    public void StopFromGuest()
    {
        _shutdown = true;
        _cpu.StopRequested = true;
    }

    private void Loop()
    {
        HostThreadId = GetTid();
        while (!_quit)
        {
            if (!_running || _shutdown)
            {
                Park();
                continue;
            }
            _wake.Reset();
            if (_cpu.Halted)
            {
                bool woken;
                lock (_machineLock)
                    woken = _cpu.WakeFromHalt();
                if (!woken)
                {
                    _wake.Wait();
                    continue;
                }
            }
            ExitReason exit = _interpreter.Run();
            if (exit == ExitReason.TripleFault)
            {
                _shutdown = true;
                TripleFault?.Invoke();
            }
        }
        Park();
    }

    private void Park()
    {
        lock (_machineLock)
        {
            _parked = true;
            Monitor.PulseAll(_machineLock);
            while ((!_running || _shutdown) && !_quit)
                Monitor.Wait(_machineLock);
            _parked = false;
        }
    }

    public void Dispose()
    {
        _quit = true;
        _running = false;
        _cpu.StopRequested = true;
        _wake.Set();
        lock (_machineLock)
            Monitor.PulseAll(_machineLock);
        if (Thread.CurrentThread != _thread && _thread.IsAlive)
            _thread.Join(1000);
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();
}

using QemuSharp.Chardev;
using QemuSharp.Common;
using QemuSharp.Common.Options;
using QemuSharp.Hw.Boot;
using QemuSharp.Hw.Pc;
using QemuSharp.Monitor.Commands;
using QemuSharp.Monitor.Machine;

namespace QemuSharp.Cli.System;

/// <summary>The <c>pc</c> machine as the life cycle and the monitor see it.</summary>
internal sealed class PcMachineHost : IMachine, IMachineInspection, IDisposable
{
    public const string TypeName = "pc-i440fx-7.2";

    public static readonly MachineInfo Info = new(true, TypeName, false, 255, false, "qemu64-x86_64-cpu", "pc.ram", Alias: "pc", IsDefault: true);

    public const string HelpText =
        "Supported machines are:\n" +
        "pc                   Standard PC (i440FX + PIIX, 1996) (alias of pc-i440fx-7.2)\n" +
        "pc-i440fx-7.2        Standard PC (i440FX + PIIX, 1996) (default)\n" +
        "none                 empty machine\n";

    private readonly PcMachine _machine;

    private PcMachineHost(PcMachine machine) => _machine = machine;

    public PcMachine Machine => _machine;

    string IMachine.TypeName => TypeName;

    public IReadOnlyList<long> VcpuThreadIds => [_machine.Vcpu.HostThreadId];

    /// <summary>Reads the kernel and initrd and builds the machine, with QEMU's messages for what is wrong.</summary>
    public static PcMachineHost Create(PcOptions options, IReadOnlyList<Chardev.Chardev?> serials)
    {
        if (options.Kernel is null)
            throw new CommandLineException(null, "QemuSharp's pc machine has no BIOS yet: boot a kernel with -kernel");
        byte[] kernel = ReadFile(options.Kernel, $"qemu: could not open kernel file '{options.Kernel}'");
        byte[]? initrd = options.Initrd is { } path ? ReadFile(path, $"qemu: error reading initrd {path}") : null;
        try
        {
            var machine = new PcMachine(new PcConfig
            {
                RamSize = options.RamSize,
                Kernel = kernel,
                Initrd = initrd,
                CommandLine = options.Append ?? "",
                Serials = serials,
            });
            TextWriter? log = options.LogItems.Count == 0 ? null
                : options.LogFile is null ? Console.Error : new StreamWriter(options.LogFile, append: false) { AutoFlush = true };
            if (log is not null && options.LogItems.Contains("int"))
                LogInterrupts(machine, log);
            if (log is not null && options.LogItems.Contains("in_asm"))
                machine.Interpreter.Translator.OnTranslated = b => Target.X86.Translate.BlockLog.InAsm(log, b);
            foreach (var (chardev, uart) in serials.Zip(machine.Serials))
                if (chardev is MuxChardev mux)
                    mux.Focus(uart);
            machine.Start();
            return new PcMachineHost(machine);
        }
        catch (LinuxBootException e)
        {
            throw new QemuExit($"qemu: {e.Message}");
        }
    }

    /// <summary>Guest requests reach the life cycle on a pool thread, never on the vCPU that made them.</summary>
    public void Connect(VmLifecycle lifecycle)
    {
        _machine.GuestReset += () => Post(() => lifecycle.RequestReset(ShutdownCause.GuestReset));
        _machine.GuestPowerOff += () => Post(() => lifecycle.RequestShutdown(ShutdownCause.GuestShutdown));
    }

    private void Post(Action action)
    {
        _machine.Vcpu.StopFromGuest();
        ThreadPool.QueueUserWorkItem(_ =>
        {
            lock (MainLoop.Lock)
                action();
        });
    }

    public void Resume() => _machine.Resume();

    public void Pause() => _machine.Pause();

    public void Reset(ShutdownCause cause) => _machine.Reset();

    public void PowerButton() => _machine.PressPowerButton();

    /// <summary>QEMU's <c>-d int</c> line for each exception and interrupt the CPU delivers.</summary>
    private static void LogInterrupts(PcMachine machine, TextWriter log)
    {
        int count = 0;
        var cpu = machine.Cpu;
        cpu.OnEvent = (vector, software, error) =>
        {
            var cs = cpu.Seg[Target.X86.Cpu.SegReg.Cs];
            var ss = cpu.Seg[Target.X86.Cpu.SegReg.Ss];
            log.WriteLine($"{count++,6}: v={vector:x2} e={(error < 0 ? 0 : error):x4} i={(software ? 1 : 0)} cpl={cpu.Cpl} " +
                $"IP={cs.Selector:x4}:{cpu.Rip:x16} pc={cpu.Rip:x16} SP={ss.Selector:x4}:{cpu.R[Target.X86.Cpu.Gpr.Rsp]:x16} " +
                (vector == 14 ? $"CR2={cpu.Cr2:x16}" : $"env->regs[R_EAX]={cpu.R[Target.X86.Cpu.Gpr.Rax]:x16}"));
        };
    }

    public string Registers()
    {
        lock (MainLoop.Lock)
            return Target.X86.Cpu.CpuStateDump.Format(_machine.Cpu);
    }

    public string MemoryTree()
    {
        var sb = new global::System.Text.StringBuilder();
        sb.Append("address-space: memory\n  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n");
        foreach (string line in _machine.Memory.Describe())
            sb.Append("  ").Append(line).Append('\n');
        sb.Append("\naddress-space: I/O\n  0000000000000000-000000000000ffff (prio 0, i/o): io\n");
        foreach (string line in _machine.Ports.Describe())
            sb.Append("  ").Append(line).Append('\n');
        return sb.Append('\n').ToString();
    }

    public string DeviceTree() => _machine.DescribeDevices();

    public bool ReadPhysical(ulong address, Span<byte> destination) => _machine.Memory.TryRead(address, destination);

    public bool ReadVirtual(ulong address, Span<byte> destination) => _machine.ReadVirtual(address, destination);

    private static byte[] ReadFile(string path, string prefix)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string reason = e is FileNotFoundException or DirectoryNotFoundException ? "No such file or directory" : e.Message;
            throw new QemuExit($"{prefix}: {reason}");
        }
    }

    public void Dispose() => _machine.Dispose();
}

/// <summary>A start-up failure reported with QEMU's exact words (no program-name prefix), exit status 1.</summary>
internal sealed class QemuExit(string message) : Exception(message);

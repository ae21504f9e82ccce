using QemuSharp.Accel;
using QemuSharp.Common;
using QemuSharp.Common.Irq;
using QemuSharp.Common.Time;
using QemuSharp.Hw.Acpi;
using QemuSharp.Hw.Boot;
using QemuSharp.Hw.Char;
using QemuSharp.Hw.Input;
using QemuSharp.Hw.Intc;
using QemuSharp.Hw.Machine;
using QemuSharp.Hw.Misc;
using QemuSharp.Hw.Pci;
using QemuSharp.Hw.Timer;
using QemuSharp.Memory;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Exec;
using QemuSharp.Target.X86.Translate;

namespace QemuSharp.Hw.Pc;

/// <summary>What <c>-M pc</c> is built from: RAM size, serial backends and the kernel to boot directly.</summary>
public sealed record PcConfig
{
    public required ulong RamSize { get; init; }
    public required byte[] Kernel { get; init; }
    public byte[]? Initrd { get; init; }
    public string CommandLine { get; init; } = "";
    public IReadOnlyList<Chardev.Chardev?> Serials { get; init; } = [];
    public CpuModel Cpu { get; init; } = CpuModel.Qemu64;
    public bool Hpet { get; init; } = true;
}

/// <summary>
/// QEMU's <c>pc</c> machine (i440FX + PIIX, 1996) booting a Linux kernel directly: RAM, the
/// legacy ISA chips, the local APIC, IOAPIC and HPET, PIIX4 power management and our own ACPI
/// tables, one vCPU. Guest requests that concern the whole machine (reset, power-off) are raised
/// as events for the life cycle to act on.
/// </summary>
public sealed class PcMachine : IDisposable
{
    public const ulong IoApicBase = 0xfec00000, HpetBase = 0xfed00000;

    /// <summary>Where the ACPI tables go: the BIOS area (reserved in the e820 map), where Linux also scans for the RSDP.</summary>
    public const uint AcpiAddress = 0xf0000;

    private readonly PcConfig _config;
    private readonly RamBlock _ram;
    private readonly TimerThread _timerThread;
    private readonly List<Action> _resets = [];
    private readonly List<IDeviceInfo> _devices = [];
    private readonly ulong _below4G;

    public PcMachine(PcConfig config)
    {
        _config = config;
        (_below4G, ulong above4G) = E820Map.SplitRam(config.RamSize);
        ulong below4G = _below4G;
        _ram = new RamBlock("pc.ram", config.RamSize);
        Memory.Map(0, MemoryRegion.Ram("ram-below-4g", _ram, 0, below4G));
        if (above4G > 0)
            Memory.Map(E820Map.FourGiB, MemoryRegion.Ram("ram-above-4g", _ram, below4G, above4G));
        Timers = new TimerQueue(Clock);
        _timerThread = new TimerThread(Timers, Lock);

        Cpu = new X86Cpu(Memory, Ports, config.Cpu, Lock);
        Blocks = new BlockCache<X86Block>();
        Interpreter = new Interpreter(Cpu, Blocks);
        Vcpu = new VcpuThread(Cpu, Interpreter, Lock);

        Apic = new LocalApic(Timers);
        Apic.Kick = Vcpu.Kick;
        Apic.TscToClockNs = tsc => (long)Math.Min(tsc - Cpu.TscAdjust, long.MaxValue);
        Cpu.Interrupts = Apic;
        Cpu.TscClock = () => (ulong)Clock.NowNs;
        Cpu.ReadApicBase = () => Apic.BaseMsr;
        Cpu.WriteApicBase = Apic.WriteBaseMsr;
        Memory.Map(LocalApic.DefaultBase, MemoryRegion.Mmio("apic-msi", LocalApic.MmioSize, Apic), priority: 1);
        IoApic = new IoApic(Apic.Accept);
        Apic.EoiBroadcast = IoApic.EndOfInterrupt;
        Memory.Map(IoApicBase, MemoryRegion.Mmio("ioapic", 0x1000, IoApic));

        Pic = new I8259Pic(Apic.Lint0);
        Apic.PicAcknowledge = () => (byte)Pic.Acknowledge();
        Pic.Attach(Ports);
        Irq = new IsaIrqRouter(Pic, IoApic);

        Pit = new I8254Pit(Timers, Irq[0]);
        Pit.Attach(Ports);
        Speaker = new PcSpeaker(Pit);
        Speaker.Attach(Ports);

        Hpet = new Hpet(Timers, Irq[0], Irq[8], pin => IoApic.Input(pin));
        // In legacy replacement mode the HPET owns IRQ0 and the PIT's output is disconnected.
        Hpet.PitEnabledChanged = enabled => Pit.Irq0Enabled = enabled;
        Rtc = new Mc146818Rtc(Timers, config.Hpet ? Hpet.RtcIrqInput : Irq[8]);
        Rtc.Attach(Ports);
        Rtc.SetMemorySize(below4G, above4G);
        if (config.Hpet)
            Memory.Map(HpetBase, MemoryRegion.Mmio("hpet", 0x400, Hpet));

        Action<Action> runLocked = action =>
        {
            lock (Lock)
                action();
        };
        for (int i = 0; i < config.Serials.Count && i < Uart16550.IsaPorts.Length; i++)
        {
            if (config.Serials[i] is not { } backend)
                continue;
            var (port, irq) = Uart16550.IsaPorts[i];
            var uart = new Uart16550(Timers, Irq[irq], runLocked, i);
            uart.Attach(Ports, port);
            uart.Connect(backend);
            Serials.Add(uart);
            _resets.Add(uart.Reset);
        }

        Keyboard = new I8042(Irq[1], Irq[12], () => GuestReset?.Invoke(), _ => { });
        Keyboard.Attach(Ports);
        Port92 = new Port92(() => GuestReset?.Invoke(), _ => { });
        Port92.Attach(Ports);
        PostPort = new DebugPort80();
        PostPort.Attach(Ports);

        PciBus = new PciBus();
        PciBus.Add(0, 0, new I440fxHostBridge());
        var piix3 = new Piix3IsaBridge(PciBus, irq => Irq[irq], () => GuestReset?.Invoke());
        PciBus.Add(1, 0, piix3);
        var pciPorts = new PciConfigPorts(PciBus, piix3.ResetControl);
        pciPorts.Attach(Ports);

        Pm = new Piix4Pm(Timers, Irq[9]);
        Pm.PowerOff = () => GuestPowerOff?.Invoke();
        Pm.Map(Ports);

        _resets.AddRange([PciBus.Reset, pciPorts.Reset, Pit.Reset, Pic.Reset, Speaker.Reset, Hpet.Reset, Rtc.Reset, Keyboard.Reset, Port92.Reset, Pm.Reset, IoApic.Reset, Apic.Reset]);
        Vcpu.TripleFault += () => GuestReset?.Invoke();
        _devices.AddRange(PciBus.Devices);
        _devices.AddRange([Pic.Master, Pic.Slave, Pit, Speaker, Rtc, Keyboard, Port92, .. Serials]);
        LoadFirmwareAndKernel();
    }

    /// <summary>The machine lock (QEMU's big lock): device state changes only under it.</summary>
    public object Lock => MainLoop.Lock;

    public VirtualClock Clock { get; } = new();
    public TimerQueue Timers { get; }
    public PhysicalMemory Memory { get; } = new();
    public IoPortSpace Ports { get; } = new();
    public X86Cpu Cpu { get; }
    public Interpreter Interpreter { get; }
    public BlockCache<X86Block> Blocks { get; }
    public VcpuThread Vcpu { get; }
    public LocalApic Apic { get; }
    public IoApic IoApic { get; }
    public I8259Pic Pic { get; }
    public IsaIrqRouter Irq { get; }
    public I8254Pit Pit { get; }
    public PcSpeaker Speaker { get; }
    public Hpet Hpet { get; }
    public Mc146818Rtc Rtc { get; }
    public List<Uart16550> Serials { get; } = [];
    public I8042 Keyboard { get; }
    public Port92 Port92 { get; }
    public DebugPort80 PostPort { get; }
    public Piix4Pm Pm { get; }
    public PciBus PciBus { get; }

    /// <summary>The guest asked for a reset (keyboard controller, port 0x92, 0xcf9 or a triple fault). Raised on a vCPU or device thread.</summary>
    public event Action? GuestReset;

    /// <summary>The guest entered ACPI S5.</summary>
    public event Action? GuestPowerOff;

    /// <summary>Starts the vCPU and timer threads with the CPU stopped.</summary>
    public void Start()
    {
        _timerThread.Start();
        Vcpu.Start();
    }

    /// <summary>Lets the guest run; under the machine lock.</summary>
    public void Resume()
    {
        Clock.Start();
        _timerThread.Wake();
        Vcpu.Resume();
    }

    /// <summary>Stops the guest and its clock; under the machine lock.</summary>
    public void Pause()
    {
        Vcpu.Pause();
        Clock.Stop();
    }

    /// <summary>A system reset: devices and CPU to their power-on state, then the kernel is loaded again as QEMU's boot ROM would.</summary>
    public void Reset()
    {
        bool running = Vcpu.Running;
        Vcpu.Pause();
        foreach (var reset in _resets)
            reset();
        Cpu.Reset();
        // The boot loader rewrites RAM behind the CPU's back: translations of it are stale.
        Blocks.InvalidateAll();
        LoadFirmwareAndKernel();
        if (running)
            Vcpu.Resume();
    }

    /// <summary>Reads through the CPU's page tables, page by page, as the monitor's <c>x</c> does.</summary>
    public bool ReadVirtual(ulong address, Span<byte> destination)
    {
        if (Cpu.Tlb.Mmu is not Target.X86.Mmu.SystemMmu mmu)
            return false;
        int done = 0;
        while (done < destination.Length)
        {
            ulong a = address + (ulong)done;
            int n = (int)Math.Min((ulong)(destination.Length - done), 4096 - (a & 0xfff));
            if (!mmu.TryDebugTranslate(a, out ulong physical) || !Memory.TryRead(physical, destination.Slice(done, n)))
                return false;
            done += n;
        }
        return true;
    }

    /// <summary>QEMU's <c>info qtree</c> for the devices that describe themselves.</summary>
    public string DescribeDevices()
    {
        var sb = new System.Text.StringBuilder("bus: main-system-bus\n  type System\n");
        foreach (var device in _devices)
        {
            sb.Append($"  dev: {device.TypeName}, id \"\"\n");
            foreach (var (key, value) in device.Properties)
                sb.Append($"    {key} = {value}\n");
        }
        return sb.ToString();
    }

    /// <summary>The ACPI power button (QMP system_powerdown).</summary>
    public void PressPowerButton() => Pm.PressPowerButton();

    private void LoadFirmwareAndKernel()
    {
        AcpiImage acpi = AcpiTables.Build(new AcpiPlatform
        {
            RamBelow4G = _below4G,
            SerialPorts = Math.Max(1, Serials.Count),
            Hpet = _config.Hpet,
        }, AcpiAddress);
        if (!Memory.TryWrite(acpi.Address, acpi.Bytes))
            throw new LinuxBootException("ACPI tables do not fit in RAM");
        LinuxBootResult boot = DirectBoot.Load(Memory, _config.Kernel, new LinuxBootOptions
        {
            RamSize = _config.RamSize,
            CommandLine = _config.CommandLine,
            Initrd = _config.Initrd,
            AcpiRsdpAddress = acpi.RsdpAddress,
        });
        Apply(boot.Entry);
    }

    private void Apply(CpuEntryState entry)
    {
        Cpu.SetControlRegisters(entry.Cr0, entry.Cr3, entry.Cr4, entry.Efer);
        Cpu.Gdtr = new TableRegister { Base = entry.GdtBase, Limit = entry.GdtLimit };
        Cpu.LoadSegment(SegReg.Cs, ToCache(entry.Cs));
        foreach (int seg in new[] { SegReg.Ds, SegReg.Es, SegReg.Fs, SegReg.Gs, SegReg.Ss })
            Cpu.LoadSegment(seg, ToCache(entry.DataSegment));
        Cpu.Rip = entry.Rip;
        Cpu.R[Gpr.Rsi] = entry.Rsi;
        Cpu.R[Gpr.Rbx] = entry.Rbx;
        Cpu.R[Gpr.Rsp] = entry.Rsp;
        Cpu.Flags = entry.Rflags;
    }

    /// <summary>The loader's attributes are descriptor bits 40-55; the cache keeps them at bits 8-23 of the high dword.</summary>
    private static SegmentCache ToCache(SegmentState s) =>
        new() { Selector = s.Selector, Base = s.Base, Limit = s.Limit, Flags = (uint)s.Attributes << 8 };

    public void Dispose()
    {
        Vcpu.Dispose();
        _timerThread.Dispose();
    }
}

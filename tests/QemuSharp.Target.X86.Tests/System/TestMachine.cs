using System.Diagnostics;
using System.Text;
using QemuSharp.Accel;
using QemuSharp.Memory;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Exec;
using QemuSharp.Target.X86.Translate;

namespace QemuSharp.Target.X86.Tests.System;

/// <summary>
/// The smallest PC the boot tests need: 8 MiB of RAM, a firmware image at the top of 4 GiB and at
/// 0xf0000, debugcon on port 0xe9 and an exit port at 0xf4, as QEMU's <c>-bios</c> gives them.
/// </summary>
public sealed class TestMachine : IDisposable
{
    private readonly RamBlock _ram = new("ram", 8 << 20);
    private readonly RamBlock _rom = new("bios", BootImage.Size);
    private readonly StringBuilder _output = new();
    private bool _exited;

    public TestMachine(byte[] image)
    {
        image.CopyTo(_rom.Slice(0, image.Length));
        Memory.Map(0, MemoryRegion.Ram("ram", _ram));
        Memory.Map(0xf0000, MemoryRegion.Rom("isa-bios", _rom), 1);
        Memory.Map(0x1_0000_0000UL - BootImage.Size, MemoryRegion.Rom("bios", _rom));
        Ports.Map(0xe9, 1, new IoHandler((_, _) => 0xe9, (_, _, v) => _output.Append((char)(byte)v)), "debugcon");
        Cpu = new X86Cpu(Memory, Ports, CpuModel.Qemu64, new object());
        X86Cpu cpu = Cpu;
        Ports.Map(0xf4, 1, new IoHandler((_, _) => 0, (_, _, _) => { _exited = true; cpu.StopRequested = true; cpu.Attention = true; }), "exit");
        Interpreter = new Interpreter(Cpu, new BlockCache<X86Block>());
    }

    public PhysicalMemory Memory { get; } = new();
    public IoPortSpace Ports { get; } = new();
    public X86Cpu Cpu { get; }
    public Interpreter Interpreter { get; }
    public string Output => _output.ToString();

    /// <summary>Runs until the exit port is written, a triple fault, or a halt nothing will wake.</summary>
    public ExitReason Run()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            ExitReason r = Interpreter.Run();
            if (_exited)
                return ExitReason.Interrupted;
            if (r == ExitReason.Halt && Cpu.Interrupts is { } ic && (ic.HasInterrupt || ic.HasNmi))
                continue;
            return r;
        }
        return ExitReason.None;
    }

    public void Dispose()
    {
        _ram.Dispose();
        _rom.Dispose();
    }
}

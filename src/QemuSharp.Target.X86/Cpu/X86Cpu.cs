using System.Runtime.CompilerServices;
using QemuSharp.Target.X86.Mmu;

namespace QemuSharp.Target.X86.Cpu;

/// <summary>Why <see cref="X86Cpu.Run"/> returned to its caller.</summary>
public enum ExitReason : byte
{
    None,
    Syscall,
    Fault,
    Halt,
    /// <summary>Someone asked the CPU to stop (a signal to deliver, a thread to end).</summary>
    Interrupted,
}

/// <summary>
/// The architectural state of one x86-64 CPU (one guest thread in user mode, one vCPU in system
/// mode) and its memory-access path through the soft TLB.
/// </summary>
public sealed partial class X86Cpu
{
    public GprFile R;
    public ulong Rip;

    /// <summary>EFLAGS; the six status bits are valid only while <see cref="CcOp"/> is None.</summary>
    public ulong FlagsRaw = EFlags.Reserved1 | EFlags.IF;
    public FlagOp CcOp;
    public byte CcSize;
    public ulong CcDst, CcSrc, CcAux;

    public ulong FsBase, GsBase;
    public ushort Cs = 0x33, Ss = 0x2b, Ds, Es, Fs, Gs;

    public XmmFile Xmm;
    public uint Mxcsr = 0x1f80;
    public readonly X87.X87State X87 = new();

    public ExitReason Exit;
    public readonly GuestFault Fault = new();
    public readonly SoftTlb Tlb;
    public CpuModel Model { get; }

    public X86Cpu(IGuestMmu mmu, CpuModel model)
    {
        Tlb = new SoftTlb(this, mmu);
        Model = model;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public GuestFault RaiseUd() => Fault.Set(Vector.UD);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public GuestFault RaiseGp(uint errorCode = 0) => Fault.Set(Vector.GP, errorCode);
}

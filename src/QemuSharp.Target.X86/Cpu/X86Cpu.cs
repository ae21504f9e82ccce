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
    /// <summary>System mode: a fault while delivering a double fault (triple fault); the machine resets.</summary>
    TripleFault,
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

    /// <summary>Segment registers with their descriptor caches, indexed by <see cref="SegReg"/>.</summary>
    public SegmentFile Seg;

    /// <summary>The bases that memory operands add (<see cref="SegReg.BaseSlot"/>); in 64-bit mode only FS and GS are non-zero.</summary>
    public SegmentBases SegBase;

    public ulong FsBase
    {
        get => SegBase[1];
        set => SegBase[1] = Seg[SegReg.Fs].Base = value;
    }

    public ulong GsBase
    {
        get => SegBase[2];
        set => SegBase[2] = Seg[SegReg.Gs].Base = value;
    }

    public ushort Cs { get => Seg[SegReg.Cs].Selector; set => Seg[SegReg.Cs].Selector = value; }
    public ushort Ss { get => Seg[SegReg.Ss].Selector; set => Seg[SegReg.Ss].Selector = value; }
    public ushort Ds { get => Seg[SegReg.Ds].Selector; set => Seg[SegReg.Ds].Selector = value; }
    public ushort Es { get => Seg[SegReg.Es].Selector; set => Seg[SegReg.Es].Selector = value; }
    public ushort Fs { get => Seg[SegReg.Fs].Selector; set => Seg[SegReg.Fs].Selector = value; }
    public ushort Gs { get => Seg[SegReg.Gs].Selector; set => Seg[SegReg.Gs].Selector = value; }

    public XmmFile Xmm;
    public uint Mxcsr = 0x1f80;
    public readonly X87.X87State X87 = new();

    public ExitReason Exit;
    public readonly GuestFault Fault = new();
    public readonly SoftTlb Tlb;
    public CpuModel Model { get; }

    /// <summary>A CPU for user-mode emulation: 64-bit code at CPL 3, mappings from <paramref name="mmu"/>.</summary>
    public X86Cpu(IGuestMmu mmu, CpuModel model)
    {
        Tlb = new SoftTlb(this, mmu);
        Model = model;
        Cs = 0x33;
        Ss = 0x2b;
        Cpl = 3;
        UpdateMode();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public GuestFault RaiseUd() => Fault.Set(Vector.UD);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public GuestFault RaiseGp(uint errorCode = 0) => Fault.Set(Vector.GP, errorCode);
}

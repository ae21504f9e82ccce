using System.Runtime.CompilerServices;
using QemuSharp.Memory;
using QemuSharp.Target.X86.Mmu;
using static QemuSharp.Target.X86.Cpu.ControlBits;

namespace QemuSharp.Target.X86.Cpu;

/// <summary>
/// System-mode state: control registers, EFER, descriptor tables, privilege level and the machine
/// the CPU is plugged into (physical memory, I/O ports, interrupt controller, device lock).
/// </summary>
public sealed partial class X86Cpu
{
    /// <summary>
    /// A CPU of a whole machine: paging over <paramref name="memory"/>, port I/O to <paramref name="ports"/>,
    /// devices reached under <paramref name="deviceLock"/>. It starts in the power-on state (<see cref="Reset"/>).
    /// </summary>
    public X86Cpu(PhysicalMemory memory, IoPortSpace ports, CpuModel model, object deviceLock)
    {
        Model = model;
        Memory = memory;
        Ports = ports;
        DeviceLock = deviceLock;
        SystemMode = true;
        Tlb = new SoftTlb(this, new SystemMmu(this, memory));
        Reset();
    }

    public bool SystemMode { get; }
    public PhysicalMemory? Memory { get; }
    public IoPortSpace? Ports { get; }

    /// <summary>Held around every port and MMIO access, so that devices run only under the machine's lock.</summary>
    public object DeviceLock { get; } = new();

    /// <summary>The local APIC (or PIC) as the CPU sees it; null means no interrupts arrive.</summary>
    public IInterruptController? Interrupts { get; set; }

    /// <summary>IA32_APIC_BASE reads and writes go to the APIC model; null means the MSR reads as 0 and ignores writes.</summary>
    public Func<ulong>? ReadApicBase { get; set; }
    public Action<ulong>? WriteApicBase { get; set; }

    /// <summary>Set by the machine (or a device) from any thread: the interpreter looks at interrupts and stop requests before its next block.</summary>
    public volatile bool Attention;

    /// <summary>Set from any thread to make the interpreter return <see cref="ExitReason.Interrupted"/>.</summary>
    public volatile bool StopRequested;

    /// <summary>Makes the CPU look at its interrupt inputs soon (call after raising an interrupt line).</summary>
    public void Kick() => Attention = true;

    public int Cpl;

    /// <summary>Whether the machine has a local APIC: CPUID.1:EDX.APIC reports it.</summary>
    public bool HasApic { get; set; } = true;

    /// <summary>CPUID as this CPU answers it: the model's leaves, with the APIC bit following the machine in system mode.</summary>
    public (uint Eax, uint Ebx, uint Ecx, uint Edx) Cpuid(uint leaf, uint subleaf)
    {
        var r = Model.Cpuid(leaf, subleaf);
        if (SystemMode && leaf == 1 && !HasApic)
            r.Edx &= ~CpuModel.Apic;
        return r;
    }

    /// <summary>16, 32 or 64: how the code segment makes instructions decode.</summary>
    public int CodeBits = 64;

    /// <summary>What a translation block's meaning depends on: code size, CPL, and CS base outside 64-bit mode.</summary>
    public ulong BlockMode;

    public ulong Cr0 = Cr0Pe | Cr0Pg | Cr0Et | Cr0Ne, Cr2, Cr3, Cr4 = Cr4Pae | Cr4Osfxsr | Cr4Osxmmexcpt, Cr8;
    public ulong Efer = EferLme | EferLma | EferSce | EferNxe;
    public TableRegister Gdtr, Idtr;
    public DebugRegisters Dr;

    /// <summary>The STI/MOV SS shadow: no interrupt before the next instruction completes.</summary>
    public bool InterruptShadow;

    /// <summary>HLT ran and no interrupt has woken the CPU since.</summary>
    public bool Halted;

    /// <summary>An NMI handler is running (until IRET): further NMIs wait.</summary>
    public bool NmiBlocked;

    public bool LongMode => (Efer & EferLma) != 0;
    public bool ProtectedMode => (Cr0 & Cr0Pe) != 0;
    public bool Virtual8086 => (FlagsRaw & EFlags.VM) != 0;

    /// <summary>Width mask of the stack pointer: SS.B chooses ESP or SP outside 64-bit mode.</summary>
    public ulong StackMask = ulong.MaxValue;

    /// <summary>Recomputes what follows from CS, SS, CR0 and EFER: code size, operand bases, block mode, TLB privilege.</summary>
    public void UpdateMode()
    {
        ref SegmentCache cs = ref Seg[SegReg.Cs];
        if (!SystemMode)
            CodeBits = 64;
        else if (LongMode && (cs.Flags & SegmentCache.Long) != 0)
            CodeBits = 64;
        else
            // The D bit of the CS cache decides, in real mode too (until a far jump reloads CS), as in QEMU.
            CodeBits = (cs.Flags & SegmentCache.Big) != 0 && !Virtual8086 ? 32 : 16;
        bool flat = CodeBits == 64;
        SegBase[0] = 0;
        SegBase[1] = Seg[SegReg.Fs].Base;
        SegBase[2] = Seg[SegReg.Gs].Base;
        SegBase[3] = flat ? 0 : Seg[SegReg.Es].Base;
        SegBase[4] = flat ? 0 : cs.Base;
        SegBase[5] = flat ? 0 : Seg[SegReg.Ss].Base;
        SegBase[6] = flat ? 0 : Seg[SegReg.Ds].Base;
        StackMask = flat ? ulong.MaxValue : (Seg[SegReg.Ss].Flags & SegmentCache.Big) != 0 ? 0xffffffffUL : 0xffff;
        ulong size = CodeBits switch { 64 => 0UL, 32 => 1UL, _ => 2UL };
        BlockMode = size | ((ulong)Cpl << 2) | (SystemMode ? 1UL << 4 : 0) | (flat ? 0 : (ulong)(uint)cs.Base << 32);
        Tlb.SetPrivilege(Cpl == 3);
    }

    /// <summary>Linear address of the first byte of the current instruction stream (CS base + RIP).</summary>
    public ulong CodeBase => SegBase[4];

    /// <summary>Writes a segment register's cache as the machine wants it (direct kernel boot); no checks.</summary>
    public void LoadSegment(int seg, SegmentCache cache)
    {
        Seg[seg] = cache;
        if (seg == SegReg.Cs)
            Cpl = SystemMode && ProtectedMode ? cache.Selector & 3 : 0;
        UpdateMode();
    }

    /// <summary>Sets CR0, CR3, CR4 and EFER at once without the checks of MOV CR (direct kernel boot).</summary>
    public void SetControlRegisters(ulong cr0, ulong cr3, ulong cr4, ulong efer)
    {
        Cr0 = cr0;
        Cr3 = cr3;
        Cr4 = cr4;
        Efer = efer;
        FlushTlb();
        UpdateMode();
    }

    /// <summary>Drops every cached translation and the interpreter's jump cache.</summary>
    public void FlushTlb()
    {
        Tlb.FlushAll();
        if (Tlb.Mmu is SystemMmu mmu)
            mmu.LargePagesCached = false;
        TranslationsChanged();
    }

    /// <summary>Ends the running block and makes the interpreter forget block links and its jump cache (linear-to-physical mappings changed).</summary>
    public void TranslationsChanged()
    {
        FlushJumpCache = true;
        ModeChanged();
    }

    /// <summary>Ends the running block and drops the link from it: CS, the CPL or the mode may differ for the next one.</summary>
    public void ModeChanged()
    {
        CodeModified = true;
        StopBlock = true;
    }

    /// <summary>Set with <see cref="CodeModified"/> when virtual-to-physical mappings or the mode changed.</summary>
    public bool FlushJumpCache;

    /// <summary>
    /// The power-on state (Intel SDM vol. 3, 9.1.1): real mode, CS selector F000 with base FFFF0000,
    /// IP FFF0, CR0 60000010, EFLAGS 2, DR6 FFFF0FF0, DR7 400, EDX the processor signature.
    /// </summary>
    public void Reset()
    {
        R = default;
        Xmm = default;
        Mxcsr = 0x1f80;
        X87.Init();
        Flags = EFlags.Reserved1;
        Rip = 0xfff0;
        Cr0 = Cr0Cd | Cr0Nw | Cr0Et;
        Cr2 = Cr3 = Cr4 = Cr8 = Efer = 0;
        Cpl = 0;
        for (int s = 0; s < 6; s++)
            Seg[s] = SegmentCache.Real(0);
        Seg[SegReg.Cs] = new SegmentCache
        {
            Selector = 0xf000, Base = 0xffff0000, Limit = 0xffff,
            Flags = SegmentCache.Present | SegmentCache.CodeOrData | SegmentCache.TypeCode | SegmentCache.TypeReadable | SegmentCache.TypeAccessed,
        };
        Seg[SegReg.Ldtr] = new SegmentCache { Limit = 0xffff, Flags = SegmentCache.Present | (2u << 8) };
        Seg[SegReg.Tr] = new SegmentCache { Limit = 0xffff, Flags = SegmentCache.Present | (11u << 8) };
        Gdtr = new TableRegister { Limit = 0xffff };
        Idtr = new TableRegister { Limit = 0xffff };
        Dr = default;
        Dr[6] = 0xffff0ff0;
        Dr[7] = 0x400;
        var (signature, _, _, _) = Model.Cpuid(1, 0);
        R[Gpr.Rdx] = signature;
        ResetMsrs();
        InterruptShadow = Halted = NmiBlocked = false;
        Exit = ExitReason.None;
        FlushTlb();
        UpdateMode();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public GuestFault RaiseGpSelector(int selector) => Fault.Set(Vector.GP, (uint)selector & 0xfffc);
}

/// <summary>DR0-DR7.</summary>
[InlineArray(8)]
public struct DebugRegisters
{
    private ulong _element;
}

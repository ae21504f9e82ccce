using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QemuSharp.Accel;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Mmu;
using QemuSharp.Target.X86.Translate;

namespace QemuSharp.Target.X86.Exec;

/// <summary>
/// Tier 0 (design.md #4): runs translation blocks op by op until something needs the caller (a
/// syscall, a fault, an interrupt request). Blocks are found through the previous block's cached
/// successor, then a per-CPU jump cache, then the shared <see cref="BlockCache{TBlock}"/>.
/// </summary>
public sealed class Interpreter
{
    private const int JumpCacheBits = 12;
    private readonly X86Block?[] _jumpCache = new X86Block?[1 << JumpCacheBits];
    private readonly BlockCache<X86Block> _blocks;
    private readonly Translator _translator = new();
    private readonly X86Cpu _cpu;

    public Interpreter(X86Cpu cpu, BlockCache<X86Block> blocks)
    {
        _cpu = cpu;
        _blocks = blocks;
        cpu.Tlb.CodePages = blocks;
    }

    public Translator Translator => _translator;

    /// <summary>Set from any thread to make <see cref="Run"/> return with <see cref="ExitReason.Interrupted"/>; the caller clears it.</summary>
    public bool InterruptRequested
    {
        get => _cpu.StopRequested;
        set
        {
            _cpu.StopRequested = value;
            if (value)
                _cpu.Attention = true;
        }
    }

    /// <summary>Called with each block before it runs (for -d exec); null when nobody asked.</summary>
    public Action<X86Block>? OnBlock { get; set; }

    /// <summary>
    /// Runs until the CPU exits. In user mode a fault returns <see cref="ExitReason.Fault"/> with RIP
    /// at the faulting instruction and the fault in <see cref="X86Cpu.Fault"/>; in system mode faults
    /// and interrupts are delivered through the IDT and Run returns only for HLT
    /// (<see cref="ExitReason.Halt"/>), a triple fault or a stop request.
    /// </summary>
    public ExitReason Run()
    {
        X86Cpu c = _cpu;
        c.Exit = ExitReason.None;
        c.StopBlock = false;
        X86Block? previous = null;
        if (c.SystemMode)
        {
            c.Attention = true;
            if (c.Halted && !c.WakeFromHalt())
                return c.StopRequested ? ExitReason.Interrupted : ExitReason.Halt;
        }
        while (true)
        {
            if (c.Attention)
            {
                ExitReason service = c.ServiceAttention();
                if (service != ExitReason.None)
                    return service;
                c.StopBlock = false;
                previous = null;
                ForgetJumpsIfNeeded(c);
            }
            c.Tlb.SyncCodePages();
            ExitReason exit;
            try
            {
                X86Block block = FindBlock(c.Rip, previous);
                OnBlock?.Invoke(block);
                previous = block;
                exit = RunBlock(c, block);
            }
            catch (GuestFault)
            {
                exit = ExitReason.Fault;
            }
            if (exit == ExitReason.Fault && c.SystemMode)
                exit = DeliverFault(c);
            if (exit != ExitReason.None)
                return exit;
            if (c.CodeModified)
            {
                c.CodeModified = false;
                previous = null;
                ForgetJumpsIfNeeded(c);
            }
        }
    }

    /// <summary>
    /// Delivers the fault that ended a block or its translation. Delivery marks the mode changed,
    /// so the caller drops the block link and, if mappings changed, the jump cache.
    /// </summary>
    private static ExitReason DeliverFault(X86Cpu c)
    {
        ExitReason exit = c.DeliverFault();
        if (exit == ExitReason.None)
        {
            c.Exit = ExitReason.None;
            c.StopBlock = false;
        }
        return exit;
    }

    private void ForgetJumpsIfNeeded(X86Cpu c)
    {
        if (c.FlushJumpCache)
        {
            c.FlushJumpCache = false;
            Array.Clear(_jumpCache);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ExitReason RunBlock(X86Cpu c, X86Block block)
    {
        Op[] ops = block.Ops;
        int i = 0;
        try
        {
            ref Op first = ref MemoryMarshal.GetArrayDataReference(ops);
            for (; i < ops.Length; i++)
            {
                ref Op op = ref Unsafe.Add(ref first, i);
                unsafe
                {
                    op.Exec(c, ref op);
                }
                if (c.StopBlock)
                {
                    c.StopBlock = false;
                    if (c.Exit != ExitReason.None)
                        return c.Exit;
                    if (i + 1 < ops.Length)
                    {
                        c.Rip = op.Next;
                        return ExitReason.None;
                    }
                }
            }
        }
        catch (GuestFault)
        {
            if (c.Fault.Vector != Vector.BP)
                c.Rip = ops[i].Ip;
            c.Exit = ExitReason.Fault;
            return ExitReason.Fault;
        }
        if (!block.EndsInBranch)
            c.Rip = block.End;
        return ExitReason.None;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private X86Block FindBlock(ulong pc, X86Block? previous)
    {
        if (previous != null)
        {
            X86Block? chained = pc == previous.End ? previous.NextFallthrough : previous.NextTaken;
            if (chained != null && chained.Valid && chained.Pc == pc)
                return chained;
        }
        X86Cpu c = _cpu;
        ulong mode = c.BlockMode;
        ref X86Block? slot = ref _jumpCache[(int)(pc ^ (pc >> JumpCacheBits)) & ((1 << JumpCacheBits) - 1)];
        X86Block? b = slot;
        if (b == null || !b.Valid || b.Pc != pc || b.Mode != mode)
        {
            b = Lookup(c, pc, mode);
            slot = b;
        }
        if (previous != null && (!c.SystemMode || CanChain(previous, b)))
        {
            if (pc == previous.End) previous.NextFallthrough = b;
            else previous.NextTaken = b;
        }
        return b;
    }

    private X86Block Lookup(X86Cpu c, ulong pc, ulong mode)
    {
        if (!c.SystemMode)
            return _blocks.Find(pc, mode, pc) ?? _blocks.Add(_translator.Translate(c, pc, mode, pc));
        ulong linear = pc + c.CodeBase;
        ulong physical = c.Tlb.CodePhysical(linear);
        X86Block? b = _blocks.Find(pc, mode, physical);
        // A block whose last instruction runs into the next page is valid only while that page maps the same.
        if (b != null && b.LastPage != b.FirstPage && (c.Tlb.CodePhysical(b.End - 1 + c.CodeBase) & SoftTlb.PageMask) != b.LastPage)
            b = null;
        return b ?? _blocks.Add(_translator.Translate(c, pc, mode, physical));
    }

    /// <summary>
    /// In system mode a block links only to blocks in its own page and mode, with their code in one
    /// page: such a link stays right whatever the page tables do, as long as both blocks are valid.
    /// </summary>
    private static bool CanChain(X86Block from, X86Block to) =>
        from.Mode == to.Mode && ((from.Pc ^ to.Pc) & SoftTlb.PageMask) == 0 && to.FirstPage == to.LastPage && from.FirstPage == to.FirstPage;
}

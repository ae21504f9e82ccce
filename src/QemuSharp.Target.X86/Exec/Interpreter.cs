using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QemuSharp.Accel;
using QemuSharp.Target.X86.Cpu;
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

    /// <summary>Set from any thread to make <see cref="Run"/> return with <see cref="ExitReason.Interrupted"/>.</summary>
    public volatile bool InterruptRequested;

    /// <summary>Called with each block before it runs (for -d exec); null when nobody asked.</summary>
    public Action<X86Block>? OnBlock { get; set; }

    /// <summary>Runs until the CPU exits; on a fault RIP is the faulting instruction and the fault is in <see cref="X86Cpu.Fault"/>.</summary>
    public ExitReason Run()
    {
        X86Cpu c = _cpu;
        c.Exit = ExitReason.None;
        c.StopBlock = false;
        X86Block? previous = null;
        while (true)
        {
            if (InterruptRequested)
                return ExitReason.Interrupted;
            c.Tlb.SyncCodePages();
            X86Block block;
            try
            {
                block = FindBlock(c.Rip, previous);
            }
            catch (GuestFault)
            {
                return ExitReason.Fault;
            }
            OnBlock?.Invoke(block);
            previous = block;
            ExitReason exit = RunBlock(c, block);
            if (exit != ExitReason.None)
                return exit;
            if (c.CodeModified)
            {
                c.CodeModified = false;
                previous = null;
            }
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
        ref X86Block? slot = ref _jumpCache[(int)(pc ^ (pc >> JumpCacheBits)) & ((1 << JumpCacheBits) - 1)];
        X86Block? b = slot;
        if (b == null || !b.Valid || b.Pc != pc)
        {
            b = _blocks.Find(pc, Mode) ?? _blocks.Add(_translator.Translate(_cpu, pc, Mode));
            slot = b;
        }
        if (previous != null)
        {
            if (pc == previous.End) previous.NextFallthrough = b;
            else previous.NextTaken = b;
        }
        return b;
    }

    /// <summary>64-bit user mode is the only mode so far; system mode adds CS size and CPL here.</summary>
    private const ulong Mode = 0;
}

using QemuSharp.Accel;

namespace QemuSharp.Target.X86.Translate;

/// <summary>A translation block of x86 code: pre-decoded ops that run in order, the last one possibly a branch.</summary>
public sealed class X86Block : TranslationBlock
{
    public X86Block(ulong pc, ulong mode, ulong physicalPc, ulong firstPage, ulong lastPage, Op[] ops, bool endsInBranch)
        : base(pc, mode, physicalPc, firstPage, lastPage)
    {
        Ops = ops;
        EndsInBranch = endsInBranch;
        End = ops[^1].Next;
    }

    public readonly Op[] Ops;

    /// <summary>True when the last op sets RIP itself; otherwise execution continues at <see cref="End"/>.</summary>
    public readonly bool EndsInBranch;

    public readonly ulong End;

    /// <summary>The successor last entered from this block, checked before any look-up (block chaining).</summary>
    public X86Block? NextTaken, NextFallthrough;
}

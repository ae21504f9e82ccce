namespace QemuSharp.Accel;

/// <summary>
/// The architecture-neutral part of a translation block: where its guest code starts, which
/// guest pages its bytes come from, and whether it may still run. A block whose code page is
/// written is marked invalid and never entered again.
/// </summary>
public abstract class TranslationBlock
{
    protected TranslationBlock(ulong pc, ulong mode, ulong physicalPc, ulong firstPage, ulong lastPage)
    {
        Pc = pc;
        PhysicalPc = physicalPc;
        Mode = mode;
        FirstPage = firstPage;
        LastPage = lastPage;
    }

    public ulong Pc { get; }

    /// <summary>Where the code is in guest physical memory (system mode); equal to <see cref="Pc"/> in user mode.</summary>
    public ulong PhysicalPc { get; }

    /// <summary>The mode bits that change what the bytes mean (CS size, CPL...), part of the key.</summary>
    public ulong Mode { get; }

    /// <summary>The code page of the first byte and of the last byte (physical pages in system mode; they may be far apart).</summary>
    public ulong FirstPage { get; }
    public ulong LastPage { get; }

    /// <summary>The one or two code pages the block's bytes come from.</summary>
    public IEnumerable<ulong> Pages => LastPage == FirstPage ? [FirstPage] : [FirstPage, LastPage];

    public volatile bool Valid = true;

    /// <summary>How many times the block ran; the tiering policy reads it.</summary>
    public int ExecCount;
}

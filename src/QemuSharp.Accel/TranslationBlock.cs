namespace QemuSharp.Accel;

/// <summary>
/// The architecture-neutral part of a translation block: where its guest code starts, which
/// guest pages its bytes come from, and whether it may still run. A block whose code page is
/// written is marked invalid and never entered again.
/// </summary>
public abstract class TranslationBlock
{
    protected TranslationBlock(ulong pc, ulong mode, ulong firstPage, ulong lastPage)
    {
        Pc = pc;
        Mode = mode;
        FirstPage = firstPage;
        LastPage = lastPage;
    }

    public ulong Pc { get; }

    /// <summary>The mode bits that change what the bytes mean (CS size, CPL...), part of the key.</summary>
    public ulong Mode { get; }

    public ulong FirstPage { get; }
    public ulong LastPage { get; }

    public volatile bool Valid = true;

    /// <summary>How many times the block ran; the tiering policy reads it.</summary>
    public int ExecCount;
}

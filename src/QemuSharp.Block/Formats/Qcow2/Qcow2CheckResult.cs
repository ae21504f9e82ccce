namespace QemuSharp.Block.Formats.Qcow2;

/// <summary>What a consistency check found, with the counters QEMU's ImageCheck reports.</summary>
public sealed class Qcow2CheckResult
{
    public long Corruptions { get; set; }
    public long Leaks { get; set; }
    public long CheckErrors { get; set; }
    public long CorruptionsFixed { get; set; }
    public long LeaksFixed { get; set; }
    public long ImageEndOffset { get; set; }
    public long TotalClusters { get; set; }
    public long AllocatedClusters { get; set; }
    public long FragmentedClusters { get; set; }
    public long CompressedClusters { get; set; }
    public bool NeedsRebuild { get; set; }
    public string? FailureMessage { get; set; }
}

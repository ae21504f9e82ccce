namespace QemuSharp.Block.Tests;

/// <summary>Damaged images: check reports what Debian reports, and -r repairs as Debian does.</summary>
public sealed class CheckRepairTests : IDisposable
{
    private readonly TempDir _dir = new();

    public enum Fault
    {
        Leak,
        ZeroRefcount,
        ClearedCopied,
        RefcountTooHigh,
    }

    [Theory]
    [InlineData(Fault.Leak, 3)]
    [InlineData(Fault.ZeroRefcount, 2)]
    [InlineData(Fault.ClearedCopied, 2)]
    [InlineData(Fault.RefcountTooHigh, 2)]
    public void ShouldReportFaultsAsDebianDoes(Fault fault, int exitCode)
    {
        string image = Damaged(fault, "a.qcow2");
        foreach (string output in new[] { "human", "json" })
        {
            var theirs = Oracle.DebianImg("check", "--output=" + output, image);
            var ours = Oracle.Ours("check", "--output=" + output, image);
            Assert.Equal(exitCode, theirs.ExitCode);
            Assert.Equal(theirs.ExitCode, ours.ExitCode);
            Assert.Equal(theirs.Out, ours.Out);
            Assert.Equal(theirs.Err, ours.Err);
        }
    }

    [Theory]
    [InlineData(Fault.Leak, "leaks")]
    [InlineData(Fault.Leak, "all")]
    [InlineData(Fault.ZeroRefcount, "leaks")]
    [InlineData(Fault.ZeroRefcount, "all")]
    [InlineData(Fault.ClearedCopied, "all")]
    [InlineData(Fault.RefcountTooHigh, "all")]
    public void ShouldRepairAsDebianDoes(Fault fault, string mode)
    {
        string theirsImage = Damaged(fault, "t.qcow2");
        string oursImage = Damaged(fault, "o.qcow2");
        var theirs = Oracle.DebianImg("check", "-r", mode, theirsImage);
        var ours = Oracle.Ours("check", "-r", mode, oursImage);
        Assert.Equal(theirs.ExitCode, ours.ExitCode);
        Assert.Equal(theirs.Out, ours.Out);
        Assert.Equal(theirs.Err, ours.Err.Replace("o.qcow2", "t.qcow2"));
        Assert.Equal(Oracle.DebianImg("check", theirsImage).ExitCode, Oracle.DebianImg("check", oursImage).ExitCode);
        Assert.Equal(0, Oracle.DebianImg("compare", theirsImage, oursImage).ExitCode);
    }

    /// <summary>
    /// A 1 GiB image (clusters: 0 header, 1 refcount table, 2 refcount block, 3 L1, 4 L2,
    /// 5-6 data, 7 compressed) with one fault injected into its metadata.
    /// </summary>
    private string Damaged(Fault fault, string name)
    {
        string image = _dir[name];
        Oracle.DebianImg("create", "-f", "qcow2", image, "1G");
        Oracle.Io(image, "write -P 0xaa 0 128k", "write -z 1M 64k", "write -c 4M 64k");
        using var f = new FileStream(image, FileMode.Open);
        switch (fault)
        {
            case Fault.Leak:
                f.SetLength(10 * 65536);
                Poke(f, 0x20000 + 2 * 8, [0, 1]);
                break;
            case Fault.ZeroRefcount:
                Poke(f, 0x20000 + 2 * 5, [0, 0]);
                break;
            case Fault.ClearedCopied:
                Poke(f, 0x40000, [0x00]);
                break;
            case Fault.RefcountTooHigh:
                Poke(f, 0x20000 + 2 * 5, [0, 2]);
                break;
        }
        return image;
    }

    private static void Poke(FileStream f, long offset, byte[] bytes)
    {
        f.Position = offset;
        f.Write(bytes);
    }

    public void Dispose() => _dir.Dispose();
}

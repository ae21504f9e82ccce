using QemuSharp.Block.Formats.Qcow2;

namespace QemuSharp.Block.Tools;

/// <summary>
/// qemu-img rebase [-f fmt] [-F backing_fmt] [-u] [-b backing_file] [-p] [-q] [-U] filename.
/// Safe mode writes into the image every cluster it does not hold whose content differs
/// between the old and the new backing chain, then points the header at the new one.
/// </summary>
internal static class RebaseCommand
{
    public static int Run(ImgContext ctx, string[] args)
    {
        var (options, operands) = new GetOpt("hf:F:b:upt:T:qU", new()
        {
            ["force-share"] = ("U", false), ["help"] = ("h", false),
        }).Parse(args);
        string? format = null;
        string? backingFormat = null;
        string? backing = null;
        bool unsafeMode = false;
        foreach (var (key, arg) in options)
        {
            switch (key)
            {
                case "f": format = arg; break;
                case "F": backingFormat = arg; break;
                case "b": backing = arg; break;
                case "u": unsafeMode = true; break;
            }
        }
        if (operands.Count != 1)
            throw new UsageException("Expecting one image file name");
        if (backing == null && !unsafeMode)
            throw new UsageException("Must specify backing file (-b) or use unsafe mode (-u)");
        if (!unsafeMode && !string.IsNullOrEmpty(backing))
        {
            try
            {
                using var probe = ImageOpener.Open(ImageOpener.FullBackingName(operands[0], backing),
                    new OpenOptions { Format = backingFormat, ShareAll = true, OpenBacking = false });
            }
            catch (BlockException e)
            {
                ctx.Error($"Could not open new backing file '{backing}': {e.Message}");
                return 1;
            }
        }
        if (!string.IsNullOrEmpty(backing) && backingFormat == null)
        {
            ctx.Error($"Could not change the backing file to '{backing}': backing format must be specified");
            return 1;
        }
        using var node = ImgMain.OpenImage(operands[0], new OpenOptions { Format = format, ReadOnly = false, OpenBacking = !unsafeMode });
        if (node is not Qcow2Image image)
        {
            ctx.Error($"Could not change the backing file to '{backing}': Operation not supported");
            return 1;
        }
        if (!unsafeMode)
            CopyDifferences(image, backing, backingFormat);
        image.SetBackingFile(backing, backingFormat);
        return 0;
    }

    private static void CopyDifferences(Qcow2Image image, string? backing, string? backingFormat)
    {
        using var fresh = string.IsNullOrEmpty(backing) ? null
            : ImgMain.OpenImage(ImageOpener.FullBackingName(image.FileName, backing), new OpenOptions { Format = backingFormat, ShareAll = true });
        var old = image.Backing;
        int cluster = image.ClusterSize;
        var a = new byte[cluster];
        var b = new byte[cluster];
        for (long at = 0; at < image.Length; at += cluster)
        {
            int n = (int)Math.Min(cluster, image.Length - at);
            var e = image.GetStatus(at, n);
            if ((e.Status & (BlockStatus.Data | BlockStatus.Zero)) != 0)
                continue;
            ReadLayer(old, at, a.AsSpan(0, n));
            ReadLayer(fresh, at, b.AsSpan(0, n));
            if (!a.AsSpan(0, n).SequenceEqual(b.AsSpan(0, n)))
                image.Write(at, a.AsSpan(0, n));
        }
        image.Flush();
    }

    private static void ReadLayer(BlockDriver? node, long at, Span<byte> buffer)
    {
        buffer.Clear();
        if (node == null || at >= node.Length)
            return;
        node.Read(at, buffer[..(int)Math.Min(buffer.Length, node.Length - at)]);
    }
}

using System.Text.Json.Nodes;
using QemuSharp.Block.Formats.Qcow2;

namespace QemuSharp.Block.Tools;

/// <summary>qemu-img measure [--output=human|json] [-O fmt] [-o opts] (--size N | [-f fmt] filename)</summary>
internal static class MeasureCommand
{
    public static int Run(ImgContext ctx, string[] args)
    {
        var (options, operands) = new GetOpt("hf:O:o:l:U", new()
        {
            ["size"] = ("size", true), ["output"] = ("output", true), ["force-share"] = ("U", false), ["help"] = ("h", false),
        }).Parse(args);
        string? format = null;
        string targetFormat = "raw";
        string output = "human";
        long size = -1;
        bool share = false;
        var values = new Dictionary<string, string>();
        foreach (var (key, arg) in options)
        {
            switch (key)
            {
                case "f": format = arg; break;
                case "O": targetFormat = arg!; break;
                case "output": output = arg!; break;
                case "U": share = true; break;
                case "o":
                    foreach (var kv in OptionString.Parse(arg!))
                        values[kv.Key] = kv.Value;
                    break;
                case "size":
                    if (!Sizes.TryParse(arg!, out size))
                        throw new BlockException("Invalid image size specified. You may use k, M, G, T, P or E suffixes for ");
                    break;
            }
        }
        if (output is not ("human" or "json"))
        {
            ctx.Error("--output must be used with human or json as argument.");
            return 1;
        }
        if (operands.Count > 1)
            throw new UsageException("Unexpected argument: " + operands[1]);
        if (size >= 0 && operands.Count == 1)
        {
            ctx.Error("--size N cannot be used together with a filename.");
            return 1;
        }
        if (size < 0 && operands.Count == 0)
        {
            ctx.Error("Either --size N or one filename must be specified.");
            return 1;
        }
        using var input = operands.Count == 1 ? ImgMain.OpenImage(operands[0], new OpenOptions { Format = format, ShareAll = share }) : null;
        var (required, full, bitmaps) = targetFormat switch
        {
            "raw" => MeasureRaw(input, size),
            "qcow2" => MeasureQcow2(input, size, values),
            _ => throw new BlockException($"Unknown file format '{targetFormat}'"),
        };
        if (output == "json")
        {
            var o = new JsonObject();
            if (bitmaps >= 0)
                o["bitmaps"] = bitmaps;
            o["required"] = required;
            o["fully-allocated"] = full;
            ctx.Out.WriteLine(QemuJson.Format(o));
            return 0;
        }
        ctx.Out.WriteLine($"required size: {required}");
        ctx.Out.WriteLine($"fully allocated size: {full}");
        if (bitmaps >= 0)
            ctx.Out.WriteLine($"bitmaps size: {bitmaps}");
        return 0;
    }

    private static (long, long, long) MeasureRaw(BlockDriver? input, long size)
    {
        long length = input?.Length ?? ((size + 511) & ~511L);
        return (length, length, -1);
    }

    private static (long, long, long) MeasureQcow2(BlockDriver? input, long size, Dictionary<string, string> values)
    {
        var prealloc = CreateCommand.ParsePrealloc(values.GetValueOrDefault("preallocation", "off"));
        var o = CreateCommand.Qcow2Options(values, 0, prealloc);
        long cluster = o.ClusterSize;
        long virtualSize = RoundUp(input?.Length ?? size, cluster);
        if (Qcow2Header.MinL1Size(virtualSize, System.Numerics.BitOperations.Log2((ulong)cluster), o.ExtendedL2) * 8 > Qcow2Header.MaxL1Bytes)
            throw new BlockException("The image size is too large (try using a larger cluster size)");
        long required = 0;
        if (input != null && values.ContainsKey("backing_file"))
        {
            required = virtualSize;
        }
        else if (input != null)
        {
            long length = input.Length;
            for (long at = 0; at < length;)
            {
                var e = ChainStatus.Get(input, at, length - at);
                long n = e.Length;
                if ((e.Status & BlockStatus.Zero) == 0 && (e.Status & (BlockStatus.Data | BlockStatus.Allocated)) == (BlockStatus.Data | BlockStatus.Allocated))
                {
                    n = RoundUp(at + n, cluster) - at;
                    required += at % cluster + n;
                }
                at += n;
            }
        }
        if (prealloc is PreallocMode.Full or PreallocMode.Falloc)
            required = virtualSize;
        long full = PreallocatedSize(virtualSize, cluster, System.Numerics.BitOperations.Log2((uint)o.RefcountBits), o.ExtendedL2);
        long bitmaps = -1;
        if (o.Compat11 && input is Qcow2Image image)
            bitmaps = BitmapsSize(image, cluster);
        return (full - virtualSize + required, full, bitmaps);
    }

    /// <summary>Header, L2 and L1 tables and refcount structures for a fully allocated image, plus its data.</summary>
    internal static long PreallocatedSize(long totalSize, long cluster, int refcountOrder, bool extendedL2)
    {
        long aligned = RoundUp(totalSize, cluster);
        long l2EntrySize = extendedL2 ? 16 : 8;
        long meta = cluster;
        long l2Entries = RoundUp(aligned / cluster, cluster / l2EntrySize);
        meta += l2Entries * l2EntrySize;
        long l1Entries = RoundUp(l2Entries * l2EntrySize / cluster, cluster / 8);
        meta += l1Entries * 8;
        meta += RefcountMetadataSize((meta + aligned) / cluster, cluster, refcountOrder);
        return meta + aligned;
    }

    private static long RefcountMetadataSize(long clusters, long cluster, int refcountOrder)
    {
        long perTableCluster = cluster / 8;
        long perBlock = cluster * 8 / (1L << refcountOrder);
        long table = 0;
        long blocks = 0;
        long n = 0;
        long last;
        do
        {
            last = n;
            blocks = DivRoundUp(clusters + table + blocks, perBlock);
            table = DivRoundUp(blocks, perTableCluster);
            n = clusters + blocks + table;
        }
        while (n != last);
        return (blocks + table) * cluster;
    }

    private static long BitmapsSize(Qcow2Image image, long cluster)
    {
        var list = Qcow2Bitmap.ReadDirectory(image);
        long total = 0;
        long directory = 0;
        foreach (var b in list)
        {
            long bits = DivRoundUp(image.Length, 1L << b.GranularityBits);
            long clusters = DivRoundUp(bits, cluster * 8);
            total += clusters * cluster + RoundUp(clusters * 8, cluster);
            directory += (24 + System.Text.Encoding.UTF8.GetByteCount(b.Name) + 7) & ~7L;
        }
        return total + RoundUp(directory, cluster);
    }

    private static long RoundUp(long value, long unit) => (value + unit - 1) / unit * unit;

    private static long DivRoundUp(long value, long unit) => (value + unit - 1) / unit;
}

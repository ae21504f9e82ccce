using QemuSharp.Block.Formats.Qcow2;

namespace QemuSharp.Block.Tools;

/// <summary>qemu-img amend [-p] [-q] [-f fmt] [--force] -o options filename</summary>
internal static class AmendCommand
{
    private static readonly string[] CreationOnly =
        ["cluster_size", "compression_type", "preallocation", "extended_l2", "encryption", "data_file_raw"];

    public static int Run(ImgContext ctx, string[] args)
    {
        var (options, operands) = new GetOpt("ho:f:t:pq", new()
        {
            ["force"] = ("force", false), ["help"] = ("h", false),
        }).Parse(args);
        string? format = null;
        var values = new Dictionary<string, string>();
        foreach (var (key, arg) in options)
        {
            if (key == "f")
                format = arg;
            else if (key == "o")
                foreach (var kv in OptionString.Parse(arg!))
                    values[kv.Key] = kv.Value;
        }
        if (values.Count == 0)
            throw new UsageException("Must specify options (-o)");
        if (operands.Count != 1)
            throw new UsageException("Expecting one image file name");
        using var node = ImgMain.OpenImage(operands[0], new OpenOptions { Format = format, ReadOnly = false });
        if (node is not Qcow2Image image)
        {
            ctx.Error($"Format driver '{node.FormatName}' does not support option amendment");
            return 1;
        }
        foreach (string key in values.Keys)
        {
            if (CreationOnly.Contains(key))
            {
                ctx.Error($"Invalid parameter '{key}'");
                ctx.Err.WriteLine("This option is only supported for image creation");
                return 1;
            }
            if (key is not ("compat" or "lazy_refcounts" or "refcount_bits" or "backing_file" or "backing_fmt" or "size"))
            {
                ctx.Error($"Invalid parameter '{key}'");
                return 1;
            }
        }
        bool? compat = values.TryGetValue("compat", out string? c)
            ? c switch
            {
                "0.10" or "v2" => false,
                "1.1" or "v3" => true,
                _ => throw new BlockException($"Parameter 'version' does not accept value '{c}'"),
            }
            : null;
        bool? lazy = values.TryGetValue("lazy_refcounts", out string? l) ? l is "on" or "yes" or "true" : null;
        int? bits = values.TryGetValue("refcount_bits", out string? r) ? int.Parse(r, System.Globalization.CultureInfo.InvariantCulture) : null;
        if (bits is { } b && (b < 1 || b > 64 || (b & (b - 1)) != 0))
            throw new BlockException("Refcount width must be a power of two and may not exceed 64 bits");
        image.Amend(compat, lazy, bits);
        if (values.TryGetValue("backing_file", out string? backing))
            image.SetBackingFile(backing, values.GetValueOrDefault("backing_fmt", image.Header.BackingFormat ?? "raw"));
        if (values.TryGetValue("size", out string? sizeText) && Sizes.TryParse(sizeText, out long size) && size != image.Length)
        {
            if (size < image.Length)
            {
                ctx.Error("Use the --shrink option to perform a shrink operation.");
                return 1;
            }
            image.Truncate(size, PreallocMode.Off);
        }
        return 0;
    }
}

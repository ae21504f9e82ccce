using QemuSharp.Block.Formats.Qcow2;
using QemuSharp.Block.Protocols;

namespace QemuSharp.Block.Tools;

/// <summary>qemu-img create [-q] [-f fmt] [-b backing [-F backing_fmt]] [-u] [-o options] filename [size]</summary>
internal static class CreateCommand
{
    private static readonly string[] Qcow2OptionNames =
    [
        "cluster_size", "extended_l2", "preallocation", "compression_type", "size", "compat", "backing_file",
        "backing_fmt", "data_file", "data_file_raw", "encryption", "lazy_refcounts", "refcount_bits",
    ];

    private static readonly Dictionary<string, string> Qcow2Defaults = new()
    {
        ["cluster_size"] = "65536", ["extended_l2"] = "off", ["compression_type"] = "zlib",
        ["lazy_refcounts"] = "off", ["refcount_bits"] = "16",
    };

    public static int Run(ImgContext ctx, string[] args)
    {
        var (options, operands) = new GetOpt("F:b:f:ho:qu").Parse(args);
        string format = "raw";
        bool quiet = false;
        bool unsafeBacking = false;
        var values = new Dictionary<string, string>();
        foreach (var (key, arg) in options)
        {
            switch (key)
            {
                case "f": format = arg!; break;
                case "b": values["backing_file"] = arg!; break;
                case "F": values["backing_fmt"] = arg!; break;
                case "q": quiet = true; break;
                case "u": unsafeBacking = true; break;
                case "o":
                    foreach (var kv in OptionString.Parse(arg!))
                        values[kv.Key] = kv.Value;
                    break;
            }
        }
        if (operands.Count < 1)
            throw new UsageException("Expecting image file name");
        string fileName = operands[0];
        if (operands.Count > 2)
            throw new UsageException("Unexpected argument: " + operands[2]);
        if (operands.Count == 2)
        {
            if (!Sizes.TryParse(operands[1], out long parsed) || parsed < 0)
            {
                ctx.Error("Invalid image size specified. You may use k, M, G, T, P or E suffixes for");
                ctx.Error("kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.");
                return 1;
            }
            values["size"] = parsed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        try
        {
            return Create(ctx, fileName, format, values, quiet, unsafeBacking);
        }
        catch (BlockException e)
        {
            ctx.Error($"{fileName}: {e.Message}");
            return 1;
        }
    }

    private static int Create(ImgContext ctx, string fileName, string format, Dictionary<string, string> values,
        bool quiet, bool unsafeBacking)
    {
        if (format is not ("raw" or "qcow2"))
            throw new BlockException($"Unknown file format '{format}'");
        string[] known = format == "raw" ? ["size", "preallocation"] : Qcow2OptionNames;
        foreach (string key in values.Keys)
            if (!known.Contains(key))
                throw new BlockException($"Invalid parameter '{key}'");
        if (values.TryGetValue("backing_file", out string? backing) && format == "raw")
            throw new BlockException("Backing file not supported for file format 'raw'");
        if (backing != null && !values.ContainsKey("backing_fmt"))
        {
            ctx.Err.Write($"qemu-img: {fileName}: Backing file specified without backing format\n");
            string path = ImageOpener.FullBackingName(fileName, backing);
            if (File.Exists(path))
            {
                using var probe = FileProtocol.Open(path, readOnly: true, shareAll: true);
                ctx.Err.Write($"Detected format of {ImageOpener.Probe(probe)}.");
            }
            return 1;
        }
        if (!values.ContainsKey("size") && backing != null && !unsafeBacking)
        {
            using var b = ImageOpener.Open(ImageOpener.FullBackingName(fileName, backing),
                new OpenOptions { Format = values["backing_fmt"], ShareAll = true });
            values["size"] = b.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (!values.ContainsKey("size"))
            throw new BlockException("Image creation needs a size parameter");
        if (format == "qcow2" && values.TryGetValue("cluster_size", out string? cs) && Sizes.TryParse(cs, out long csv))
            values["cluster_size"] = csv.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!quiet)
            ctx.Out.WriteLine($"Formatting '{fileName}', fmt={format}{Describe(format, values)}");
        var prealloc = ParsePrealloc(values.GetValueOrDefault("preallocation", "off"));
        long size = ParseSize(values["size"]);
        if (format == "raw")
        {
            FileProtocol.Create(fileName, size, prealloc);
            return 0;
        }
        if (values.ContainsKey("data_file") || values.ContainsKey("encryption"))
            throw new BlockException("Parameter 'data-file' and encryption are not supported by this qemu-img");
        Qcow2Creator.Create(fileName, Qcow2Options(values, size, prealloc));
        return 0;
    }

    internal static Qcow2CreateOptions Qcow2Options(IReadOnlyDictionary<string, string> values, long size, PreallocMode prealloc)
    {
        string compat = values.GetValueOrDefault("compat", "1.1");
        if (compat is not ("0.10" or "v2" or "1.1" or "v3"))
            throw new BlockException($"Parameter 'version' does not accept value '{compat}'");
        string compression = values.GetValueOrDefault("compression_type", "zlib");
        if (compression is not ("zlib" or "zstd"))
            throw new BlockException($"Parameter 'compression-type' does not accept value '{compression}'");
        return new Qcow2CreateOptions
        {
            Size = size,
            ClusterSize = (int)Math.Min(ParseSize(values.GetValueOrDefault("cluster_size", "65536")), int.MaxValue),
            Compat11 = compat is "1.1" or "v3",
            LazyRefcounts = ParseBool("lazy_refcounts", values.GetValueOrDefault("lazy_refcounts", "off")),
            RefcountBits = (int)Math.Min(ParseSize(values.GetValueOrDefault("refcount_bits", "16")), int.MaxValue),
            ExtendedL2 = ParseBool("extended_l2", values.GetValueOrDefault("extended_l2", "off")),
            CompressionType = compression == "zstd" ? Qcow2Compression.Zstd : Qcow2Compression.Zlib,
            Preallocation = prealloc,
            BackingFile = values.GetValueOrDefault("backing_file"),
            BackingFormat = values.GetValueOrDefault("backing_fmt"),
        };
    }

    private static string Describe(string format, Dictionary<string, string> values)
    {
        var sb = new System.Text.StringBuilder();
        string[] order = format == "raw" ? ["size", "preallocation"] : Qcow2OptionNames;
        foreach (string key in order)
        {
            string? value = values.GetValueOrDefault(key) ?? (format == "qcow2" ? Qcow2Defaults.GetValueOrDefault(key) : null);
            if (value != null)
                sb.Append(' ').Append(key).Append('=').Append(value);
        }
        return sb.ToString();
    }

    internal static PreallocMode ParsePrealloc(string text) => text switch
    {
        "off" => PreallocMode.Off,
        "metadata" => PreallocMode.Metadata,
        "falloc" => PreallocMode.Falloc,
        "full" => PreallocMode.Full,
        _ => throw new BlockException($"Parameter 'preallocation' does not accept value '{text}'"),
    };

    private static long ParseSize(string text)
        => Sizes.TryParse(text, out long v) ? v : throw new BlockException($"Parameter 'size' expects a non-negative number below 2^64");

    private static bool ParseBool(string name, string text) => text switch
    {
        "on" or "yes" or "true" => true,
        "off" or "no" or "false" => false,
        _ => throw new BlockException($"Parameter '{name}' expects 'on' or 'off'"),
    };
}

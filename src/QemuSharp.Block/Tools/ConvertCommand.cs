using QemuSharp.Block.Formats.Qcow2;
using QemuSharp.Block.Protocols;

namespace QemuSharp.Block.Tools;

/// <summary>
/// qemu-img convert [-f fmt] [-O fmt] [-o opts] [-c] [-p] [-q] [-n] [-S size] [-W] [-m n]
/// [-B backing [-F fmt]] [-U] [--target-is-zero] source... target
/// </summary>
internal static class ConvertCommand
{
    private sealed class Settings
    {
        public string? SourceFormat;
        public string TargetFormat = "raw";
        public Dictionary<string, string> TargetOptions = [];
        public bool Compress;
        public bool Progress;
        public bool NoCreate;
        public bool TargetIsZero;
        public bool Share;
        public long MinSparse = 4096;
        public string? Backing;
        public string? BackingFormat;
        public string Cache = "unsafe";
    }

    public static int Run(ImgContext ctx, string[] args)
    {
        var s = Parse(args, out var operands);
        if (operands.Count < 2)
            throw new UsageException("Expecting image file name");
        string target = operands[^1];
        var sourceNames = operands.Take(operands.Count - 1).ToList();
        if (s.Compress && s.TargetFormat != "qcow2")
        {
            ctx.Error("Compression not supported for this file format");
            return 1;
        }
        if (s.TargetIsZero && !s.NoCreate)
        {
            ctx.Error("--target-is-zero requires use of -n flag");
            return 1;
        }
        var sources = new List<BlockDriver>();
        try
        {
            foreach (string name in sourceNames)
                sources.Add(ImgMain.OpenImage(name, new OpenOptions { Format = s.SourceFormat, ShareAll = s.Share }));
            long total = sources.Sum(x => x.Length);
            if (!s.NoCreate)
                CreateTarget(target, s, total);
            using var output = ImgMain.OpenImage(target, new OpenOptions
            {
                Format = s.TargetFormat, ReadOnly = false, OpenBacking = false, UnsafeCache = s.Cache == "unsafe",
            });
            if (s.NoCreate && output.Length < total)
            {
                ctx.Error("output file is smaller than input file");
                return 1;
            }
            bool zeroInit = (!s.NoCreate && s.Backing == null) || s.TargetIsZero;
            var copier = new Copier(ctx, output, s.MinSparse, zeroInit, s.Backing != null, s.Compress, s.Progress, total);
            long offset = 0;
            foreach (var src in sources)
            {
                copier.Copy(src, offset);
                offset += src.Length;
            }
            output.Flush();
            copier.Finish();
            return 0;
        }
        finally
        {
            foreach (var src in sources)
                src.Dispose();
        }
    }

    private static Settings Parse(string[] args, out List<string> operands)
    {
        var (options, ops) = new GetOpt("hf:O:B:CcF:o:l:S:pt:T:qnm:WUr:", new()
        {
            ["target-is-zero"] = ("target-is-zero", false), ["force-share"] = ("U", false), ["help"] = ("h", false),
            ["salvage"] = ("salvage", false), ["bitmaps"] = ("bitmaps", false),
        }).Parse(args);
        operands = ops;
        var s = new Settings();
        bool outOfOrder = false;
        foreach (var (key, arg) in options)
        {
            switch (key)
            {
                case "f": s.SourceFormat = arg; break;
                case "O": s.TargetFormat = arg!; break;
                case "B": s.Backing = arg; break;
                case "F": s.BackingFormat = arg; break;
                case "c": s.Compress = true; break;
                case "p": s.Progress = true; break;
                case "n": s.NoCreate = true; break;
                case "U": s.Share = true; break;
                case "W": outOfOrder = true; break;
                case "t":
                    if (arg is not ("none" or "writeback" or "unsafe" or "directsync" or "writethrough"))
                        throw new BlockException($"Invalid cache option: {arg}");
                    s.Cache = arg;
                    break;
                case "target-is-zero": s.TargetIsZero = true; break;
                case "o":
                    foreach (var kv in OptionString.Parse(arg!))
                        s.TargetOptions[kv.Key] = kv.Value;
                    break;
                case "S":
                    if (!Sizes.TryParse(arg!, out long sparse) || sparse % 512 != 0 || sparse > (16 << 20))
                        throw new BlockException("Invalid buffer size for sparse output specified. Valid sizes are multiples "
                            + "of 512 up to 16777216. Select 0 to disable sparse detection (fully allocates output).");
                    s.MinSparse = sparse;
                    break;
                case "m":
                    if (!int.TryParse(arg, out int m) || m < 1 || m > 16)
                        throw new BlockException("Invalid number of coroutines. Allowed number of coroutines is between 1 and 16");
                    break;
            }
        }
        if (outOfOrder && s.Compress)
            throw new BlockException("Out of order write and compress are mutually exclusive");
        if (s.Backing != null && s.NoCreate)
            throw new BlockException("-B makes no sense when not creating the target image");
        return s;
    }

    private static void CreateTarget(string target, Settings s, long size)
    {
        if (s.TargetFormat == "raw")
        {
            if (s.Backing != null)
                throw new BlockException("Backing file not supported for file format 'raw'");
            var prealloc = CreateCommand.ParsePrealloc(s.TargetOptions.GetValueOrDefault("preallocation", "off"));
            FileProtocol.Create(target, size, prealloc);
            return;
        }
        if (s.TargetFormat != "qcow2")
            throw new BlockException($"Unknown file format '{s.TargetFormat}'");
        var values = new Dictionary<string, string>(s.TargetOptions);
        if (s.Backing != null)
        {
            values["backing_file"] = s.Backing;
            values["backing_fmt"] = s.BackingFormat ?? throw new BlockException("Backing file specified without backing format");
        }
        var preallocation = CreateCommand.ParsePrealloc(values.GetValueOrDefault("preallocation", "off"));
        try
        {
            Qcow2Creator.Create(target, CreateCommand.Qcow2Options(values, size, preallocation));
        }
        catch (BlockException e)
        {
            throw new BlockException($"{target}: error while converting qcow2: {e.Message}", e);
        }
    }
}

namespace QemuSharp.Block.Tools;

/// <summary>qemu-img resize [-f fmt] [--preallocation=mode] [-q] [--shrink] [-U] filename [+|-]size</summary>
internal static class ResizeCommand
{
    public static int Run(ImgContext ctx, string[] args)
    {
        if (args.Length < 2)
            throw new UsageException("Expecting image file name and size");
        string sizeText = args[^1];
        var (options, operands) = new GetOpt("f:hqU", new()
        {
            ["preallocation"] = ("prealloc", true), ["shrink"] = ("shrink", false), ["help"] = ("h", false),
            ["force-share"] = ("U", false),
        }).Parse(args[..^1]);
        string? format = null;
        bool quiet = false;
        bool shrink = false;
        var prealloc = PreallocMode.Off;
        foreach (var (key, arg) in options)
        {
            switch (key)
            {
                case "f": format = arg; break;
                case "q": quiet = true; break;
                case "shrink": shrink = true; break;
                case "prealloc": prealloc = CreateCommand.ParsePrealloc(arg!); break;
            }
        }
        if (operands.Count != 1)
            throw new UsageException("Expecting image file name and size");
        int sign = sizeText.StartsWith('+') ? 1 : sizeText.StartsWith('-') ? -1 : 0;
        if (!Sizes.TryParse(sign != 0 ? sizeText[1..] : sizeText, out long amount))
        {
            ctx.Error("Invalid size specified. You may use k, M, G, T, P or E suffixes for");
            ctx.Error("kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.");
            return 1;
        }
        using var image = ImgMain.OpenImage(operands[0], new OpenOptions { Format = format, ReadOnly = false });
        long current = image.Length;
        long size = sign == 0 ? amount : current + sign * amount;
        if (size < 0)
        {
            ctx.Error("New image size must be positive");
            return 1;
        }
        if (size < current && !shrink)
        {
            ctx.Error("Use the --shrink option to perform a shrink operation.");
            ctx.Error("warning: Shrinking an image will delete all data beyond the shrunken image's end. "
                + "Before performing such an operation, make sure there is no important data there.");
            return 1;
        }
        if (size < current && prealloc != PreallocMode.Off)
        {
            ctx.Error("Preallocation can only be used for growing images");
            return 1;
        }
        if (image.FormatName == "qcow2")
            size = (size + 511) & ~511L;
        image.Truncate(size, prealloc);
        image.Flush();
        if (!quiet)
            ctx.Out.WriteLine("Image resized.");
        return 0;
    }
}

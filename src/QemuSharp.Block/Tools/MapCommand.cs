namespace QemuSharp.Block.Tools;

/// <summary>qemu-img map [-f fmt] [--output=human|json] [--start-offset=N] [--max-length=N] [-U] filename</summary>
internal static class MapCommand
{
    private readonly record struct Entry(long Start, long Length, int Depth, bool Present, bool Zero, bool Data, long Offset, string? File);

    public static int Run(ImgContext ctx, string[] args)
    {
        var (options, operands) = new GetOpt("hf:U", new()
        {
            ["output"] = ("output", true), ["start-offset"] = ("s", true), ["max-length"] = ("l", true),
            ["force-share"] = ("U", false), ["help"] = ("h", false),
        }).Parse(args);
        string? format = null;
        string output = "human";
        bool share = false;
        long start = 0;
        long maxLength = long.MaxValue;
        foreach (var (key, arg) in options)
        {
            switch (key)
            {
                case "f": format = arg; break;
                case "output": output = arg!; break;
                case "U": share = true; break;
                case "s":
                    if (!Sizes.TryParse(arg!, out start))
                        throw new BlockException("Invalid start offset specified! You may use k, M, G, T, P or E suffixes for ");
                    break;
                case "l":
                    if (!Sizes.TryParse(arg!, out maxLength))
                        throw new BlockException("Invalid length specified! You may use k, M, G, T, P or E suffixes for ");
                    break;
            }
        }
        if (output is not ("human" or "json"))
        {
            ctx.Error("--output must be used with human or json as argument.");
            return 1;
        }
        if (operands.Count != 1)
            throw new UsageException(operands.Count == 0 ? "Expecting one image file name" : "Unexpected argument: " + operands[1]);
        using var image = ImgMain.OpenImage(operands[0], new OpenOptions { Format = format, ShareAll = share });
        long end = Math.Min(image.Length, start > long.MaxValue - maxLength ? long.MaxValue : start + maxLength);
        bool json = output == "json";
        if (!json)
            ctx.Out.WriteLine($"{"Offset",-16}{"Length",-16}{"Mapped to",-16}File");
        Entry? current = null;
        bool first = true;
        for (long at = start; at < end;)
        {
            var e = ChainStatus.Get(image, at, Math.Min(end - at, 1L << 30));
            bool hasOffset = (e.Status & BlockStatus.OffsetValid) != 0;
            var next = new Entry(at, e.Length, e.Depth, (e.Status & BlockStatus.Allocated) != 0, (e.Status & BlockStatus.Zero) != 0,
                (e.Status & BlockStatus.Data) != 0, hasOffset ? e.HostOffset : -1, hasOffset ? e.File?.FileName : null);
            at += e.Length;
            if (current is { } c && Mergeable(c, next))
            {
                current = c with { Length = c.Length + next.Length };
                continue;
            }
            if (current is { } done && !Dump(ctx, done, json, ref first))
                return 1;
            current = next;
        }
        if (current is { } last && !Dump(ctx, last, json, ref first))
            return 1;
        if (json)
            ctx.Out.WriteLine(first ? "[]" : "]");
        return 0;
    }

    private static bool Mergeable(Entry c, Entry n)
        => c.Depth == n.Depth && c.Present == n.Present && c.Zero == n.Zero && c.Data == n.Data && c.File == n.File
            && (c.Offset < 0) == (n.Offset < 0) && (c.Offset < 0 || c.Offset + c.Length == n.Offset);

    private static bool Dump(ImgContext ctx, Entry e, bool json, ref bool first)
    {
        if (json)
        {
            string B(bool b) => b ? "true" : "false";
            ctx.Out.Write(first ? "[" : ",\n");
            first = false;
            ctx.Out.Write($"{{ \"start\": {e.Start}, \"length\": {e.Length}, \"depth\": {e.Depth}, \"present\": {B(e.Present)}, "
                + $"\"zero\": {B(e.Zero)}, \"data\": {B(e.Data)}");
            if (e.Offset >= 0)
                ctx.Out.Write($", \"offset\": {e.Offset}");
            ctx.Out.Write("}");
            return true;
        }
        if (e.Data && e.Offset < 0)
        {
            ctx.Error("File contains external, encrypted or compressed clusters.");
            return false;
        }
        if (e.Data && !e.Zero)
            ctx.Out.WriteLine($"{Hex(e.Start),-16}{Hex(e.Length),-16}{Hex(e.Offset),-16}{e.File}");
        return true;
    }

    private static string Hex(long v) => v == 0 ? "0" : "0x" + v.ToString("x");
}

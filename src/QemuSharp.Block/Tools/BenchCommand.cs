using System.Diagnostics;
using System.Globalization;

namespace QemuSharp.Block.Tools;

/// <summary>
/// qemu-img bench [-c count] [-d depth] [-f fmt] [--flush-interval=N] [-n] [-i aio] [-o offset]
/// [--pattern=N] [-q] [-s size] [-S step] [-t cache] [-w] [-U] filename
/// </summary>
internal static class BenchCommand
{
    public static int Run(ImgContext ctx, string[] args)
    {
        var (options, operands) = new GetOpt("hc:d:f:ni:o:qs:S:t:wU", new()
        {
            ["flush-interval"] = ("flush", true), ["no-drain"] = ("no-drain", false), ["pattern"] = ("pattern", true),
            ["force-share"] = ("U", false), ["help"] = ("h", false),
        }).Parse(args);
        string? format = null;
        long count = 75000;
        long depth = 64;
        long offset = 0;
        long size = 4096;
        long step = 0;
        long flushInterval = 0;
        byte pattern = 0;
        bool write = false;
        bool quiet = false;
        bool share = false;
        foreach (var (key, arg) in options)
        {
            switch (key)
            {
                case "c": count = Number(arg!, "request count"); break;
                case "d": depth = Number(arg!, "queue depth"); break;
                case "f": format = arg; break;
                case "o": offset = SizeArg(arg!, "offset"); break;
                case "s": size = SizeArg(arg!, "buffer size"); break;
                case "S": step = SizeArg(arg!, "step size"); break;
                case "w": write = true; break;
                case "q": quiet = true; break;
                case "U": share = true; break;
                case "flush": flushInterval = Number(arg!, "flush interval"); break;
                case "pattern": pattern = (byte)Number(arg!, "pattern byte"); break;
            }
        }
        if (operands.Count != 1)
            throw new UsageException("Expecting one image file name");
        if (step == 0)
            step = size;
        using var image = ImgMain.OpenImage(operands[0], new OpenOptions { Format = format, ReadOnly = !write, ShareAll = share });
        if (!quiet)
        {
            ctx.Out.WriteLine($"Sending {count} {(write ? "write" : "read")} requests, {size} bytes each, {depth} in parallel "
                + $"(starting at offset {offset}, step size {step})");
            if (flushInterval > 0)
                ctx.Out.WriteLine($"Sending flush every {flushInterval} requests");
        }
        var buffer = new byte[size];
        Array.Fill(buffer, pattern);
        var clock = Stopwatch.StartNew();
        long at = offset;
        for (long i = 0; i < count; i++)
        {
            if (at + size > image.Length)
                at = 0;
            if (write)
                image.Write(at, buffer);
            else
                image.Read(at, buffer);
            if (flushInterval > 0 && (i + 1) % flushInterval == 0)
                image.Flush();
            at += step;
        }
        image.Flush();
        if (!quiet)
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Run completed in {clock.Elapsed.TotalSeconds:0.000} seconds."));
        return 0;
    }

    private static long Number(string text, string what)
        => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v > 0 ? v
            : throw new BlockException($"Invalid {what} specified");

    private static long SizeArg(string text, string what)
        => Sizes.TryParse(text, out long v) ? v : throw new BlockException($"Invalid {what} specified");
}

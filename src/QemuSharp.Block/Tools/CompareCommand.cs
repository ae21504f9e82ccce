namespace QemuSharp.Block.Tools;

/// <summary>qemu-img compare [-f fmt] [-F fmt] [-p] [-q] [-s] [-U] image1 image2; exit 0 same, 1 differ, 2 error.</summary>
internal static class CompareCommand
{
    private const int Chunk = 1 << 20;

    public static int Run(ImgContext ctx, string[] args)
    {
        var (options, operands) = new GetOpt("hf:F:T:pqsU", new()
        {
            ["force-share"] = ("U", false), ["help"] = ("h", false),
        }).Parse(args);
        string? f1 = null;
        string? f2 = null;
        bool strict = false;
        bool quiet = false;
        bool share = false;
        foreach (var (key, arg) in options)
        {
            switch (key)
            {
                case "f": f1 = arg; break;
                case "F": f2 = arg; break;
                case "s": strict = true; break;
                case "q": quiet = true; break;
                case "U": share = true; break;
            }
        }
        if (operands.Count != 2)
            throw new UsageException("Expecting two image file names");
        BlockDriver a;
        BlockDriver b;
        try
        {
            a = ImgMain.OpenImage(operands[0], new OpenOptions { Format = f1, ShareAll = share });
        }
        catch (BlockException e)
        {
            ctx.Error(e.Message);
            return 2;
        }
        try
        {
            b = ImgMain.OpenImage(operands[1], new OpenOptions { Format = f2 ?? f1, ShareAll = share });
        }
        catch (BlockException e)
        {
            a.Dispose();
            ctx.Error(e.Message);
            return 2;
        }
        using (a)
        using (b)
        {
            try
            {
                return Compare(ctx, a, b, operands, strict, quiet);
            }
            catch (BlockException e)
            {
                ctx.Error("Error while reading offset: " + e.Message);
                return 4;
            }
        }
    }

    private static int Compare(ImgContext ctx, BlockDriver a, BlockDriver b, List<string> names, bool strict, bool quiet)
    {
        long common = Math.Min(a.Length, b.Length);
        if (a.Length != b.Length)
        {
            if (strict)
            {
                if (!quiet)
                    ctx.Out.WriteLine("Strict mode: Image size mismatch!");
                return 1;
            }
        }
        var bufA = new byte[Chunk];
        var bufB = new byte[Chunk];
        for (long at = 0; at < common;)
        {
            var ea = ChainStatus.Get(a, at, Math.Min(Chunk, common - at));
            var eb = ChainStatus.Get(b, at, ea.Length);
            long n = Math.Min(ea.Length, eb.Length);
            bool zeroA = (ea.Status & BlockStatus.Zero) != 0;
            bool zeroB = (eb.Status & BlockStatus.Zero) != 0;
            if (strict && (ea.Status & BlockStatus.Allocated) != (eb.Status & BlockStatus.Allocated))
            {
                if (!quiet)
                    ctx.Out.WriteLine($"Strict mode: Offset {at} block status mismatch!");
                return 1;
            }
            if (!(zeroA && zeroB))
            {
                a.Read(at, bufA.AsSpan(0, (int)n));
                b.Read(at, bufB.AsSpan(0, (int)n));
                long diff = FirstDifference(bufA, bufB, (int)n);
                if (diff >= 0)
                {
                    if (!quiet)
                        ctx.Out.WriteLine($"Content mismatch at offset {at + diff}!");
                    return 1;
                }
            }
            at += n;
        }
        if (a.Length != b.Length && !quiet)
            ctx.Out.WriteLine("Warning: Image size mismatch!");
        var longer = a.Length > b.Length ? a : b;
        for (long at = common; at < longer.Length;)
        {
            var e = ChainStatus.Get(longer, at, Math.Min(Chunk, longer.Length - at));
            if ((e.Status & BlockStatus.Zero) == 0)
            {
                longer.Read(at, bufA.AsSpan(0, (int)e.Length));
                int nz = bufA.AsSpan(0, (int)e.Length).IndexOfAnyExcept((byte)0);
                if (nz >= 0)
                {
                    if (!quiet)
                        ctx.Out.WriteLine($"Content mismatch at offset {at + (nz & ~511)}!");
                    return 1;
                }
            }
            at += e.Length;
        }
        if (!quiet)
            ctx.Out.WriteLine("Images are identical.");
        return 0;
    }

    /// <summary>The start of the first 512-byte sector that differs, or -1.</summary>
    private static long FirstDifference(byte[] x, byte[] y, int n)
    {
        int i = x.AsSpan(0, n).CommonPrefixLength(y.AsSpan(0, n));
        return i >= n ? -1 : i & ~511;
    }
}

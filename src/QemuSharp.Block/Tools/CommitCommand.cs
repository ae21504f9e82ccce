using QemuSharp.Block.Formats.Qcow2;

namespace QemuSharp.Block.Tools;

/// <summary>
/// qemu-img commit [-q] [-f fmt] [-b base] [-d] [-p] filename: copies what the image and the
/// layers above the base hold into the base, then empties the image unless -d.
/// </summary>
internal static class CommitCommand
{
    private const int Chunk = 2 << 20;

    public static int Run(ImgContext ctx, string[] args)
    {
        var (options, operands) = new GetOpt("f:ht:b:dpqr:", new() { ["help"] = ("h", false) }).Parse(args);
        string? format = null;
        string? baseName = null;
        bool drop = false;
        bool quiet = false;
        foreach (var (key, arg) in options)
        {
            switch (key)
            {
                case "f": format = arg; break;
                case "b": baseName = arg; break;
                case "d": drop = true; break;
                case "q": quiet = true; break;
            }
        }
        if (operands.Count != 1)
            throw new UsageException("Expecting one image file name");
        var layers = OpenChain(operands[0], format, baseName);
        try
        {
            var top = layers[0];
            var baseNode = layers[^1];
            if (baseNode.Length < top.Length)
                baseNode.Truncate(top.Length, PreallocMode.Off);
            var buffer = new byte[Chunk];
            for (long at = 0; at < top.Length;)
            {
                long n = Math.Min(Chunk, top.Length - at);
                var (allocated, zero, length) = AboveBase(layers, at, n);
                if (allocated)
                {
                    if (zero)
                        baseNode.WriteZeroes(at, length, mayUnmap: false);
                    else
                    {
                        top.Read(at, buffer.AsSpan(0, (int)length));
                        baseNode.Write(at, buffer.AsSpan(0, (int)length));
                    }
                }
                at += length;
            }
            baseNode.Flush();
            if (!drop && top is Qcow2Image image && layers.Count == 2)
                image.MakeEmpty();
            if (!quiet)
                ctx.Out.WriteLine("Image committed.");
            return 0;
        }
        finally
        {
            layers[0].Dispose();
        }
    }

    private static (bool Allocated, bool Zero, long Length) AboveBase(List<BlockDriver> layers, long at, long n)
    {
        for (int i = 0; i < layers.Count - 1; i++)
        {
            var e = layers[i].GetStatus(at, n);
            n = Math.Max(1, Math.Min(n, e.Length));
            if ((e.Status & (BlockStatus.Data | BlockStatus.Zero)) != 0)
                return (true, (e.Status & BlockStatus.Data) == 0, n);
        }
        return (false, false, n);
    }

    /// <summary>Opens the image writable, the layers above the base read-only and the base writable, linked.</summary>
    internal static List<BlockDriver> OpenChain(string fileName, string? format, string? baseName)
    {
        var layers = new List<BlockDriver>();
        try
        {
            var top = ImgMain.OpenImage(fileName, new OpenOptions { Format = format, ReadOnly = false, OpenBacking = false });
            layers.Add(top);
            string? wanted = baseName == null ? null : Path.GetFullPath(baseName);
            while (true)
            {
                if (layers[^1] is not Qcow2Image q || q.Header.BackingFile is not { Length: > 0 } backing)
                    throw new BlockException(layers.Count == 1 ? "Image does not have a backing file" : $"Did not find '{baseName}' in the backing chain of '{fileName}'");
                string path = ImageOpener.FullBackingName(q.FileName, backing);
                bool isBase = wanted == null || Path.GetFullPath(path) == wanted;
                var node = ImgMain.OpenImage(path, new OpenOptions { Format = q.Header.BackingFormat, ReadOnly = !isBase, OpenBacking = false });
                q.SetBacking(node);
                layers.Add(node);
                if (isBase)
                    break;
            }
            if (layers[^1] is Qcow2Image baseImage && baseImage.Header.BackingFile is { Length: > 0 } below)
                baseImage.SetBacking(ImageOpener.Open(ImageOpener.FullBackingName(baseImage.FileName, below),
                    new OpenOptions { Format = baseImage.Header.BackingFormat }));
            return layers;
        }
        catch
        {
            if (layers.Count > 0)
                layers[0].Dispose();
            throw;
        }
    }
}

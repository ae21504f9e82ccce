using QemuSharp.Block.Formats;
using QemuSharp.Block.Formats.Qcow2;
using QemuSharp.Block.Protocols;

namespace QemuSharp.Block;

/// <summary>How to open an image: the format (probed when null), access and locking.</summary>
public sealed record OpenOptions
{
    public string? Format { get; init; }
    public bool ReadOnly { get; init; } = true;
    /// <summary>qemu-img -U: share every permission with other users.</summary>
    public bool ShareAll { get; init; }
    public bool OpenBacking { get; init; } = true;
    /// <summary>Skip the repair of a dirty image (qemu-img check opens with BDRV_O_CHECK).</summary>
    public bool ForCheck { get; init; }
    /// <summary>QEMU's cache=unsafe: flushes of the image file are skipped (qemu-img convert's default).</summary>
    public bool UnsafeCache { get; init; }
}

/// <summary>Builds the graph for an image name: file protocol, format, and its backing chain.</summary>
public static class ImageOpener
{
    private const int MaxChainLength = 256;

    public static readonly string[] Formats = ["raw", "qcow2"];

    private static readonly List<(string Prefix, Func<string, OpenOptions, BlockDriver> Open)> Protocols = [];

    public static BlockDriver Open(string fileName, OpenOptions options) => Open(fileName, options, 0);

    private static BlockDriver Open(string fileName, OpenOptions options, int depth)
    {
        if (options.Format != null && !Formats.Contains(options.Format))
            throw new BlockException($"Unknown driver '{options.Format}'");
        var file = OpenProtocol(fileName, options);
        try
        {
            string format = options.Format ?? Probe(file);
            if (format == "raw")
                return new RawFormat(file);
            var image = Qcow2Image.OpenForCheck(file, options.ReadOnly, options.ForCheck);
            try
            {
                if (options.OpenBacking && image.Header.BackingFile is { Length: > 0 } backing)
                    image.SetBacking(OpenBacking(fileName, backing, image.Header.BackingFormat, options, depth));
            }
            catch
            {
                image.Dispose();
                throw;
            }
            return image;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Lets a protocol driver that lives outside this assembly (the NBD client) claim the image
    /// names that start with <paramref name="prefix"/>; the format is then probed over it.
    /// </summary>
    public static void RegisterProtocol(string prefix, Func<string, OpenOptions, BlockDriver> open)
    {
        lock (Protocols)
        {
            Protocols.RemoveAll(p => p.Prefix == prefix);
            Protocols.Add((prefix, open));
        }
    }

    private static BlockDriver OpenProtocol(string fileName, OpenOptions options)
    {
        lock (Protocols)
        {
            foreach (var (prefix, open) in Protocols)
            {
                if (fileName.StartsWith(prefix, StringComparison.Ordinal))
                    return open(fileName, options);
            }
        }
        return FileProtocol.Open(fileName, options.ReadOnly, options.ShareAll, ignoreFlush: options.UnsafeCache);
    }

    private static BlockDriver OpenBacking(string fileName, string backing, string? format, OpenOptions options, int depth)
    {
        if (depth >= MaxChainLength)
            throw new BlockException("Backing chain too long");
        string path = FullBackingName(fileName, backing);
        try
        {
            return Open(path, new OpenOptions { Format = format, ReadOnly = true, ShareAll = options.ShareAll }, depth + 1);
        }
        catch (BlockException e)
        {
            throw new BlockException($"Could not open backing file: {e.Message}", e);
        }
    }

    /// <summary>QEMU's full-backing-filename: a relative name is relative to the image's directory.</summary>
    public static string FullBackingName(string imageName, string backing)
    {
        if (Path.IsPathRooted(backing) || backing.Contains("://", StringComparison.Ordinal))
            return backing;
        string? dir = Path.GetDirectoryName(imageName);
        return string.IsNullOrEmpty(dir) ? backing : dir + "/" + backing;
    }

    /// <summary>The qcow2 magic selects qcow2; everything else is raw.</summary>
    public static string Probe(BlockDriver file)
    {
        var magic = new byte[4];
        try
        {
            if (file.Length >= 4)
                file.Read(0, magic);
        }
        catch (BlockException e)
        {
            throw new BlockException($"Could not read image for determining its format: {e.Message}", e);
        }
        return magic is [(byte)'Q', (byte)'F', (byte)'I', 0xfb] ? "qcow2" : "raw";
    }

    /// <summary>The nodes of a chain, top first.</summary>
    public static IEnumerable<BlockDriver> Chain(BlockDriver top)
    {
        for (BlockDriver? node = top; node != null; node = node.Backing)
            yield return node;
    }
}

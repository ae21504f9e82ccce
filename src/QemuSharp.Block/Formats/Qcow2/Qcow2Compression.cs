using System.IO.Compression;
using System.Runtime.InteropServices;

namespace QemuSharp.Block.Formats.Qcow2;

/// <summary>
/// Compressed clusters: raw deflate (compression_type 0) through System.IO.Compression, and zstd
/// (compression_type 1) through the host's libzstd, which QEMU itself links against.
/// </summary>
public static partial class Qcow2Compression
{
    public const byte Zlib = 0;
    public const byte Zstd = 1;

    private const int SampleSize = 4096;

    /// <summary>Compresses one cluster; null when the result would not be smaller than the cluster.</summary>
    public static byte[]? Compress(byte type, ReadOnlySpan<byte> cluster)
    {
        if (type == Zlib && LooksIncompressible(cluster))
            return null;
        byte[] output = type == Zstd ? ZstdCompress(cluster) : DeflateCompress(cluster);
        return output.Length < cluster.Length ? output : null;
    }

    /// <summary>Fills <paramref name="cluster"/> from a stream that may carry trailing bytes.</summary>
    public static void Decompress(byte type, ReadOnlySpan<byte> input, Span<byte> cluster)
    {
        if (type == Zstd)
            ZstdDecompress(input, cluster);
        else
            DeflateDecompress(input, cluster);
    }

    /// <summary>
    /// True when samples from the start, middle and end of a large cluster do not shrink at all
    /// (random or already compressed data), which spares deflating the whole cluster for nothing.
    /// </summary>
    private static bool LooksIncompressible(ReadOnlySpan<byte> cluster)
    {
        if (cluster.Length < 8 * SampleSize)
            return false;
        foreach (int at in new[] { 0, cluster.Length / 2, cluster.Length - SampleSize })
            if (DeflateCompress(cluster.Slice(at, SampleSize)).Length < SampleSize)
                return false;
        return true;
    }

    private static byte[] DeflateCompress(ReadOnlySpan<byte> cluster)
    {
        using var output = new MemoryStream(cluster.Length / 2);
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
            deflate.Write(cluster);
        return output.ToArray();
    }

    private static unsafe void DeflateDecompress(ReadOnlySpan<byte> input, Span<byte> cluster)
    {
        fixed (byte* p = input)
        {
            using var source = new UnmanagedMemoryStream(p, input.Length);
            using var inflate = new DeflateStream(source, CompressionMode.Decompress);
            try
            {
                int n = inflate.ReadAtLeast(cluster, cluster.Length, throwOnEndOfStream: false);
                if (n != cluster.Length)
                    throw new BlockException("Input/output error");
            }
            catch (InvalidDataException)
            {
                throw new BlockException("Input/output error");
            }
        }
    }

    private static unsafe byte[] ZstdCompress(ReadOnlySpan<byte> cluster)
    {
        try
        {
            nuint bound = ZSTD_compressBound((nuint)cluster.Length);
            var output = new byte[(int)bound];
            fixed (byte* src = cluster)
            fixed (byte* dst = output)
            {
                nuint n = ZSTD_compress(dst, bound, src, (nuint)cluster.Length, 0);
                if (ZSTD_isError(n) != 0)
                    throw new BlockException("Input/output error");
                return output.AsSpan(0, (int)n).ToArray();
            }
        }
        catch (DllNotFoundException)
        {
            throw new BlockException("qcow2: zstd compression is not supported (libzstd.so.1 not found)");
        }
    }

    private static unsafe void ZstdDecompress(ReadOnlySpan<byte> input, Span<byte> cluster)
    {
        try
        {
            fixed (byte* src = input)
            fixed (byte* dst = cluster)
            {
                int inAt = 0;
                int outAt = 0;
                while (outAt < cluster.Length)
                {
                    nuint frame = ZSTD_findFrameCompressedSize(src + inAt, (nuint)(input.Length - inAt));
                    if (ZSTD_isError(frame) != 0)
                        throw new BlockException("Input/output error");
                    nuint n = ZSTD_decompress(dst + outAt, (nuint)(cluster.Length - outAt), src + inAt, frame);
                    if (ZSTD_isError(n) != 0 || n == 0)
                        throw new BlockException("Input/output error");
                    inAt += (int)frame;
                    outAt += (int)n;
                }
            }
        }
        catch (DllNotFoundException)
        {
            throw new BlockException("qcow2: zstd compression is not supported (libzstd.so.1 not found)");
        }
    }

    [LibraryImport("libzstd.so.1")]
    private static unsafe partial nuint ZSTD_compress(byte* dst, nuint dstCapacity, byte* src, nuint srcSize, int level);

    [LibraryImport("libzstd.so.1")]
    private static partial nuint ZSTD_compressBound(nuint srcSize);

    [LibraryImport("libzstd.so.1")]
    private static unsafe partial nuint ZSTD_decompress(byte* dst, nuint dstCapacity, byte* src, nuint srcSize);

    [LibraryImport("libzstd.so.1")]
    private static unsafe partial nuint ZSTD_findFrameCompressedSize(byte* src, nuint srcSize);

    [LibraryImport("libzstd.so.1")]
    private static partial uint ZSTD_isError(nuint code);
}

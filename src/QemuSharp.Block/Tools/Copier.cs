using System.Collections.Concurrent;
using System.Globalization;
using QemuSharp.Block.Formats.Qcow2;

namespace QemuSharp.Block.Tools;

/// <summary>
/// Copies guest data from sources into a target for convert: zero ranges are skipped on a
/// zero-initialised target, runs of zeros of at least the sparse size are not written, and
/// compression runs on every core.
/// </summary>
internal sealed class Copier
{
    private const int ChunkSize = 2 << 20;
    private readonly ImgContext _ctx;
    private readonly BlockDriver _target;
    private readonly long _minSparse;
    private readonly bool _zeroInit;
    private readonly bool _topOnly;
    private readonly bool _compress;
    private readonly bool _progress;
    private readonly long _total;
    private readonly BlockingCollection<byte[]> _buffers = new();
    private long _done;
    private int _lastPercent = -1;

    public Copier(ImgContext ctx, BlockDriver target, long minSparse, bool zeroInit, bool topOnly, bool compress,
        bool progress, long total)
    {
        _ctx = ctx;
        _target = target;
        _minSparse = minSparse;
        _zeroInit = zeroInit;
        _topOnly = topOnly;
        _compress = compress;
        _progress = progress;
        _total = total;
        for (int i = 0; i < 3; i++)
            _buffers.Add(new byte[ChunkSize]);
        ReportProgress();
    }

    /// <summary>A planned piece of the source: skipped, zero, or data read into a pooled buffer.</summary>
    private sealed record Piece(long At, long Length, bool Zero, byte[]? Data);

    /// <summary>
    /// Copies one source to the target at <paramref name="targetOffset"/>; a reader thread plans
    /// and reads the next pieces while this thread writes the current one.
    /// </summary>
    public void Copy(BlockDriver source, long targetOffset)
    {
        using var cancel = new CancellationTokenSource();
        using var pieces = new BlockingCollection<Piece>(boundedCapacity: 2);
        var reader = Task.Run(() =>
        {
            try
            {
                Plan(source, pieces, cancel.Token);
            }
            finally
            {
                pieces.CompleteAdding();
            }
        });
        try
        {
            foreach (var piece in pieces.GetConsumingEnumerable())
                Consume(piece, targetOffset);
        }
        catch
        {
            cancel.Cancel();
            try
            {
                reader.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
            }
            throw;
        }
        reader.GetAwaiter().GetResult();
    }

    private void Plan(BlockDriver source, BlockingCollection<Piece> pieces, CancellationToken cancel)
    {
        long length = source.Length;
        for (long at = 0; at < length;)
        {
            long want = Math.Min(ChunkSize, length - at);
            BlockStatus status;
            long n;
            if (_topOnly)
            {
                var e = source.GetStatus(at, want);
                status = e.Status;
                n = Math.Max(1, e.Length);
                if ((status & (BlockStatus.Data | BlockStatus.Zero)) == 0)
                {
                    pieces.Add(new Piece(at, n, false, null), cancel);
                    at += n;
                    continue;
                }
            }
            else
            {
                var e = ChainStatus.Get(source, at, want);
                status = e.Status;
                n = Align(at, e.Length, length, ref status);
            }
            if ((status & BlockStatus.Zero) != 0 && _minSparse != 0)
            {
                pieces.Add(new Piece(at, n, true, null), cancel);
                at += n;
                continue;
            }
            byte[] buffer = _buffers.Take(cancel);
            source.Read(at, buffer.AsSpan(0, (int)n));
            pieces.Add(new Piece(at, n, false, buffer), cancel);
            at += n;
        }
    }

    private void Consume(Piece piece, long targetOffset)
    {
        long at = targetOffset + piece.At;
        if (piece.Data is { } data)
        {
            if (_compress && _target is Qcow2Image qcow2)
                WriteCompressed(qcow2, at, data, (int)piece.Length);
            else
                WriteSparse(at, data.AsSpan(0, (int)piece.Length));
            _buffers.Add(data);
        }
        else if (piece.Zero && !_zeroInit)
        {
            _target.WriteZeroes(at, piece.Length, mayUnmap: true);
        }
        _done += piece.Length;
        ReportProgress();
    }

    /// <summary>
    /// Keeps chunks on target cluster boundaries: a zero run shorter than a cluster is read as
    /// data, and a data run is extended to the end of its last cluster.
    /// </summary>
    private long Align(long at, long n, long length, ref BlockStatus status)
    {
        if (_target is not Qcow2Image qcow2 || (at & (qcow2.ClusterSize - 1)) != 0)
            return n;
        long cluster = qcow2.ClusterSize;
        if ((status & BlockStatus.Zero) != 0)
        {
            if (n >= cluster || at + n == length)
                return at + n == length ? n : n & ~(cluster - 1);
            status = BlockStatus.Data;
        }
        long end = Math.Min(length, (at + n + cluster - 1) & ~(cluster - 1));
        return Math.Min(end - at, ChunkSize);
    }

    /// <summary>Writes a buffer, leaving out aligned runs of zeros at least the sparse size long.</summary>
    private void WriteSparse(long offset, ReadOnlySpan<byte> data)
    {
        if (_minSparse == 0)
        {
            _target.Write(offset, data);
            return;
        }
        int unit = (int)_minSparse;
        int i = 0;
        while (i < data.Length)
        {
            int n = Math.Min(unit, data.Length - i);
            bool zero = !data.Slice(i, n).ContainsAnyExcept((byte)0);
            int j = i + n;
            while (j < data.Length)
            {
                int m = Math.Min(unit, data.Length - j);
                if (!data.Slice(j, m).ContainsAnyExcept((byte)0) != zero)
                    break;
                j += m;
            }
            if (!zero)
                _target.Write(offset + i, data[i..j]);
            else if (!_zeroInit)
                _target.WriteZeroes(offset + i, j - i, mayUnmap: true);
            i = j;
        }
    }

    /// <summary>Compresses whole clusters in parallel, then stores them in order.</summary>
    private void WriteCompressed(Qcow2Image target, long offset, byte[] data, int length)
    {
        int cluster = target.ClusterSize;
        int clusters = length / cluster;
        var packed = new byte[]?[clusters];
        var zero = new bool[clusters];
        Parallel.For(0, clusters, i =>
        {
            var span = data.AsSpan(i * cluster, cluster);
            zero[i] = !span.ContainsAnyExcept((byte)0);
            if (!zero[i])
                packed[i] = Qcow2Compression.Compress(target.Header.CompressionType, span);
        });
        for (int i = 0; i < clusters; i++)
        {
            long at = offset + (long)i * cluster;
            if (zero[i] && _zeroInit)
                continue;
            if (packed[i] is { } p)
                target.WriteCompressedCluster(at / cluster, p);
            else
                target.Write(at, data.AsSpan(i * cluster, cluster));
        }
        int tail = length - clusters * cluster;
        if (tail > 0)
            WriteSparse(offset + (long)clusters * cluster, data.AsSpan(clusters * cluster, tail));
    }

    private void ReportProgress()
    {
        if (!_progress)
            return;
        int percent = _total == 0 ? 100 : (int)(_done * 100 / _total);
        if (percent == _lastPercent)
            return;
        _lastPercent = percent;
        _ctx.Out.Write(string.Create(CultureInfo.InvariantCulture, $"    ({(double)percent:0.00}/100%)\r"));
        _ctx.Out.Flush();
    }

    public void Finish()
    {
        if (_progress)
            _ctx.Out.Write("\n");
    }
}

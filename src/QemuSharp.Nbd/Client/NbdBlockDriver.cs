using QemuSharp.Block;

namespace QemuSharp.Nbd.Client;

/// <summary>The "nbd" protocol driver: an export reached through <see cref="NbdClient"/>.</summary>
public sealed class NbdBlockDriver : BlockDriver
{
    private readonly NbdClient _client;

    private NbdBlockDriver(NbdClient client, string fileName, bool readOnly)
    {
        _client = client;
        FileName = fileName;
        ReadOnly = readOnly;
    }

    /// <summary>Makes NBD names usable wherever an image name is (qemu-img, qemu-nbd).</summary>
    public static void Register()
    {
        foreach (string prefix in new[] { "nbd:", "nbd+tcp:", "nbd+unix:" })
            ImageOpener.RegisterProtocol(prefix, Open);
    }

    public static NbdBlockDriver Open(string fileName, OpenOptions options)
    {
        try
        {
            var client = NbdClient.Connect(NbdAddress.Parse(fileName));
            bool serverReadOnly = (client.Flags & NbdTransmissionFlags.ReadOnly) != 0;
            return new NbdBlockDriver(client, fileName, options.ReadOnly || serverReadOnly);
        }
        catch (NbdException e)
        {
            throw new BlockException(e.Message);
        }
    }

    public override string FormatName => "nbd";

    public override long Length => _client.Size;

    public override void Read(long offset, Span<byte> buffer) => _client.Read(offset, buffer);

    public override void Write(long offset, ReadOnlySpan<byte> data)
    {
        if (ReadOnly)
            throw new BlockException("Operation not permitted");
        _client.Write(offset, data, fua: false);
    }

    public override void Flush() => _client.Flush();

    public override void WriteZeroes(long offset, long length, bool mayUnmap)
    {
        if (!_client.WriteZeroes(offset, length, noHole: !mayUnmap))
            base.WriteZeroes(offset, length, mayUnmap);
    }

    public override void Discard(long offset, long length) => _client.Trim(offset, length);

    public override BlockExtent GetStatus(long offset, long length)
    {
        const BlockStatus common = BlockStatus.Allocated | BlockStatus.OffsetValid;
        if (offset >= Length)
            return new BlockExtent(length, common | BlockStatus.Zero, offset);
        length = Math.Min(length, Length - offset);
        if (_client.AllocationContextId == null)
            return new BlockExtent(length, common | BlockStatus.Data, offset);
        var (n, flags) = _client.BlockStatus(offset, length);
        var status = common;
        if ((flags & NbdState.Hole) == 0)
            status |= BlockStatus.Data;
        if ((flags & NbdState.Zero) != 0)
            status |= BlockStatus.Zero;
        return new BlockExtent(Math.Clamp(n, 1, length), status, offset);
    }

    public override long AllocatedSize => -1;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _client.Dispose();
    }
}

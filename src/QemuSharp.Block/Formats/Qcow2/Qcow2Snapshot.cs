using System.Buffers.Binary;
using System.Text;

namespace QemuSharp.Block.Formats.Qcow2;

/// <summary>One entry of the qcow2 snapshot table.</summary>
public sealed record Qcow2Snapshot
{
    public long L1Offset { get; init; }
    public uint L1Size { get; init; }
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public uint DateSeconds { get; init; }
    public uint DateNanoseconds { get; init; }
    public ulong VmClockNanoseconds { get; init; }
    public ulong VmStateSize { get; init; }
    public long DiskSize { get; init; }
    public ulong Icount { get; init; } = ulong.MaxValue;
    public byte[] ExtraData { get; init; } = [];

    private const int MaxExtraData = 1024;

    /// <summary>Reads the table named by the header; a table past the file's end reads as zeros.</summary>
    internal static List<Qcow2Snapshot> ReadTable(BlockDriver file, Qcow2Header header)
    {
        var list = new List<Qcow2Snapshot>();
        long at = header.SnapshotsOffset;
        long fileLength = file.Length;
        var fixedPart = new byte[40];
        for (uint i = 0; i < header.SnapshotCount; i++)
        {
            if (at + 40 > fileLength)
                throw new BlockException("Snapshot table exceeds the end of the image file");
            file.Read(at, fixedPart);
            ushort idLength = BinaryPrimitives.ReadUInt16BigEndian(fixedPart.AsSpan(12));
            ushort nameLength = BinaryPrimitives.ReadUInt16BigEndian(fixedPart.AsSpan(14));
            uint extraSize = BinaryPrimitives.ReadUInt32BigEndian(fixedPart.AsSpan(36));
            if (extraSize > MaxExtraData)
                throw new BlockException("Too much extra metadata in snapshot table entry " + i);
            var rest = new byte[extraSize + idLength + nameLength];
            file.Read(at + 40, rest);
            var extra = rest.AsSpan(0, (int)extraSize);
            ulong vmState = BinaryPrimitives.ReadUInt32BigEndian(fixedPart.AsSpan(32));
            if (extraSize >= 8)
                vmState = BinaryPrimitives.ReadUInt64BigEndian(extra);
            long diskSize = extraSize >= 16 ? (long)BinaryPrimitives.ReadUInt64BigEndian(extra[8..]) : header.Size;
            ulong icount = extraSize >= 24 ? BinaryPrimitives.ReadUInt64BigEndian(extra[16..]) : ulong.MaxValue;
            list.Add(new Qcow2Snapshot
            {
                L1Offset = (long)BinaryPrimitives.ReadUInt64BigEndian(fixedPart),
                L1Size = BinaryPrimitives.ReadUInt32BigEndian(fixedPart.AsSpan(8)),
                DateSeconds = BinaryPrimitives.ReadUInt32BigEndian(fixedPart.AsSpan(16)),
                DateNanoseconds = BinaryPrimitives.ReadUInt32BigEndian(fixedPart.AsSpan(20)),
                VmClockNanoseconds = BinaryPrimitives.ReadUInt64BigEndian(fixedPart.AsSpan(24)),
                VmStateSize = vmState,
                DiskSize = diskSize,
                Icount = icount,
                ExtraData = extra.ToArray(),
                Id = Encoding.UTF8.GetString(rest, (int)extraSize, idLength),
                Name = Encoding.UTF8.GetString(rest, (int)extraSize + idLength, nameLength),
            });
            at += (40 + rest.Length + 7) & ~7;
        }
        return list;
    }

    /// <summary>Serialises a whole table with QEMU's 24-byte extra data.</summary>
    internal static byte[] EncodeTable(IReadOnlyList<Qcow2Snapshot> snapshots)
    {
        using var output = new MemoryStream();
        foreach (var s in snapshots)
        {
            byte[] id = Encoding.UTF8.GetBytes(s.Id);
            byte[] name = Encoding.UTF8.GetBytes(s.Name);
            var entry = new byte[(40 + 24 + id.Length + name.Length + 7) & ~7];
            BinaryPrimitives.WriteUInt64BigEndian(entry, (ulong)s.L1Offset);
            BinaryPrimitives.WriteUInt32BigEndian(entry.AsSpan(8), s.L1Size);
            BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(12), (ushort)id.Length);
            BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(14), (ushort)name.Length);
            BinaryPrimitives.WriteUInt32BigEndian(entry.AsSpan(16), s.DateSeconds);
            BinaryPrimitives.WriteUInt32BigEndian(entry.AsSpan(20), s.DateNanoseconds);
            BinaryPrimitives.WriteUInt64BigEndian(entry.AsSpan(24), s.VmClockNanoseconds);
            BinaryPrimitives.WriteUInt32BigEndian(entry.AsSpan(32), (uint)Math.Min(s.VmStateSize, uint.MaxValue));
            BinaryPrimitives.WriteUInt32BigEndian(entry.AsSpan(36), 24);
            BinaryPrimitives.WriteUInt64BigEndian(entry.AsSpan(40), s.VmStateSize);
            BinaryPrimitives.WriteUInt64BigEndian(entry.AsSpan(48), (ulong)s.DiskSize);
            BinaryPrimitives.WriteUInt64BigEndian(entry.AsSpan(56), s.Icount);
            id.CopyTo(entry, 64);
            name.CopyTo(entry, 64 + id.Length);
            output.Write(entry);
        }
        return output.ToArray();
    }
}

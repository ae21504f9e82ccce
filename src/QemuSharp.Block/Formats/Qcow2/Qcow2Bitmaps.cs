using System.Buffers.Binary;
using System.Text;

namespace QemuSharp.Block.Formats.Qcow2;

/// <summary>A persistent dirty bitmap named in the bitmap directory (kept intact, never modified).</summary>
public sealed record Qcow2Bitmap(string Name, uint Flags, int GranularityBits)
{
    public const uint InUse = 1;
    public const uint Auto = 2;

    /// <summary>Reads the directory that the bitmaps header extension names.</summary>
    public static List<Qcow2Bitmap> ReadDirectory(Qcow2Image image)
    {
        var list = new List<Qcow2Bitmap>();
        var ext = image.Header.Extensions.FirstOrDefault(e => e.Type == Qcow2Header.ExtBitmaps);
        if (ext == null || ext.Data.Length < 24)
            return list;
        uint count = BinaryPrimitives.ReadUInt32BigEndian(ext.Data);
        long size = (long)BinaryPrimitives.ReadUInt64BigEndian(ext.Data.AsSpan(8));
        long offset = (long)BinaryPrimitives.ReadUInt64BigEndian(ext.Data.AsSpan(16));
        if (size <= 0 || size > (64 << 20))
            return list;
        var dir = new byte[size];
        image.File.Read(offset, dir);
        int at = 0;
        for (uint i = 0; i < count && at + 24 <= dir.Length; i++)
        {
            uint flags = BinaryPrimitives.ReadUInt32BigEndian(dir.AsSpan(at + 12));
            int granularity = dir[at + 17];
            ushort nameSize = BinaryPrimitives.ReadUInt16BigEndian(dir.AsSpan(at + 18));
            uint extraSize = BinaryPrimitives.ReadUInt32BigEndian(dir.AsSpan(at + 20));
            int nameAt = at + 24 + (int)extraSize;
            if (nameAt + nameSize > dir.Length)
                break;
            list.Add(new Qcow2Bitmap(Encoding.UTF8.GetString(dir, nameAt, nameSize), flags, granularity));
            at += (int)((24 + extraSize + nameSize + 7) & ~7u);
        }
        return list;
    }
}

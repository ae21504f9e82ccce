using System.Buffers.Binary;
using System.Text;

namespace QemuSharp.Nbd;

/// <summary>A cursor over an option's payload; each read fails when too few bytes are left.</summary>
internal struct OptionPayload(byte[] data)
{
    private int _at;

    public readonly int Remaining => data.Length - _at;

    public bool TryU16(out int value)
    {
        value = Remaining >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(_at)) : 0;
        return Advance(2);
    }

    public bool TryU32(out uint value)
    {
        value = Remaining >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(_at)) : 0;
        return Advance(4);
    }

    public bool TryBytes(int length, out ReadOnlySpan<byte> bytes)
    {
        bytes = Remaining >= length ? data.AsSpan(_at, length) : default;
        return Advance(length);
    }

    /// <summary>A u32 length and that many bytes of UTF-8.</summary>
    public bool TryName(out string name)
    {
        name = "";
        if (!TryU32(out uint length) || length > Remaining || !TryBytes((int)length, out var text))
            return false;
        name = Encoding.UTF8.GetString(text);
        return true;
    }

    private bool Advance(int n)
    {
        if (n > Remaining)
            return false;
        _at += n;
        return true;
    }
}

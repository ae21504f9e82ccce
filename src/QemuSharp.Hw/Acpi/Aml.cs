using System.Text;

namespace QemuSharp.Hw.Acpi;

/// <summary>
/// An encoder for the subset of AML (ACPI 6.4, chapter 20) that a static DSDT needs: named
/// scopes, devices and processors, names bound to data, and resource templates. Every method
/// returns the encoded bytes of one term.
/// </summary>
public static class Aml
{
    private const byte ZeroOp = 0x00, OneOp = 0x01;
    private const byte NameOp = 0x08, BytePrefix = 0x0a, WordPrefix = 0x0b, DWordPrefix = 0x0c;
    private const byte StringPrefix = 0x0d, QWordPrefix = 0x0e, ScopeOp = 0x10, BufferOp = 0x11, PackageOp = 0x12;
    private const byte ExtOpPrefix = 0x5b, DeviceOp = 0x82, ProcessorOp = 0x83;
    private const byte RootChar = 0x5c, DualNamePrefix = 0x2e, MultiNamePrefix = 0x2f;

    public static byte[] Scope(string name, params byte[][] terms) =>
        [ScopeOp, .. PackageLength([.. NameString(name), .. Concat(terms)])];

    public static byte[] Device(string name, params byte[][] terms) =>
        [ExtOpPrefix, DeviceOp, .. PackageLength([.. NameString(name), .. Concat(terms)])];

    /// <summary>The ACPI 1.0 Processor object: processor ID, P_BLK address and length.</summary>
    public static byte[] Processor(string name, byte id, uint pblkAddress, byte pblkLength, params byte[][] terms)
    {
        byte[] head = [.. NameString(name), id, .. LittleEndian(pblkAddress, 4), pblkLength];
        return [ExtOpPrefix, ProcessorOp, .. PackageLength([.. head, .. Concat(terms)])];
    }

    public static byte[] Name(string name, byte[] value) => [NameOp, .. NameString(name), .. value];

    /// <summary>The shortest encoding of an integer constant.</summary>
    public static byte[] Integer(ulong value) => value switch
    {
        0 => [ZeroOp],
        1 => [OneOp],
        <= 0xff => [BytePrefix, (byte)value],
        <= 0xffff => [WordPrefix, .. LittleEndian(value, 2)],
        <= 0xffffffff => [DWordPrefix, .. LittleEndian(value, 4)],
        _ => [QWordPrefix, .. LittleEndian(value, 8)],
    };

    public static byte[] String(string value) => [StringPrefix, .. Encoding.ASCII.GetBytes(value), 0];

    /// <summary>A compressed EISA ID such as "PNP0A03", as a DWord in little-endian byte order.</summary>
    public static byte[] EisaId(string id)
    {
        if (id.Length != 7)
            throw new ArgumentException("an EISA ID has 3 letters and 4 hex digits", nameof(id));
        uint vendor = (uint)(id[0] - '@') << 10 | (uint)(id[1] - '@') << 5 | (uint)(id[2] - '@');
        uint product = Convert.ToUInt32(id[3..], 16);
        uint bigEndian = vendor << 16 | product;
        return [DWordPrefix, (byte)(bigEndian >> 24), (byte)(bigEndian >> 16), (byte)(bigEndian >> 8), (byte)bigEndian];
    }

    public static byte[] Package(params byte[][] elements)
    {
        if (elements.Length > 255)
            throw new ArgumentException("a Package holds at most 255 elements", nameof(elements));
        return [PackageOp, .. PackageLength([(byte)elements.Length, .. Concat(elements)])];
    }

    public static byte[] Buffer(byte[] data) =>
        [BufferOp, .. PackageLength([.. Integer((ulong)data.Length), .. data])];

    /// <summary>A path such as <c>\_SB.PCI0</c> or <c>_HID</c>: root prefix, then one, two or more 4-character segments.</summary>
    public static byte[] NameString(string path)
    {
        var bytes = new List<byte>();
        if (path.StartsWith('\\'))
        {
            bytes.Add(RootChar);
            path = path[1..];
        }
        string[] segments = path.Length == 0 ? [] : path.Split('.');
        if (segments.Length == 2)
            bytes.Add(DualNamePrefix);
        else if (segments.Length > 2)
            bytes.AddRange([MultiNamePrefix, (byte)segments.Length]);
        else if (segments.Length == 0)
            bytes.Add(0);
        foreach (string s in segments)
        {
            if (s.Length is 0 or > 4)
                throw new ArgumentException($"name segment '{s}' is not 1-4 characters", nameof(path));
            bytes.AddRange(Encoding.ASCII.GetBytes(s.PadRight(4, '_')));
        }
        return [.. bytes];
    }

    /// <summary>
    /// Prefixes <paramref name="body"/> with its PkgLength, which counts itself: one byte up to
    /// 63, otherwise a lead byte holding the low nibble and the number of following bytes.
    /// </summary>
    public static byte[] PackageLength(byte[] body)
    {
        for (int extra = 0; extra <= 3; extra++)
        {
            int total = body.Length + 1 + extra;
            if (extra == 0 && total < 0x40)
                return [(byte)total, .. body];
            if (extra > 0 && total < 1 << (4 + 8 * extra))
            {
                var head = new byte[1 + extra];
                head[0] = (byte)(extra << 6 | (total & 0xf));
                for (int i = 1; i <= extra; i++)
                    head[i] = (byte)(total >> (4 + 8 * (i - 1)));
                return [.. head, .. body];
            }
        }
        throw new ArgumentException("AML package longer than 256 MiB", nameof(body));
    }

    public static byte[] Concat(IEnumerable<byte[]> parts) => [.. parts.SelectMany(p => p)];

    /// <summary>The low <paramref name="size"/> bytes of <paramref name="value"/>, least significant first, as ACPI stores integers.</summary>
    internal static byte[] LittleEndian(ulong value, int size)
    {
        var b = new byte[size];
        for (int i = 0; i < size; i++)
            b[i] = (byte)(value >> (8 * i));
        return b;
    }
}

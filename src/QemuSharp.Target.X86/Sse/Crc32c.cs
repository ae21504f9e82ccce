using System.Runtime.Intrinsics.X86;

namespace QemuSharp.Target.X86.Sse;

/// <summary>
/// SSE4.2 CRC32: CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) of the source's bytes, least
/// significant first, accumulated into the destination without the customary pre- and post-inversion.
/// The 32-bit result is zero-extended into the 64-bit destination by the caller. Flags are unchanged.
/// </summary>
public static class Crc32c
{
    private static readonly uint[] s_table = BuildTable();

    public static uint Crc8(uint crc, byte data) => Sse42.IsSupported ? Sse42.Crc32(crc, data) : Software(crc, data, 1);
    public static uint Crc16(uint crc, ushort data) => Sse42.IsSupported ? Sse42.Crc32(crc, data) : Software(crc, data, 2);
    public static uint Crc32(uint crc, uint data) => Sse42.IsSupported ? Sse42.Crc32(crc, data) : Software(crc, data, 4);
    public static uint Crc64(uint crc, ulong data) => Sse42.X64.IsSupported ? (uint)Sse42.X64.Crc32(crc, data) : Software(crc, data, 8);

    /// <summary>The table-driven computation used where the host lacks SSE4.2.</summary>
    internal static uint Software(uint crc, ulong data, int bytes)
    {
        for (int i = 0; i < bytes; i++)
        {
            crc = s_table[(crc ^ (byte)data) & 0xFF] ^ (crc >> 8);
            data >>= 8;
        }
        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
            }
            table[i] = c;
        }
        return table;
    }
}

/// <summary>POPCNT: the count, with ZF set when the source is zero and CF, OF, SF, AF, PF cleared.</summary>
public static class PopCount
{
    public static ulong Count(ulong source, out uint flags)
    {
        flags = source == 0 ? SseEflags.ZF : 0;
        return ulong.PopCount(source);
    }
}

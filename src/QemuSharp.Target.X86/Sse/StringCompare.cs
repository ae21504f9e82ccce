using System.Runtime.Intrinsics;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Sse;

/// <summary>
/// SSE4.2 PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM. The first operand (xmm1) holds the set, ranges or
/// needle; the second (xmm2/m128) the string. imm8[1:0] is the element format, [3:2] the aggregation,
/// [5:4] the polarity, [6] the index or mask form. The returned flags are CF, ZF, SF and OF as Intel
/// defines them (AF and PF cleared): the caller replaces all six arithmetic flags with them.
/// </summary>
public static class StringCompare
{
    /// <summary>PCMPESTRI: explicit lengths are RAX/EAX and RDX/EDX sign-extended to 64 bits.</summary>
    public static uint Pcmpestri(Xmm a, Xmm b, long lengthA, long lengthB, byte imm, out uint flags)
    {
        int n = ElementCount(imm);
        uint res = Compare(a, b, Saturate(lengthA, n), Saturate(lengthB, n), imm, out flags);
        return Index(res, n, imm);
    }

    /// <summary>PCMPESTRM: the returned value is written to XMM0.</summary>
    public static Xmm Pcmpestrm(Xmm a, Xmm b, long lengthA, long lengthB, byte imm, out uint flags)
    {
        int n = ElementCount(imm);
        uint res = Compare(a, b, Saturate(lengthA, n), Saturate(lengthB, n), imm, out flags);
        return Mask(res, imm);
    }

    public static uint Pcmpistri(Xmm a, Xmm b, byte imm, out uint flags)
    {
        int n = ElementCount(imm);
        uint res = Compare(a, b, ImplicitLength(a, imm), ImplicitLength(b, imm), imm, out flags);
        return Index(res, n, imm);
    }

    public static Xmm Pcmpistrm(Xmm a, Xmm b, byte imm, out uint flags)
    {
        uint res = Compare(a, b, ImplicitLength(a, imm), ImplicitLength(b, imm), imm, out flags);
        return Mask(res, imm);
    }

    private static int ElementCount(byte imm) => (imm & 1) != 0 ? 8 : 16;

    private static int Saturate(long length, int n)
    {
        ulong magnitude = length < 0 ? (ulong)-(length + 1) + 1 : (ulong)length;
        return magnitude > (ulong)n ? n : (int)magnitude;
    }

    private static int ImplicitLength(Xmm v, byte imm)
    {
        int n = ElementCount(imm);
        for (int i = 0; i < n; i++)
        {
            if (Element(v, i, imm) == 0)
            {
                return i;
            }
        }
        return n;
    }

    private static int Element(Xmm v, int i, byte imm) => (imm & 3) switch
    {
        0 => Lanes.Get<byte>(v, i),
        1 => Lanes.Get<ushort>(v, i),
        2 => Lanes.Get<sbyte>(v, i),
        _ => Lanes.Get<short>(v, i),
    };

    private static uint Compare(Xmm a, Xmm b, int lenA, int lenB, byte imm, out uint flags)
    {
        int n = ElementCount(imm);
        uint res1 = 0;
        switch ((imm >> 2) & 3)
        {
            case 0:
                for (int j = 0; j < lenB; j++)
                {
                    int bj = Element(b, j, imm);
                    for (int i = 0; i < lenA; i++)
                    {
                        if (Element(a, i, imm) == bj)
                        {
                            res1 |= 1u << j;
                            break;
                        }
                    }
                }
                break;
            case 1:
                for (int j = 0; j < lenB; j++)
                {
                    int bj = Element(b, j, imm);
                    for (int i = 0; i + 1 < lenA; i += 2)
                    {
                        if (bj >= Element(a, i, imm) && bj <= Element(a, i + 1, imm))
                        {
                            res1 |= 1u << j;
                            break;
                        }
                    }
                }
                break;
            case 2:
                for (int i = 0; i < n; i++)
                {
                    bool validA = i < lenA, validB = i < lenB;
                    bool match = validA && validB ? Element(a, i, imm) == Element(b, i, imm) : validA == validB;
                    res1 |= match ? 1u << i : 0;
                }
                break;
            default:
                for (int j = 0; j < n; j++)
                {
                    bool match = true;
                    for (int k = 0; k < n - j && match; k++)
                    {
                        if (k >= lenA)
                        {
                            break;
                        }
                        match = j + k < lenB && Element(a, k, imm) == Element(b, j + k, imm);
                    }
                    res1 |= match ? 1u << j : 0;
                }
                break;
        }

        uint all = (1u << n) - 1;
        uint res2 = ((imm >> 4) & 3) switch
        {
            1 => ~res1 & all,
            3 => res1 ^ ((1u << lenB) - 1),
            _ => res1,
        };

        flags = 0;
        flags |= res2 != 0 ? SseEflags.CF : 0;
        flags |= lenB < n ? SseEflags.ZF : 0;
        flags |= lenA < n ? SseEflags.SF : 0;
        flags |= (res2 & 1) != 0 ? SseEflags.OF : 0;
        return res2;
    }

    private static uint Index(uint res, int n, byte imm)
    {
        if (res == 0)
        {
            return (uint)n;
        }
        return (imm & 0x40) != 0 ? (uint)(31 - uint.LeadingZeroCount(res)) : uint.TrailingZeroCount(res);
    }

    private static Xmm Mask(uint res, byte imm)
    {
        if ((imm & 0x40) == 0)
        {
            return Vector128.CreateScalar(res).AsByte();
        }
        Xmm r = default;
        if ((imm & 1) != 0)
        {
            for (int i = 0; i < 8; i++)
            {
                Lanes.At<ushort>(ref r, i) = (res & (1u << i)) != 0 ? ushort.MaxValue : (ushort)0;
            }
        }
        else
        {
            for (int i = 0; i < 16; i++)
            {
                Lanes.At<byte>(ref r, i) = (res & (1u << i)) != 0 ? byte.MaxValue : (byte)0;
            }
        }
        return r;
    }
}

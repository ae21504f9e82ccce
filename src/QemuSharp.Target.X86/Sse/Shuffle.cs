using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Sse;

/// <summary>Shuffles, unpacks, blends, inserts and extracts of SSE..SSE4.1.</summary>
public static class Shuffle
{
    /// <summary>PSHUFB: byte i of the result is 0 if source byte i has bit 7 set, else DEST[source[i] &amp; 15].</summary>
    public static Xmm Pshufb(Xmm a, Xmm b)
    {
        return Ssse3.IsSupported ? Ssse3.Shuffle(a, b) : PshufbSoftware(a, b);
    }

    internal static Xmm PshufbSoftware(Xmm a, Xmm b)
    {
        Xmm r = default;
        for (int i = 0; i < 16; i++)
        {
            byte s = Lanes.Get<byte>(b, i);
            Lanes.At<byte>(ref r, i) = (s & 0x80) != 0 ? (byte)0 : Lanes.Get<byte>(a, s & 15);
        }
        return r;
    }

    public static Xmm Pshufd(Xmm b, byte imm)
    {
        Xmm r = default;
        for (int i = 0; i < 4; i++)
        {
            Lanes.At<uint>(ref r, i) = Lanes.Get<uint>(b, (imm >> (2 * i)) & 3);
        }
        return r;
    }

    public static Xmm Pshuflw(Xmm b, byte imm)
    {
        Xmm r = b;
        for (int i = 0; i < 4; i++)
        {
            Lanes.At<ushort>(ref r, i) = Lanes.Get<ushort>(b, (imm >> (2 * i)) & 3);
        }
        return r;
    }

    public static Xmm Pshufhw(Xmm b, byte imm)
    {
        Xmm r = b;
        for (int i = 0; i < 4; i++)
        {
            Lanes.At<ushort>(ref r, 4 + i) = Lanes.Get<ushort>(b, 4 + ((imm >> (2 * i)) & 3));
        }
        return r;
    }

    /// <summary>SHUFPS: result dwords 0-1 from DEST, 2-3 from SRC, each chosen by two imm8 bits.</summary>
    public static Xmm Shufps(Xmm a, Xmm b, byte imm)
    {
        Xmm r = default;
        Lanes.At<uint>(ref r, 0) = Lanes.Get<uint>(a, imm & 3);
        Lanes.At<uint>(ref r, 1) = Lanes.Get<uint>(a, (imm >> 2) & 3);
        Lanes.At<uint>(ref r, 2) = Lanes.Get<uint>(b, (imm >> 4) & 3);
        Lanes.At<uint>(ref r, 3) = Lanes.Get<uint>(b, (imm >> 6) & 3);
        return r;
    }

    public static Xmm Shufpd(Xmm a, Xmm b, byte imm)
    {
        Xmm r = default;
        Lanes.At<ulong>(ref r, 0) = Lanes.Get<ulong>(a, imm & 1);
        Lanes.At<ulong>(ref r, 1) = Lanes.Get<ulong>(b, (imm >> 1) & 1);
        return r;
    }

    public static Xmm Punpcklbw(Xmm a, Xmm b) => Interleave<byte>(a, b, 0);
    public static Xmm Punpckhbw(Xmm a, Xmm b) => Interleave<byte>(a, b, 8);
    public static Xmm Punpcklwd(Xmm a, Xmm b) => Interleave<ushort>(a, b, 0);
    public static Xmm Punpckhwd(Xmm a, Xmm b) => Interleave<ushort>(a, b, 4);
    public static Xmm Punpckldq(Xmm a, Xmm b) => Interleave<uint>(a, b, 0);
    public static Xmm Punpckhdq(Xmm a, Xmm b) => Interleave<uint>(a, b, 2);
    public static Xmm Punpcklqdq(Xmm a, Xmm b) => Interleave<ulong>(a, b, 0);
    public static Xmm Punpckhqdq(Xmm a, Xmm b) => Interleave<ulong>(a, b, 1);
    public static Xmm Unpcklps(Xmm a, Xmm b) => Interleave<uint>(a, b, 0);
    public static Xmm Unpckhps(Xmm a, Xmm b) => Interleave<uint>(a, b, 2);
    public static Xmm Unpcklpd(Xmm a, Xmm b) => Interleave<ulong>(a, b, 0);
    public static Xmm Unpckhpd(Xmm a, Xmm b) => Interleave<ulong>(a, b, 1);

    private static Xmm Interleave<T>(Xmm a, Xmm b, int start) where T : struct
    {
        int half = 8 / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        Xmm r = default;
        for (int i = 0; i < half; i++)
        {
            Lanes.At<T>(ref r, 2 * i) = Lanes.Get<T>(a, start + i);
            Lanes.At<T>(ref r, 2 * i + 1) = Lanes.Get<T>(b, start + i);
        }
        return r;
    }

    public static Xmm Movddup(Xmm b) => Vector128.Create(b.AsUInt64().ToScalar()).AsByte();

    public static Xmm Movsldup(Xmm b)
    {
        uint x = Lanes.Get<uint>(b, 0), y = Lanes.Get<uint>(b, 2);
        return Vector128.Create(x, x, y, y).AsByte();
    }

    public static Xmm Movshdup(Xmm b)
    {
        uint x = Lanes.Get<uint>(b, 1), y = Lanes.Get<uint>(b, 3);
        return Vector128.Create(x, x, y, y).AsByte();
    }

    public static Xmm Pblendw(Xmm a, Xmm b, byte imm) => BlendByMask<ushort>(a, b, imm);
    public static Xmm Blendps(Xmm a, Xmm b, byte imm) => BlendByMask<uint>(a, b, imm);
    public static Xmm Blendpd(Xmm a, Xmm b, byte imm) => BlendByMask<ulong>(a, b, imm);

    private static Xmm BlendByMask<T>(Xmm a, Xmm b, int mask) where T : struct
    {
        int n = 16 / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        Xmm r = a;
        for (int i = 0; i < n; i++)
        {
            if ((mask & (1 << i)) != 0)
            {
                Lanes.At<T>(ref r, i) = Lanes.Get<T>(b, i);
            }
        }
        return r;
    }

    /// <summary>PBLENDVB/BLENDVPS/BLENDVPD: the sign bit of each element of XMM0 picks the source element.</summary>
    /// <summary>PBLENDVB/BLENDVPS/BLENDVPD: the sign bit of each element of XMM0 picks the source element.</summary>
    public static Xmm Pblendvb(Xmm a, Xmm b, Xmm xmm0) => Vector128.ConditionalSelect(Vector128.ShiftRightArithmetic(xmm0.AsSByte(), 7).AsByte(), b, a);
    public static Xmm Blendvps(Xmm a, Xmm b, Xmm xmm0) => Vector128.ConditionalSelect(Vector128.ShiftRightArithmetic(xmm0.AsInt32(), 31).AsByte(), b, a);
    public static Xmm Blendvpd(Xmm a, Xmm b, Xmm xmm0) => Vector128.ConditionalSelect(Vector128.ShiftRightArithmetic(xmm0.AsInt64(), 63).AsByte(), b, a);

    public static uint Pmovmskb(Xmm b) => b.ExtractMostSignificantBits();
    public static uint Movmskps(Xmm b) => b.AsUInt32().ExtractMostSignificantBits();
    public static uint Movmskpd(Xmm b) => b.AsUInt64().ExtractMostSignificantBits();

    /// <summary>PINSRB/W/D/Q: the element index is imm8 modulo the element count.</summary>
    public static Xmm Pinsrb(Xmm a, uint value, byte imm) => a.WithElement(imm & 15, (byte)value);
    public static Xmm Pinsrw(Xmm a, uint value, byte imm) => a.AsUInt16().WithElement(imm & 7, (ushort)value).AsByte();
    public static Xmm Pinsrd(Xmm a, uint value, byte imm) => a.AsUInt32().WithElement(imm & 3, value).AsByte();
    public static Xmm Pinsrq(Xmm a, ulong value, byte imm) => a.AsUInt64().WithElement(imm & 1, value).AsByte();

    /// <summary>PEXTRB/W zero-extend into the destination; EXTRACTPS is PEXTRD.</summary>
    public static uint Pextrb(Xmm b, byte imm) => b.GetElement(imm & 15);
    public static uint Pextrw(Xmm b, byte imm) => b.AsUInt16().GetElement(imm & 7);
    public static uint Pextrd(Xmm b, byte imm) => b.AsUInt32().GetElement(imm & 3);
    public static ulong Pextrq(Xmm b, byte imm) => b.AsUInt64().GetElement(imm & 1);
    public static uint Extractps(Xmm b, byte imm) => b.AsUInt32().GetElement(imm & 3);

    /// <summary>INSERTPS with a register source: imm8[7:6] picks the source dword, [5:4] the target, [3:0] zeroes.</summary>
    public static Xmm Insertps(Xmm a, Xmm b, byte imm) => InsertpsValue(a, Lanes.Get<uint>(b, (imm >> 6) & 3), imm);

    /// <summary>INSERTPS with a memory source: the 32-bit value loaded, imm8[7:6] ignored.</summary>
    public static Xmm InsertpsValue(Xmm a, uint value, byte imm)
    {
        Xmm r = a;
        Lanes.At<uint>(ref r, (imm >> 4) & 3) = value;
        for (int i = 0; i < 4; i++)
        {
            if ((imm & (1 << i)) != 0)
            {
                Lanes.At<uint>(ref r, i) = 0;
            }
        }
        return r;
    }
}

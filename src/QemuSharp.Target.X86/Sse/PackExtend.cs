using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Sse;

/// <summary>PACKSS/PACKUS (saturating narrowing), PMOVSX/PMOVZX (widening) and PTEST.</summary>
public static class PackExtend
{
    public static Xmm Packsswb(Xmm a, Xmm b)
        => Sse2.IsSupported ? Sse2.PackSignedSaturate(a.AsInt16(), b.AsInt16()).AsByte() : PacksswbSoftware(a, b);

    internal static Xmm PacksswbSoftware(Xmm a, Xmm b)
    {
        Xmm r = default;
        for (int i = 0; i < 8; i++)
        {
            Lanes.At<sbyte>(ref r, i) = Lanes.SatS8(Lanes.Get<short>(a, i));
            Lanes.At<sbyte>(ref r, 8 + i) = Lanes.SatS8(Lanes.Get<short>(b, i));
        }
        return r;
    }

    public static Xmm Packuswb(Xmm a, Xmm b)
        => Sse2.IsSupported ? Sse2.PackUnsignedSaturate(a.AsInt16(), b.AsInt16()) : PackuswbSoftware(a, b);

    internal static Xmm PackuswbSoftware(Xmm a, Xmm b)
    {
        Xmm r = default;
        for (int i = 0; i < 8; i++)
        {
            Lanes.At<byte>(ref r, i) = Lanes.SatU8(Lanes.Get<short>(a, i));
            Lanes.At<byte>(ref r, 8 + i) = Lanes.SatU8(Lanes.Get<short>(b, i));
        }
        return r;
    }

    public static Xmm Packssdw(Xmm a, Xmm b)
        => Sse2.IsSupported ? Sse2.PackSignedSaturate(a.AsInt32(), b.AsInt32()).AsByte() : PackssdwSoftware(a, b);

    internal static Xmm PackssdwSoftware(Xmm a, Xmm b)
    {
        Xmm r = default;
        for (int i = 0; i < 4; i++)
        {
            Lanes.At<short>(ref r, i) = Lanes.SatS16(Lanes.Get<int>(a, i));
            Lanes.At<short>(ref r, 4 + i) = Lanes.SatS16(Lanes.Get<int>(b, i));
        }
        return r;
    }

    public static Xmm Packusdw(Xmm a, Xmm b)
        => Sse41.IsSupported ? Sse41.PackUnsignedSaturate(a.AsInt32(), b.AsInt32()).AsByte() : PackusdwSoftware(a, b);

    internal static Xmm PackusdwSoftware(Xmm a, Xmm b)
    {
        Xmm r = default;
        for (int i = 0; i < 4; i++)
        {
            Lanes.At<ushort>(ref r, i) = Lanes.SatU16(Lanes.Get<int>(a, i));
            Lanes.At<ushort>(ref r, 4 + i) = Lanes.SatU16(Lanes.Get<int>(b, i));
        }
        return r;
    }

    public static Xmm Pmovsxbw(Xmm b) => Vector128.WidenLower(b.AsSByte()).AsByte();
    public static Xmm Pmovsxwd(Xmm b) => Vector128.WidenLower(b.AsInt16()).AsByte();
    public static Xmm Pmovsxdq(Xmm b) => Vector128.WidenLower(b.AsInt32()).AsByte();
    public static Xmm Pmovsxbd(Xmm b) => Pmovsxwd(Pmovsxbw(b));
    public static Xmm Pmovsxwq(Xmm b) => Pmovsxdq(Pmovsxwd(b));
    public static Xmm Pmovsxbq(Xmm b) => Pmovsxdq(Pmovsxwd(Pmovsxbw(b)));
    public static Xmm Pmovzxbw(Xmm b) => Vector128.WidenLower(b).AsByte();
    public static Xmm Pmovzxwd(Xmm b) => Vector128.WidenLower(b.AsUInt16()).AsByte();
    public static Xmm Pmovzxdq(Xmm b) => Vector128.WidenLower(b.AsUInt32()).AsByte();
    public static Xmm Pmovzxbd(Xmm b) => Pmovzxwd(Pmovzxbw(b));
    public static Xmm Pmovzxwq(Xmm b) => Pmovzxdq(Pmovzxwd(b));
    public static Xmm Pmovzxbq(Xmm b) => Pmovzxdq(Pmovzxwd(Pmovzxbw(b)));

    /// <summary>PTEST: ZF is set when DEST AND SRC is zero, CF when (NOT DEST) AND SRC is zero.
    /// Returns the EFLAGS bits ZF (0x40) and CF (0x1); AF, OF, PF and SF are cleared.</summary>
    public static uint Ptest(Xmm a, Xmm b)
    {
        uint flags = 0;
        if ((a & b) == Xmm.Zero)
        {
            flags |= SseEflags.ZF;
        }
        if ((~a & b) == Xmm.Zero)
        {
            flags |= SseEflags.CF;
        }
        return flags;
    }
}

/// <summary>The EFLAGS bits that SSE instructions write.</summary>
public static class SseEflags
{
    public const uint CF = 0x0001;
    public const uint PF = 0x0004;
    public const uint AF = 0x0010;
    public const uint ZF = 0x0040;
    public const uint SF = 0x0080;
    public const uint OF = 0x0800;

    /// <summary>The six arithmetic flags, all of which PTEST, COMIS*, UCOMIS*, PCMPxSTRx and POPCNT write.</summary>
    public const uint Arithmetic = CF | PF | AF | ZF | SF | OF;
}

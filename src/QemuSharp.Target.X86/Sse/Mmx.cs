using System.Runtime.Intrinsics;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Sse;

/// <summary>
/// The 64-bit MMX-register forms of SSE/SSSE3 integer instructions whose result is not simply the low
/// half of the 128-bit form applied to zero-extended operands (for all others, e.g. PADDSB mm,
/// PAVGB mm, PMINUB mm, PSADBW mm, PMULUDQ mm, PMOVMSKB r, mm, PUNPCKL* mm, PSIGN mm and the shifts,
/// the 128-bit operation on (value, 0) gives the MMX result in its low quadword). Switching the x87
/// unit into MMX mode is the caller's.
/// </summary>
public static class Mmx
{
    private static Xmm Widen(ulong value) => Vector128.CreateScalar(value).AsByte();

    private static ulong Low(Xmm value) => value.AsUInt64().ToScalar();

    /// <summary>Runs a 128-bit operation on the MMX values and keeps the low quadword.</summary>
    public static ulong ViaXmm(Func<Xmm, Xmm, Xmm> operation, ulong a, ulong b) => Low(operation(Widen(a), Widen(b)));

    /// <summary>PSHUFB mm: byte i is 0 if source byte i has bit 7 set, else DEST byte (source[i] &amp; 7).</summary>
    public static ulong Pshufb(ulong a, ulong b)
    {
        ulong r = 0;
        for (int i = 0; i < 8; i++)
        {
            ulong s = (b >> (8 * i)) & 0xFF;
            ulong v = (s & 0x80) != 0 ? 0 : (a >> (8 * (int)(s & 7))) & 0xFF;
            r |= v << (8 * i);
        }
        return r;
    }

    /// <summary>PALIGNR mm: the 16-byte value DEST:SRC shifted right by imm8 bytes, low 8 bytes kept.</summary>
    public static ulong Palignr(ulong a, ulong b, byte imm)
    {
        if (imm >= 16)
        {
            return 0;
        }
        UInt128 both = ((UInt128)a << 64) | b;
        return (ulong)(both >> (8 * imm));
    }

    /// <summary>PSHUFW mm: each word picked by two imm8 bits.</summary>
    public static ulong Pshufw(ulong b, byte imm) => Low(Shuffle.Pshuflw(Widen(b), imm));

    /// <summary>PHADD/PHSUB W/D/SW mm: the pairs of DEST then of SRC, as the 128-bit form does per half.</summary>
    public static ulong Horizontal(Func<Xmm, Xmm, Xmm> operation128, ulong a, ulong b)
        => Low(operation128(Vector128.Create(a, b).AsByte(), default));

    /// <summary>PACKSSWB/PACKUSWB/PACKSSDW mm: DEST's narrowed elements low, SRC's high.</summary>
    public static ulong Pack(Func<Xmm, Xmm, Xmm> operation128, ulong a, ulong b)
        => Low(operation128(Vector128.Create(a, b).AsByte(), default));

    /// <summary>PUNPCKHBW/WD/DQ mm: interleaves the high halves of DEST and SRC.</summary>
    public static ulong UnpackHigh(Func<Xmm, Xmm, Xmm> unpackLow128, ulong a, ulong b)
        => Low(unpackLow128(Widen(a >> 32), Widen(b >> 32)));
}

using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Sse;

/// <summary>
/// SSE2/SSSE3/SSE4.1 packed integer arithmetic. Operands are register values; the first operand is
/// the destination's old value (Intel's DEST), the second the source.
/// </summary>
public static class PackedInt
{
    public static Xmm Paddb(Xmm a, Xmm b) => a + b;
    public static Xmm Paddw(Xmm a, Xmm b) => (a.AsUInt16() + b.AsUInt16()).AsByte();
    public static Xmm Paddd(Xmm a, Xmm b) => (a.AsUInt32() + b.AsUInt32()).AsByte();
    public static Xmm Paddq(Xmm a, Xmm b) => (a.AsUInt64() + b.AsUInt64()).AsByte();
    public static Xmm Psubb(Xmm a, Xmm b) => a - b;
    public static Xmm Psubw(Xmm a, Xmm b) => (a.AsUInt16() - b.AsUInt16()).AsByte();
    public static Xmm Psubd(Xmm a, Xmm b) => (a.AsUInt32() - b.AsUInt32()).AsByte();
    public static Xmm Psubq(Xmm a, Xmm b) => (a.AsUInt64() - b.AsUInt64()).AsByte();

    public static Xmm Paddsb(Xmm a, Xmm b)
        => Sse2.IsSupported ? Sse2.AddSaturate(a.AsSByte(), b.AsSByte()).AsByte() : PackedIntSoftware.Paddsb(a, b);
    public static Xmm Paddsw(Xmm a, Xmm b)
        => Sse2.IsSupported ? Sse2.AddSaturate(a.AsInt16(), b.AsInt16()).AsByte() : PackedIntSoftware.Paddsw(a, b);
    public static Xmm Paddusb(Xmm a, Xmm b)
        => Sse2.IsSupported ? Sse2.AddSaturate(a, b) : PackedIntSoftware.Paddusb(a, b);
    public static Xmm Paddusw(Xmm a, Xmm b)
        => Sse2.IsSupported ? Sse2.AddSaturate(a.AsUInt16(), b.AsUInt16()).AsByte() : PackedIntSoftware.Paddusw(a, b);
    public static Xmm Psubsb(Xmm a, Xmm b)
        => Sse2.IsSupported ? Sse2.SubtractSaturate(a.AsSByte(), b.AsSByte()).AsByte() : PackedIntSoftware.Psubsb(a, b);
    public static Xmm Psubsw(Xmm a, Xmm b)
        => Sse2.IsSupported ? Sse2.SubtractSaturate(a.AsInt16(), b.AsInt16()).AsByte() : PackedIntSoftware.Psubsw(a, b);
    public static Xmm Psubusb(Xmm a, Xmm b)
        => Sse2.IsSupported ? Sse2.SubtractSaturate(a, b) : PackedIntSoftware.Psubusb(a, b);
    public static Xmm Psubusw(Xmm a, Xmm b)
        => Sse2.IsSupported ? Sse2.SubtractSaturate(a.AsUInt16(), b.AsUInt16()).AsByte() : PackedIntSoftware.Psubusw(a, b);

    public static Xmm Pmullw(Xmm a, Xmm b) => (a.AsUInt16() * b.AsUInt16()).AsByte();
    public static Xmm Pmulld(Xmm a, Xmm b) => (a.AsUInt32() * b.AsUInt32()).AsByte();
    public static Xmm Pmulhw(Xmm a, Xmm b)
        => Sse2.IsSupported ? Sse2.MultiplyHigh(a.AsInt16(), b.AsInt16()).AsByte() : PackedIntSoftware.Pmulhw(a, b);
    public static Xmm Pmulhuw(Xmm a, Xmm b)
        => Sse2.IsSupported ? Sse2.MultiplyHigh(a.AsUInt16(), b.AsUInt16()).AsByte() : PackedIntSoftware.Pmulhuw(a, b);
    public static Xmm Pmulhrsw(Xmm a, Xmm b)
        => Ssse3.IsSupported ? Ssse3.MultiplyHighRoundScale(a.AsInt16(), b.AsInt16()).AsByte() : PackedIntSoftware.Pmulhrsw(a, b);

    public static Xmm Pmuludq(Xmm a, Xmm b)
        => Sse2.IsSupported ? Sse2.Multiply(a.AsUInt32(), b.AsUInt32()).AsByte() : PackedIntSoftware.Pmuludq(a, b);

    public static Xmm Pmuldq(Xmm a, Xmm b)
        => Sse41.IsSupported ? Sse41.Multiply(a.AsInt32(), b.AsInt32()).AsByte() : PackedIntSoftware.Pmuldq(a, b);

    public static Xmm Pmaddwd(Xmm a, Xmm b)
        => Sse2.IsSupported ? Sse2.MultiplyAddAdjacent(a.AsInt16(), b.AsInt16()).AsByte() : PackedIntSoftware.Pmaddwd(a, b);

    /// <summary>PMADDUBSW: unsigned bytes of the destination times signed bytes of the source.</summary>
    public static Xmm Pmaddubsw(Xmm a, Xmm b)
        => Ssse3.IsSupported ? Ssse3.MultiplyAddAdjacent(a, b.AsSByte()).AsByte() : PackedIntSoftware.Pmaddubsw(a, b);

    public static Xmm Pavgb(Xmm a, Xmm b)
        => Sse2.IsSupported ? Sse2.Average(a, b) : PackedIntSoftware.Pavgb(a, b);
    public static Xmm Pavgw(Xmm a, Xmm b)
        => Sse2.IsSupported ? Sse2.Average(a.AsUInt16(), b.AsUInt16()).AsByte() : PackedIntSoftware.Pavgw(a, b);

    public static Xmm Pminsb(Xmm a, Xmm b) => Vector128.Min(a.AsSByte(), b.AsSByte()).AsByte();
    public static Xmm Pminsw(Xmm a, Xmm b) => Vector128.Min(a.AsInt16(), b.AsInt16()).AsByte();
    public static Xmm Pminsd(Xmm a, Xmm b) => Vector128.Min(a.AsInt32(), b.AsInt32()).AsByte();
    public static Xmm Pminub(Xmm a, Xmm b) => Vector128.Min(a, b);
    public static Xmm Pminuw(Xmm a, Xmm b) => Vector128.Min(a.AsUInt16(), b.AsUInt16()).AsByte();
    public static Xmm Pminud(Xmm a, Xmm b) => Vector128.Min(a.AsUInt32(), b.AsUInt32()).AsByte();
    public static Xmm Pmaxsb(Xmm a, Xmm b) => Vector128.Max(a.AsSByte(), b.AsSByte()).AsByte();
    public static Xmm Pmaxsw(Xmm a, Xmm b) => Vector128.Max(a.AsInt16(), b.AsInt16()).AsByte();
    public static Xmm Pmaxsd(Xmm a, Xmm b) => Vector128.Max(a.AsInt32(), b.AsInt32()).AsByte();
    public static Xmm Pmaxub(Xmm a, Xmm b) => Vector128.Max(a, b);
    public static Xmm Pmaxuw(Xmm a, Xmm b) => Vector128.Max(a.AsUInt16(), b.AsUInt16()).AsByte();
    public static Xmm Pmaxud(Xmm a, Xmm b) => Vector128.Max(a.AsUInt32(), b.AsUInt32()).AsByte();

    /// <summary>PABSB/W/D take only the source operand.</summary>
    public static Xmm Pabsb(Xmm b) => Vector128.Abs(b.AsSByte()).AsByte();
    public static Xmm Pabsw(Xmm b) => Vector128.Abs(b.AsInt16()).AsByte();
    public static Xmm Pabsd(Xmm b) => Vector128.Abs(b.AsInt32()).AsByte();

    public static Xmm Psignb(Xmm a, Xmm b)
        => Ssse3.IsSupported ? Ssse3.Sign(a.AsSByte(), b.AsSByte()).AsByte() : PackedIntSoftware.Psignb(a, b);
    public static Xmm Psignw(Xmm a, Xmm b)
        => Ssse3.IsSupported ? Ssse3.Sign(a.AsInt16(), b.AsInt16()).AsByte() : PackedIntSoftware.Psignw(a, b);
    public static Xmm Psignd(Xmm a, Xmm b)
        => Ssse3.IsSupported ? Ssse3.Sign(a.AsInt32(), b.AsInt32()).AsByte() : PackedIntSoftware.Psignd(a, b);

    public static Xmm Pcmpeqb(Xmm a, Xmm b) => Vector128.Equals(a, b);
    public static Xmm Pcmpeqw(Xmm a, Xmm b) => Vector128.Equals(a.AsUInt16(), b.AsUInt16()).AsByte();
    public static Xmm Pcmpeqd(Xmm a, Xmm b) => Vector128.Equals(a.AsUInt32(), b.AsUInt32()).AsByte();
    public static Xmm Pcmpeqq(Xmm a, Xmm b) => Vector128.Equals(a.AsUInt64(), b.AsUInt64()).AsByte();
    public static Xmm Pcmpgtb(Xmm a, Xmm b) => Vector128.GreaterThan(a.AsSByte(), b.AsSByte()).AsByte();
    public static Xmm Pcmpgtw(Xmm a, Xmm b) => Vector128.GreaterThan(a.AsInt16(), b.AsInt16()).AsByte();
    public static Xmm Pcmpgtd(Xmm a, Xmm b) => Vector128.GreaterThan(a.AsInt32(), b.AsInt32()).AsByte();
    public static Xmm Pcmpgtq(Xmm a, Xmm b) => Vector128.GreaterThan(a.AsInt64(), b.AsInt64()).AsByte();

    public static Xmm Pand(Xmm a, Xmm b) => a & b;
    public static Xmm Pandn(Xmm a, Xmm b) => ~a & b;
    public static Xmm Por(Xmm a, Xmm b) => a | b;
    public static Xmm Pxor(Xmm a, Xmm b) => a ^ b;

    /// <summary>PSADBW: per 64-bit half, the sum of absolute byte differences in the low word.</summary>
    public static Xmm Psadbw(Xmm a, Xmm b)
        => Sse2.IsSupported ? Sse2.SumAbsoluteDifferences(a, b).AsByte() : PackedIntSoftware.Psadbw(a, b);

    /// <summary>MPSADBW: imm8 bit 2 picks the destination block offset (0/4), bits 1:0 the source dword.</summary>
    public static Xmm Mpsadbw(Xmm a, Xmm b, byte imm)
    {
        int aOff = (imm & 4) != 0 ? 4 : 0;
        int bOff = (imm & 3) * 4;
        Xmm r = default;
        for (int j = 0; j < 8; j++)
        {
            int sum = 0;
            for (int i = 0; i < 4; i++)
            {
                sum += Math.Abs(Lanes.Get<byte>(a, aOff + j + i) - Lanes.Get<byte>(b, bOff + i));
            }
            Lanes.At<ushort>(ref r, j) = (ushort)sum;
        }
        return r;
    }

    /// <summary>PHMINPOSUW: the smallest unsigned word of the source in word 0, its index in word 1.</summary>
    public static Xmm Phminposuw(Xmm b)
        => Sse41.IsSupported ? Sse41.MinHorizontal(b.AsUInt16()).AsByte() : PackedIntSoftware.Phminposuw(b);

    public static Xmm Phaddw(Xmm a, Xmm b)
        => Ssse3.IsSupported ? Ssse3.HorizontalAdd(a.AsInt16(), b.AsInt16()).AsByte() : PackedIntSoftware.Phaddw(a, b);
    public static Xmm Phaddd(Xmm a, Xmm b)
        => Ssse3.IsSupported ? Ssse3.HorizontalAdd(a.AsInt32(), b.AsInt32()).AsByte() : PackedIntSoftware.Phaddd(a, b);
    public static Xmm Phaddsw(Xmm a, Xmm b)
        => Ssse3.IsSupported ? Ssse3.HorizontalAddSaturate(a.AsInt16(), b.AsInt16()).AsByte() : PackedIntSoftware.Phaddsw(a, b);
    public static Xmm Phsubw(Xmm a, Xmm b)
        => Ssse3.IsSupported ? Ssse3.HorizontalSubtract(a.AsInt16(), b.AsInt16()).AsByte() : PackedIntSoftware.Phsubw(a, b);
    public static Xmm Phsubd(Xmm a, Xmm b)
        => Ssse3.IsSupported ? Ssse3.HorizontalSubtract(a.AsInt32(), b.AsInt32()).AsByte() : PackedIntSoftware.Phsubd(a, b);
    public static Xmm Phsubsw(Xmm a, Xmm b)
        => Ssse3.IsSupported ? Ssse3.HorizontalSubtractSaturate(a.AsInt16(), b.AsInt16()).AsByte() : PackedIntSoftware.Phsubsw(a, b);
}

using System.Runtime.Intrinsics;
using V = System.Runtime.Intrinsics.Vector128<ulong>;

namespace QemuSharp.Target.X86.Exec;

/// <summary>
/// Integer lane operations of SSE2/SSSE3/SSE4.1 that are exact in any arithmetic: each is one
/// portable <see cref="Vector128"/> expression, which the JIT turns into the host's instruction.
/// </summary>
public static class SimdLaneOps
{
    public static V Xor(V a, V b) => a ^ b;
    public static V Or(V a, V b) => a | b;
    public static V And(V a, V b) => a & b;
    public static V AndNot(V a, V b) => ~a & b;

    public static V AddB(V a, V b) => (a.AsByte() + b.AsByte()).AsUInt64();
    public static V AddW(V a, V b) => (a.AsUInt16() + b.AsUInt16()).AsUInt64();
    public static V AddD(V a, V b) => (a.AsUInt32() + b.AsUInt32()).AsUInt64();
    public static V AddQ(V a, V b) => a + b;
    public static V SubB(V a, V b) => (a.AsByte() - b.AsByte()).AsUInt64();
    public static V SubW(V a, V b) => (a.AsUInt16() - b.AsUInt16()).AsUInt64();
    public static V SubD(V a, V b) => (a.AsUInt32() - b.AsUInt32()).AsUInt64();
    public static V SubQ(V a, V b) => a - b;

    public static V CmpEqB(V a, V b) => Vector128.Equals(a.AsByte(), b.AsByte()).AsUInt64();
    public static V CmpEqW(V a, V b) => Vector128.Equals(a.AsUInt16(), b.AsUInt16()).AsUInt64();
    public static V CmpEqD(V a, V b) => Vector128.Equals(a.AsUInt32(), b.AsUInt32()).AsUInt64();
    public static V CmpEqQ(V a, V b) => Vector128.Equals(a, b);
    public static V CmpGtB(V a, V b) => Vector128.GreaterThan(a.AsSByte(), b.AsSByte()).AsUInt64();
    public static V CmpGtW(V a, V b) => Vector128.GreaterThan(a.AsInt16(), b.AsInt16()).AsUInt64();
    public static V CmpGtD(V a, V b) => Vector128.GreaterThan(a.AsInt32(), b.AsInt32()).AsUInt64();
    public static V CmpGtQ(V a, V b) => Vector128.GreaterThan(a.AsInt64(), b.AsInt64()).AsUInt64();

    public static V MinUB(V a, V b) => Vector128.Min(a.AsByte(), b.AsByte()).AsUInt64();
    public static V MaxUB(V a, V b) => Vector128.Max(a.AsByte(), b.AsByte()).AsUInt64();
    public static V MinSW(V a, V b) => Vector128.Min(a.AsInt16(), b.AsInt16()).AsUInt64();
    public static V MaxSW(V a, V b) => Vector128.Max(a.AsInt16(), b.AsInt16()).AsUInt64();
    public static V MinSB(V a, V b) => Vector128.Min(a.AsSByte(), b.AsSByte()).AsUInt64();
    public static V MaxSB(V a, V b) => Vector128.Max(a.AsSByte(), b.AsSByte()).AsUInt64();
    public static V MinUW(V a, V b) => Vector128.Min(a.AsUInt16(), b.AsUInt16()).AsUInt64();
    public static V MaxUW(V a, V b) => Vector128.Max(a.AsUInt16(), b.AsUInt16()).AsUInt64();
    public static V MinSD(V a, V b) => Vector128.Min(a.AsInt32(), b.AsInt32()).AsUInt64();
    public static V MaxSD(V a, V b) => Vector128.Max(a.AsInt32(), b.AsInt32()).AsUInt64();
    public static V MinUD(V a, V b) => Vector128.Min(a.AsUInt32(), b.AsUInt32()).AsUInt64();
    public static V MaxUD(V a, V b) => Vector128.Max(a.AsUInt32(), b.AsUInt32()).AsUInt64();

    public static V UnpackLowB(V a, V b) => Interleave(a.AsByte(), b.AsByte(), 0).AsUInt64();
    public static V UnpackHighB(V a, V b) => Interleave(a.AsByte(), b.AsByte(), 8).AsUInt64();
    public static V UnpackLowW(V a, V b) => Interleave(a.AsUInt16(), b.AsUInt16(), 0).AsUInt64();
    public static V UnpackHighW(V a, V b) => Interleave(a.AsUInt16(), b.AsUInt16(), 4).AsUInt64();
    public static V UnpackLowD(V a, V b) => Interleave(a.AsUInt32(), b.AsUInt32(), 0).AsUInt64();
    public static V UnpackHighD(V a, V b) => Interleave(a.AsUInt32(), b.AsUInt32(), 2).AsUInt64();
    public static V UnpackLowQ(V a, V b) => Vector128.Create(a.GetElement(0), b.GetElement(0));
    public static V UnpackHighQ(V a, V b) => Vector128.Create(a.GetElement(1), b.GetElement(1));

    private static Vector128<T> Interleave<T>(Vector128<T> a, Vector128<T> b, int start) where T : unmanaged
    {
        int n = Vector128<T>.Count;
        Span<T> r = stackalloc T[n];
        for (int i = 0; i < n / 2; i++)
        {
            r[2 * i] = a.GetElement(start + i);
            r[2 * i + 1] = b.GetElement(start + i);
        }
        return Vector128.Create<T>(r);
    }

    public static V ShuffleD(V _, V s, byte imm)
    {
        var d = s.AsUInt32();
        return Vector128.Create(d.GetElement(imm & 3), d.GetElement((imm >> 2) & 3), d.GetElement((imm >> 4) & 3), d.GetElement((imm >> 6) & 3)).AsUInt64();
    }

    public static V ShuffleLowW(V _, V s, byte imm)
    {
        var w = s.AsUInt16();
        return Vector128.Create(w.GetElement(imm & 3), w.GetElement((imm >> 2) & 3), w.GetElement((imm >> 4) & 3), w.GetElement((imm >> 6) & 3),
            w.GetElement(4), w.GetElement(5), w.GetElement(6), w.GetElement(7)).AsUInt64();
    }

    public static V ShuffleHighW(V _, V s, byte imm)
    {
        var w = s.AsUInt16();
        return Vector128.Create(w.GetElement(0), w.GetElement(1), w.GetElement(2), w.GetElement(3),
            w.GetElement(4 + (imm & 3)), w.GetElement(4 + ((imm >> 2) & 3)), w.GetElement(4 + ((imm >> 4) & 3)), w.GetElement(4 + ((imm >> 6) & 3))).AsUInt64();
    }

    public static V ShiftRightBytes(V a, byte n) => n >= 16 ? V.Zero : ShiftBytes(a, n);
    public static V ShiftLeftBytes(V a, byte n) => n >= 16 ? V.Zero : ShiftBytes(a, -n);

    private static V ShiftBytes(V a, int n)
    {
        var b = a.AsByte();
        Span<byte> r = stackalloc byte[16];
        for (int i = 0; i < 16; i++)
        {
            int s = i + n;
            r[i] = s is >= 0 and < 16 ? b.GetElement(s) : (byte)0;
        }
        return Vector128.Create<byte>(r).AsUInt64();
    }

    public static V ShiftLeftW(V a, byte n) => n > 15 ? V.Zero : (a.AsUInt16() << n).AsUInt64();
    public static V ShiftLeftD(V a, byte n) => n > 31 ? V.Zero : (a.AsUInt32() << n).AsUInt64();
    public static V ShiftLeftQ(V a, byte n) => n > 63 ? V.Zero : a << n;
    public static V ShiftRightW(V a, byte n) => n > 15 ? V.Zero : (a.AsUInt16() >>> n).AsUInt64();
    public static V ShiftRightD(V a, byte n) => n > 31 ? V.Zero : (a.AsUInt32() >>> n).AsUInt64();
    public static V ShiftRightQ(V a, byte n) => n > 63 ? V.Zero : a >>> n;
    public static V ShiftRightArithW(V a, byte n) => (a.AsInt16() >> Math.Min((int)n, 15)).AsUInt64();
    public static V ShiftRightArithD(V a, byte n) => (a.AsInt32() >> Math.Min((int)n, 31)).AsUInt64();

    public static uint MoveMaskB(V a) => Vector128.ExtractMostSignificantBits(a.AsByte());
    public static uint MoveMaskPs(V a) => Vector128.ExtractMostSignificantBits(a.AsUInt32());
    public static uint MoveMaskPd(V a) => Vector128.ExtractMostSignificantBits(a);

    public static V ShuffleBytes(V a, V b)
    {
        var x = a.AsByte();
        var m = b.AsByte();
        Span<byte> r = stackalloc byte[16];
        for (int i = 0; i < 16; i++)
        {
            byte sel = m.GetElement(i);
            r[i] = (sel & 0x80) != 0 ? (byte)0 : x.GetElement(sel & 15);
        }
        return Vector128.Create<byte>(r).AsUInt64();
    }

    public static V AlignRight(V a, V b, byte n)
    {
        Span<byte> cat = stackalloc byte[48];
        b.AsByte().CopyTo(cat);
        a.AsByte().CopyTo(cat[16..]);
        return n >= 32 ? V.Zero : Vector128.Create<byte>(cat.Slice(n, 16)).AsUInt64();
    }

    public static V UnpackLowPs(V a, V b) => UnpackLowD(a, b);
    public static V UnpackHighPs(V a, V b) => UnpackHighD(a, b);

    public static V ShufflePs(V a, V b, byte imm)
    {
        var x = a.AsUInt32();
        var y = b.AsUInt32();
        return Vector128.Create(x.GetElement(imm & 3), x.GetElement((imm >> 2) & 3), y.GetElement((imm >> 4) & 3), y.GetElement((imm >> 6) & 3)).AsUInt64();
    }

    public static V ShufflePd(V a, V b, byte imm) => Vector128.Create(a.GetElement(imm & 1), b.GetElement((imm >> 1) & 1));

    public static ulong ExtractW(V a, byte imm) => a.AsUInt16().GetElement(imm & 7);
}

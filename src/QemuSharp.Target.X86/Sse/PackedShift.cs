using System.Runtime.Intrinsics;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Sse;

/// <summary>
/// PSLL/PSRL/PSRA by a count. The count is the immediate, or the low 64 bits of the source register;
/// counts past the element width clear the element (logical) or fill it with its sign (arithmetic).
/// </summary>
public static class PackedShift
{
    public static Xmm Psllw(Xmm a, ulong count) => count > 15 ? default : Vector128.ShiftLeft(a.AsUInt16(), (int)count).AsByte();
    public static Xmm Pslld(Xmm a, ulong count) => count > 31 ? default : Vector128.ShiftLeft(a.AsUInt32(), (int)count).AsByte();
    public static Xmm Psllq(Xmm a, ulong count) => count > 63 ? default : Vector128.ShiftLeft(a.AsUInt64(), (int)count).AsByte();
    public static Xmm Psrlw(Xmm a, ulong count) => count > 15 ? default : Vector128.ShiftRightLogical(a.AsUInt16(), (int)count).AsByte();
    public static Xmm Psrld(Xmm a, ulong count) => count > 31 ? default : Vector128.ShiftRightLogical(a.AsUInt32(), (int)count).AsByte();
    public static Xmm Psrlq(Xmm a, ulong count) => count > 63 ? default : Vector128.ShiftRightLogical(a.AsUInt64(), (int)count).AsByte();
    public static Xmm Psraw(Xmm a, ulong count) => Vector128.ShiftRightArithmetic(a.AsInt16(), (int)Math.Min(count, 15)).AsByte();
    public static Xmm Psrad(Xmm a, ulong count) => Vector128.ShiftRightArithmetic(a.AsInt32(), (int)Math.Min(count, 31)).AsByte();

    /// <summary>The count operand of the register forms: the source's low quadword.</summary>
    public static ulong CountOf(Xmm source) => source.AsUInt64().ToScalar();

    /// <summary>PSLLDQ: shifts the whole register left by imm8 bytes (16 or more clears it).</summary>
    public static Xmm Pslldq(Xmm a, byte imm)
    {
        Xmm r = default;
        for (int i = imm; i < 16; i++)
        {
            Lanes.At<byte>(ref r, i) = Lanes.Get<byte>(a, i - imm);
        }
        return r;
    }

    /// <summary>PSRLDQ: shifts the whole register right by imm8 bytes (16 or more clears it).</summary>
    public static Xmm Psrldq(Xmm a, byte imm)
    {
        Xmm r = default;
        for (int i = 0; i + imm < 16; i++)
        {
            Lanes.At<byte>(ref r, i) = Lanes.Get<byte>(a, i + imm);
        }
        return r;
    }

    /// <summary>PALIGNR: the 32-byte value DEST:SRC shifted right by imm8 bytes, low 16 bytes kept.</summary>
    public static Xmm Palignr(Xmm a, Xmm b, byte imm)
    {
        Xmm r = default;
        for (int i = 0; i < 16; i++)
        {
            int k = i + imm;
            Lanes.At<byte>(ref r, i) = k < 16 ? Lanes.Get<byte>(b, k) : k < 32 ? Lanes.Get<byte>(a, k - 16) : (byte)0;
        }
        return r;
    }
}

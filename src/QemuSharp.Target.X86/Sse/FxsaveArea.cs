using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Sse;

/// <summary>
/// The SSE part of the 512-byte FXSAVE/FXRSTOR area (64-bit layout): MXCSR at byte 24, MXCSR_MASK at
/// 28, XMM0-XMM15 at 160 + 16*n. The x87 fields belong to the FPU and are not touched here.
/// </summary>
public static class FxsaveArea
{
    public const int Size = 512;
    public const int MxcsrOffset = 24;
    public const int MxcsrMaskOffset = 28;
    public const int XmmOffset = 160;

    /// <summary>Stores MXCSR, MXCSR_MASK and the given XMM registers (8 outside 64-bit mode, else 16).</summary>
    public static void Save(Span<byte> area, uint mxcsr, ReadOnlySpan<Xmm> xmm)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(area[MxcsrOffset..], mxcsr);
        BinaryPrimitives.WriteUInt32LittleEndian(area[MxcsrMaskOffset..], Mxcsr.WritableMask);
        MemoryMarshal.AsBytes(xmm).CopyTo(area[XmmOffset..]);
    }

    /// <summary>
    /// Loads the XMM registers and MXCSR. False, with nothing changed, when the stored MXCSR sets a
    /// reserved bit: FXRSTOR then raises #GP(0).
    /// </summary>
    public static bool Restore(ReadOnlySpan<byte> area, ref uint mxcsr, Span<Xmm> xmm)
    {
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(area[MxcsrOffset..]);
        if (!Mxcsr.IsValid(stored))
        {
            return false;
        }
        area.Slice(XmmOffset, xmm.Length * 16).CopyTo(MemoryMarshal.AsBytes(xmm));
        mxcsr = stored;
        return true;
    }
}

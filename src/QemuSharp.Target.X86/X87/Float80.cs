using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace QemuSharp.Target.X86.X87;

/// <summary>
/// An x87 80-bit extended-precision value exactly as the hardware stores it: a sign bit, a
/// 15-bit biased exponent (bias 16383) and a 64-bit significand whose bit 63 is the explicit
/// integer bit. Every encoding is representable, including the ones the FPU rejects.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
public readonly partial struct Float80 : IEquatable<Float80>
{
    public const int Bias = 16383;
    public const int MaxExponent = 0x7FFF;
    public const ulong IntegerBit = 1UL << 63;
    public const ulong QuietBit = 1UL << 62;

    /// <summary>The 64-bit significand, integer bit included.</summary>
    public readonly ulong Significand;

    /// <summary>Sign in bit 15, biased exponent in bits 0-14.</summary>
    public readonly ushort SignExponent;

    public Float80(ulong significand, ushort signExponent)
    {
        Significand = significand;
        SignExponent = signExponent;
    }

    public Float80(bool negative, int biasedExponent, ulong significand)
    {
        Significand = significand;
        SignExponent = (ushort)((negative ? 0x8000 : 0) | (biasedExponent & MaxExponent));
    }

    public static Float80 Zero => default;
    public static Float80 NegativeZero => new(0, 0x8000);
    public static Float80 One => new(IntegerBit, Bias);
    public static Float80 Infinity => new(IntegerBit, MaxExponent);
    public static Float80 NegativeInfinity => new(IntegerBit, 0x8000 | MaxExponent);

    /// <summary>The real indefinite: the QNaN that masked invalid operations produce.</summary>
    public static Float80 Indefinite => new(0xC000_0000_0000_0000, 0xFFFF);

    public bool IsNegative => (SignExponent & 0x8000) != 0;
    public int Exponent => SignExponent & MaxExponent;
    public Float80 Negate() => new(Significand, (ushort)(SignExponent ^ 0x8000));
    public Float80 Abs() => new(Significand, (ushort)(SignExponent & MaxExponent));
    public Float80 WithSign(bool negative) =>
        new(Significand, (ushort)((SignExponent & MaxExponent) | (negative ? 0x8000 : 0)));

    public bool IsZero => Exponent == 0 && Significand == 0;

    /// <summary>Exponent 0 and a non-zero significand: a denormal or pseudo-denormal.</summary>
    public bool IsDenormal => Exponent == 0 && Significand != 0;

    /// <summary>Exponent 0 with the integer bit set, which the FPU reads as exponent 1.</summary>
    public bool IsPseudoDenormal => Exponent == 0 && (Significand & IntegerBit) != 0;

    /// <summary>
    /// Encodings that the 387 and later reject with an invalid-operation exception: unnormals,
    /// pseudo-infinities and pseudo-NaNs (non-zero exponent, integer bit clear).
    /// </summary>
    public bool IsUnsupported => Exponent != 0 && (Significand & IntegerBit) == 0;

    public bool IsInfinity => Exponent == MaxExponent && Significand == IntegerBit;
    public bool IsNaN => Exponent == MaxExponent && (Significand & IntegerBit) != 0 && (Significand << 1) != 0;
    public bool IsSignalingNaN => IsNaN && (Significand & QuietBit) == 0;
    public bool IsQuietNaN => IsNaN && (Significand & QuietBit) != 0;

    /// <summary>NaN, infinity or unsupported: anything that is not a finite number.</summary>
    public bool IsSpecial => Exponent == MaxExponent || IsUnsupported;

    /// <summary>The x87 FXAM class codes (C3, C2, C0) packed as C3&lt;&lt;2 | C2&lt;&lt;1 | C0.</summary>
    public int Classify()
    {
        if (IsUnsupported)
        {
            return 0b000;
        }
        if (Exponent == MaxExponent)
        {
            return Significand == IntegerBit ? 0b011 : 0b001;
        }
        if (Exponent == 0)
        {
            return Significand == 0 ? 0b100 : 0b110;
        }
        return 0b010;
    }

    public static Float80 Read(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]));

    public void Write(Span<byte> bytes)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, Significand);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[8..], SignExponent);
    }

    public bool Equals(Float80 other) => Significand == other.Significand && SignExponent == other.SignExponent;
    public override bool Equals(object? obj) => obj is Float80 other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(Significand, SignExponent);
    public static bool operator ==(Float80 a, Float80 b) => a.Equals(b);
    public static bool operator !=(Float80 a, Float80 b) => !a.Equals(b);

    public override string ToString() => $"{SignExponent:X4}:{Significand:X16}";
}

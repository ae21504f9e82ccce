using QemuSharp.Target.X86.X87;

namespace QemuSharp.Target.X86.Tests.X87;

/// <summary>Seeded random cases weighted towards the encodings and boundaries where FPUs differ.</summary>
internal sealed class OracleCaseGenerator(int seed)
{
    private readonly Random _random = new(seed);

    public OracleCase Next(OracleOp op)
    {
        Float80 a = Value(op);
        Float80 b = _random.Next(2) == 0 ? Near(a) : Value(op);
        if (op is OracleOp.Fprem or OracleOp.Fprem1 && _random.Next(3) == 0)
        {
            a = new Float80(a.Significand | Float80.IntegerBit, (ushort)(b.SignExponent + _random.Next(-4, 200)));
        }
        if (op is OracleOp.Fbld)
        {
            b = RandomBcd();
        }
        if (op is OracleOp.FildM16 or OracleOp.FildM32 or OracleOp.FildM64 && _random.Next(2) == 0)
        {
            b = new Float80((ulong)_random.NextInt64(), (ushort)_random.Next(0x10000));
        }
        return new OracleCase(op, Setup(), ControlWord(), a, b);
    }

    private byte Setup() => _random.Next(20) switch
    {
        0 => 1,
        1 => 2,
        2 => 3,
        _ => 0,
    };

    private ushort ControlWord()
    {
        int masks = _random.Next(4) == 0 ? _random.Next(64) : 0x3F;
        return (ushort)(0x0040 | masks | (_random.Next(4) << 8) | (_random.Next(4) << 10));
    }

    private Float80 Value(OracleOp op)
    {
        bool negative = _random.Next(2) == 0;
        ulong sig = (ulong)_random.NextInt64() | ((ulong)_random.Next(2) << 63);
        ulong normal = sig | Float80.IntegerBit;
        int kind = _random.Next(24);
        return kind switch
        {
            0 => new Float80(negative, 0, 0),
            1 => new Float80(negative, 0, sig & ~Float80.IntegerBit >> _random.Next(64)),
            2 => new Float80(negative, 0, normal),
            3 => new Float80(negative, Float80.MaxExponent, Float80.IntegerBit),
            4 => new Float80(negative, Float80.MaxExponent, normal | Float80.QuietBit),
            5 => new Float80(negative, Float80.MaxExponent, (normal & ~Float80.QuietBit) | 1),
            6 => new Float80(negative, _random.Next(1, Float80.MaxExponent), sig & ~Float80.IntegerBit),
            7 => new Float80(negative, Float80.MaxExponent, sig & ~Float80.IntegerBit),
            8 => new Float80(negative, _random.Next(1, 70), normal),
            9 => new Float80(negative, _random.Next(0x7FFE - 70, 0x7FFF), normal),
            10 => new Float80(negative, Float80.Bias + _random.Next(0, 66), Rounded(normal)),
            11 => Float80.FromInt64(_random.Next(-64, 64)).Abs().WithSign(negative),
            12 => new Float80(negative, Float80.Bias + _random.Next(-1, 66), normal),
            13 => new Float80(negative, Float80.Bias - 126 - _random.Next(-2, 3), normal),
            14 => new Float80(negative, Float80.Bias - 1022 - _random.Next(-2, 54), normal),
            15 => new Float80(negative, Float80.Bias + 127 + _random.Next(-1, 2), normal),
            16 => new Float80(negative, Float80.Bias + 1023 + _random.Next(-1, 2), normal),
            _ => Typical(op, negative, normal),
        };
    }

    private Float80 Typical(OracleOp op, bool negative, ulong normal) => op switch
    {
        OracleOp.F2xm1 => new Float80(negative, Float80.Bias - _random.Next(0, 70), normal),
        OracleOp.Fyl2xp1 => new Float80(negative, Float80.Bias - 2 - _random.Next(0, 70), normal),
        OracleOp.Fsin or OracleOp.Fcos or OracleOp.Fsincos or OracleOp.Fptan =>
            new Float80(negative, Float80.Bias + _random.Next(-40, 66), normal),
        _ => new Float80(negative, Float80.Bias + _random.Next(-100, 100), normal),
    };

    /// <summary>A significand whose low bits sit exactly at a rounding boundary.</summary>
    private ulong Rounded(ulong sig)
    {
        int cut = _random.Next(1, 64);
        ulong mask = (1UL << cut) - 1;
        return (sig & ~mask) | (_random.Next(3) switch { 0 => 0, 1 => 1UL << (cut - 1), _ => mask });
    }

    private Float80 Near(Float80 a)
    {
        int exponent = Math.Clamp(a.Exponent + _random.Next(-70, 71), 0, Float80.MaxExponent);
        ulong sig = _random.Next(3) == 0 ? a.Significand ^ (1UL << _random.Next(64)) : (ulong)_random.NextInt64();
        if (exponent != 0)
        {
            sig |= Float80.IntegerBit;
        }
        return new Float80(_random.Next(2) == 0, exponent, sig);
    }

    private Float80 RandomBcd()
    {
        Span<byte> bytes = stackalloc byte[10];
        for (int i = 0; i < 9; i++)
        {
            bytes[i] = (byte)(_random.Next(10) << 4 | _random.Next(10));
        }
        bytes[9] = (byte)(_random.Next(2) << 7);
        return Float80.Read(bytes);
    }
}

using System.Runtime.Intrinsics;
using QemuSharp.Target.X86.Sse;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Tests.Sse;

/// <summary>What kind of values an instruction's inputs should be drawn from.</summary>
internal enum InputKind
{
    Integer,
    Text,
    Single,
    Double,
}

/// <summary>Seeded random register values biased towards the edges where implementations go wrong.</summary>
internal sealed class InputGenerator(int seed)
{
    private readonly Random _random = new(seed);

    public MachineState Next(InputKind kind)
    {
        var s = new MachineState
        {
            X0 = Register(kind),
            X1 = Register(kind),
            X2 = Register(kind),
            Mxcsr = kind is InputKind.Single or InputKind.Double ? FloatMxcsr() : Mxcsr.Default,
            Rflags = 0x202 | ArithmeticFlags(),
            Rax = Scalar(kind),
            Rcx = Scalar(kind),
            Rdx = Scalar(kind),
        };
        if (kind is InputKind.Single or InputKind.Double && _random.Next(4) == 0)
        {
            s.X2 = Relate(s.X1, kind == InputKind.Double);
        }
        return s;
    }

    private ulong ArithmeticFlags()
    {
        ulong flags = 0;
        foreach (uint flag in (ReadOnlySpan<uint>)[SseEflags.CF, SseEflags.PF, SseEflags.AF, SseEflags.ZF, SseEflags.SF, SseEflags.OF])
        {
            flags |= _random.Next(2) == 0 ? flag : 0;
        }
        return flags;
    }

    private uint FloatMxcsr()
    {
        uint m = (uint)_random.Next(4) << Mxcsr.RoundingShift;
        m |= _random.Next(2) == 0 ? Mxcsr.DenormalsAreZeros : 0;
        m |= _random.Next(2) == 0 ? Mxcsr.FlushToZero : 0;
        m |= _random.Next(4) != 0 ? Mxcsr.MaskBits : (uint)_random.Next(64) << (int)Mxcsr.MaskShift;
        m |= _random.Next(3) == 0 ? (uint)_random.Next(64) : 0;
        return m;
    }

    private Xmm Register(InputKind kind)
    {
        Xmm v = default;
        switch (kind)
        {
            case InputKind.Single:
                for (int i = 0; i < 4; i++)
                {
                    v = v.AsUInt32().WithElement(i, (uint)Float(FloatFormat.Single)).AsByte();
                }
                break;
            case InputKind.Double:
                for (int i = 0; i < 2; i++)
                {
                    v = v.AsUInt64().WithElement(i, Float(FloatFormat.Double)).AsByte();
                }
                break;
            case InputKind.Text when _random.Next(2) == 0:
                for (int i = 0; i < 8; i++)
                {
                    int r = _random.Next(10);
                    ushort w = r == 0 ? (ushort)0 : r < 8 ? (ushort)(0x61 + _random.Next(4) + (_random.Next(4) == 0 ? 0x8000 : 0)) : (ushort)_random.Next(65536);
                    v = v.AsUInt16().WithElement(i, w).AsByte();
                }
                break;
            case InputKind.Text:
                for (int i = 0; i < 16; i++)
                {
                    int r = _random.Next(10);
                    byte b = r == 0 ? (byte)0 : r < 8 ? (byte)('a' + _random.Next(4) + (_random.Next(8) == 0 ? 0x80 : 0)) : (byte)_random.Next(256);
                    v = v.WithElement(i, b);
                }
                break;
            default:
                for (int i = 0; i < 16; i++)
                {
                    int r = _random.Next(8);
                    byte b = r switch
                    {
                        0 => 0,
                        1 => 0xFF,
                        2 => 0x80,
                        3 => 0x7F,
                        4 => (byte)_random.Next(4),
                        _ => (byte)_random.Next(256),
                    };
                    v = v.WithElement(i, b);
                }
                break;
        }
        return v;
    }

    private ulong Scalar(InputKind kind)
    {
        int r = _random.Next(10);
        if (kind == InputKind.Text)
        {
            long length = r < 7 ? _random.Next(-20, 21) : r < 9 ? (long)_random.NextInt64() : long.MinValue + _random.Next(2);
            return (ulong)length;
        }
        return r switch
        {
            0 => 0,
            1 => ulong.MaxValue,
            2 => 0x8000_0000UL,
            3 => 0x8000_0000_0000_0000UL,
            4 => (ulong)_random.Next(-100, 100),
            5 => 1UL << _random.Next(64),
            _ => (ulong)_random.NextInt64() ^ ((ulong)_random.Next() << 40),
        };
    }

    private ulong Float(FloatFormat f)
    {
        ulong sign = _random.Next(2) == 0 ? 0 : f.SignBit;
        ulong frac = (ulong)_random.NextInt64() & f.FracMask;
        int max = f.MaxExp;
        ulong exp = _random.Next(16) switch
        {
            0 => 0,
            1 => (ulong)max,
            2 => (ulong)_random.Next(1, 4),
            3 => (ulong)(max - 1 - _random.Next(3)),
            4 or 5 => (ulong)(f.Bias + _random.Next(-3, 4)),
            6 => (ulong)(f.Bias + _random.Next(20, 66)),
            7 => (ulong)(f.Bias - f.FracBits + _random.Next(-2, 3)),
            _ => (ulong)_random.Next(1, max),
        };
        switch (_random.Next(12))
        {
            case 0:
                frac = 0;
                break;
            case 1:
                frac &= ~((1UL << _random.Next(f.FracBits)) - 1);
                break;
            case 2:
                frac = f.FracMask - (ulong)_random.Next(3);
                break;
        }
        if (exp == (ulong)max && frac != 0 && _random.Next(2) == 0)
        {
            frac &= ~f.QuietBit;
            frac |= frac == 0 ? 1UL : 0;
        }
        return sign | (exp << f.FracBits) | frac;
    }

    /// <summary>A second operand close to the first, so that sums cancel, ties occur and compares are equal.</summary>
    private Xmm Relate(Xmm a, bool isDouble)
    {
        Xmm v = a;
        int n = isDouble ? 2 : 4;
        for (int i = 0; i < n; i++)
        {
            ulong x = isDouble ? a.AsUInt64().GetElement(i) : a.AsUInt32().GetElement(i);
            ulong signBit = isDouble ? 1UL << 63 : 1UL << 31;
            x = _random.Next(4) switch
            {
                0 => x,
                1 => x ^ signBit,
                2 => (x ^ signBit) + (ulong)_random.Next(-2, 3),
                _ => x ^ (ulong)_random.Next(1 << 12),
            };
            v = isDouble ? v.AsUInt64().WithElement(i, x).AsByte() : v.AsUInt32().WithElement(i, (uint)x).AsByte();
        }
        return v;
    }
}

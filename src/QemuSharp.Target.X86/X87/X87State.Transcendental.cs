namespace QemuSharp.Target.X86.X87;

/// <summary>The one-operand instructions on ST(0).</summary>
public enum X87UnaryOp
{
    SquareRoot,
    RoundToInteger,
    Exp2Minus1,
    Sine,
    Cosine,
}

/// <summary>The two-operand instructions that combine ST(0) and ST(1).</summary>
public enum X87BinaryOp
{
    /// <summary>FPREM: ST(0) = partial remainder of ST(0) / ST(1).</summary>
    PartialRemainder,
    /// <summary>FPREM1.</summary>
    IeeeRemainder,
    /// <summary>FSCALE: ST(0) = ST(0) * 2^trunc(ST(1)).</summary>
    Scale,
    /// <summary>FPATAN: ST(1) = atan(ST(1) / ST(0)), then pop.</summary>
    ArcTangent,
    /// <summary>FYL2X: ST(1) = ST(1) * log2(ST(0)), then pop.</summary>
    YLog2X,
    /// <summary>FYL2XP1: ST(1) = ST(1) * log2(ST(0) + 1), then pop.</summary>
    YLog2XPlus1,
}

/// <summary>The constants of FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2 and FLDZ.</summary>
public enum X87Constant
{
    One,
    Log2Ten,
    Log2E,
    Pi,
    Log10Two,
    LnTwo,
    Zero,
}

/// <summary>FSQRT, FRNDINT, the transcendentals, FXTRACT and the constant loads.</summary>
public sealed partial class X87State
{
    public void Unary(X87UnaryOp op)
    {
        X87Flags flags = X87Flags.None;
        if (IsEmpty(0))
        {
            Float80 indefinite = Underflow(ref flags);
            if (Commit(flags))
            {
                SetST(0, indefinite);
            }
            return;
        }
        Float80 x = ST(0);
        ushort cw = ControlWord;
        bool complete = true;
        Float80 result = op switch
        {
            X87UnaryOp.SquareRoot => Float80.Sqrt(x, cw, ref flags),
            X87UnaryOp.RoundToInteger => Float80.RoundToInteger(x, cw, ref flags),
            X87UnaryOp.Exp2Minus1 => X87Math.Exp2Minus1(x, cw, ref flags),
            X87UnaryOp.Sine => (complete = X87Math.TrySin(x, cw, ref flags, out Float80 s)) ? s : x,
            _ => (complete = X87Math.TryCos(x, cw, ref flags, out Float80 c)) ? c : x,
        };
        if (Commit(flags))
        {
            SetST(0, result);
            if (op is X87UnaryOp.Sine or X87UnaryOp.Cosine)
            {
                SetC2(!complete);
            }
        }
    }

    public void Binary(X87BinaryOp op)
    {
        X87Flags flags = X87Flags.None;
        bool pops = op is X87BinaryOp.ArcTangent or X87BinaryOp.YLog2X or X87BinaryOp.YLog2XPlus1;
        int destination = pops ? 1 : 0;
        if (IsEmpty(0) || IsEmpty(1))
        {
            Float80 indefinite = Underflow(ref flags);
            if (Commit(flags))
            {
                SetST(destination, indefinite);
                if (pops)
                {
                    Pop();
                }
            }
            return;
        }
        Float80 st0 = ST(0);
        Float80 st1 = ST(1);
        ushort cw = ControlWord;
        ushort codes = 0;
        Float80 result = op switch
        {
            X87BinaryOp.PartialRemainder => X87Math.PartialRemainder(st0, st1, false, cw, ref flags, out codes),
            X87BinaryOp.IeeeRemainder => X87Math.PartialRemainder(st0, st1, true, cw, ref flags, out codes),
            X87BinaryOp.Scale => X87Math.Scale(st0, st1, cw, ref flags),
            X87BinaryOp.ArcTangent => X87Math.Atan2(st1, st0, cw, ref flags),
            X87BinaryOp.YLog2X => X87Math.YLog2X(st1, st0, cw, ref flags),
            _ => X87Math.YLog2XPlus1(st1, st0, cw, ref flags),
        };
        if (!Commit(flags))
        {
            return;
        }
        SetST(destination, result);
        if (pops)
        {
            Pop();
        }
        if (op is X87BinaryOp.PartialRemainder or X87BinaryOp.IeeeRemainder)
        {
            SetConditionCodes(codes);
        }
    }

    /// <summary>FSINCOS: ST(0) = sin, then push cos.</summary>
    public void SineCosine() => TwoResults(TwoResultOp.SineCosine);

    /// <summary>FPTAN: ST(0) = tan, then push 1.0.</summary>
    public void PartialTangent() => TwoResults(TwoResultOp.Tangent);

    /// <summary>FXTRACT: ST(0) = exponent, then push the significand.</summary>
    public void Extract() => TwoResults(TwoResultOp.Extract);

    private enum TwoResultOp
    {
        SineCosine,
        Tangent,
        Extract,
    }

    private void TwoResults(TwoResultOp op)
    {
        X87Flags flags = X87Flags.None;
        if (IsEmpty(0) || !IsEmpty(7))
        {
            flags = IsEmpty(0) ? StackUnderflow : StackOverflow;
            if (Commit(flags))
            {
                SetST(0, Float80.Indefinite);
                Top = (Top - 1) & 7;
                SetST(0, Float80.Indefinite);
            }
            return;
        }
        Float80 x = ST(0);
        ushort cw = ControlWord;
        bool complete = true;
        Float80 bottom;
        Float80 top;
        switch (op)
        {
            case TwoResultOp.SineCosine:
                complete = X87Math.TrySinCos(x, cw, ref flags, out bottom, out top);
                break;
            case TwoResultOp.Tangent:
                complete = X87Math.TryTan(x, cw, ref flags, out bottom);
                top = x.IsNaN || x.IsSpecial ? bottom : Float80.One;
                break;
            default:
                top = X87Math.Extract(x, ref flags, out bottom);
                break;
        }
        if (!Commit(flags))
        {
            return;
        }
        if (op != TwoResultOp.Extract)
        {
            SetC2(!complete);
        }
        if (!complete)
        {
            return;
        }
        SetST(0, bottom);
        Top = (Top - 1) & 7;
        SetST(0, top);
    }

    /// <summary>FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ: rounded by the rounding control.</summary>
    public void LoadConstant(X87Constant constant)
    {
        (int exponent, ulong high, ulong low) = constant switch
        {
            X87Constant.One => (0, Float80.IntegerBit, 0UL),
            X87Constant.Log2Ten => (1, 0xD49A784BCD1B8AFEUL, 0x492BF6FF4DAFDB4CUL),
            X87Constant.Log2E => (0, 0xB8AA3B295C17F0BBUL, 0xBE87FED0691D3E88UL),
            X87Constant.Pi => (1, 0xC90FDAA22168C234UL, 0xC4C6628B80DC1CD1UL),
            X87Constant.Log10Two => (-2, 0x9A209A84FBCFF798UL, 0x8F8959AC0B7C9178UL),
            X87Constant.LnTwo => (-1, 0xB17217F7D1CF79ABUL, 0xC9E3B39803F2F6AFUL),
            _ => (0, 0UL, 0UL),
        };
        if (high == 0)
        {
            Push(Float80.Zero);
            return;
        }
        X87Flags ignored = X87Flags.None;
        Float80 value = Rounding.ToExtended(false, exponent, new UInt128(high, low), (ushort)(ControlWord | 0x0300),
            ref ignored);
        Push(value);
    }

    private void SetC2(bool value) =>
        _status = (ushort)(value ? _status | C2 : _status & ~C2);
}

namespace QemuSharp.Target.X86.X87;

/// <summary>The two-operand arithmetic instructions.</summary>
public enum X87ArithOp
{
    Add,
    Multiply,
    Subtract,
    SubtractReverse,
    Divide,
    DivideReverse,
}

/// <summary>Loads, stores, arithmetic and comparisons on the register stack.</summary>
public sealed partial class X87State
{
    private const X87Flags StackUnderflow = X87Flags.Invalid | X87Flags.StackFault;
    private const X87Flags StackOverflow = X87Flags.Invalid | X87Flags.StackFault | X87Flags.C1;

    /// <summary>
    /// FLD, FILD, FBLD and the constant loads: pushes a value already converted (with the
    /// flags the conversion raised). A full stack is a stack overflow.
    /// </summary>
    public void Push(Float80 value, X87Flags conversionFlags = X87Flags.None)
    {
        int newTop = (Top - 1) & 7;
        if ((_validMask & (1 << newTop)) != 0)
        {
            conversionFlags = StackOverflow;
            value = Float80.Indefinite;
        }
        if (Commit(conversionFlags) || (conversionFlags & X87Flags.Invalid) == 0)
        {
            Top = newTop;
            SetST(0, value);
        }
    }

    /// <summary>FLD ST(i).</summary>
    public void PushRegister(int i)
    {
        if (IsEmpty(i))
        {
            int newTop = (Top - 1) & 7;
            X87Flags flags = (_validMask & (1 << newTop)) != 0 ? StackOverflow : StackUnderflow;
            if (Commit(flags))
            {
                Top = newTop;
                SetST(0, Float80.Indefinite);
            }
            return;
        }
        Push(ST(i));
    }

    /// <summary>
    /// Reads ST(0) for a store. An empty ST(0) raises a stack underflow and yields the
    /// indefinite (the caller converts it to the destination's indefinite).
    /// </summary>
    private bool TakeSt0(out Float80 value, ref X87Flags flags)
    {
        if (IsEmpty(0))
        {
            flags |= StackUnderflow;
            value = Float80.Indefinite;
            return false;
        }
        value = ST(0);
        return true;
    }

    /// <summary>FST/FSTP m32. Returns false when memory must not be written.</summary>
    public bool StoreSingle(bool pop, out uint bits)
    {
        X87Flags flags = X87Flags.None;
        bits = TakeSt0(out Float80 v, ref flags) ? Float80.ToSingle(v, ControlWord, ref flags) : 0xFFC0_0000;
        return FinishStore(flags, pop);
    }

    /// <summary>FST/FSTP m64.</summary>
    public bool StoreDouble(bool pop, out ulong bits)
    {
        X87Flags flags = X87Flags.None;
        bits = TakeSt0(out Float80 v, ref flags)
            ? Float80.ToDouble(v, ControlWord, ref flags)
            : 0xFFF8_0000_0000_0000;
        return FinishStore(flags, pop);
    }

    /// <summary>FSTP m80: the register's bits as they are.</summary>
    public bool StoreExtended(bool pop, out Float80 value)
    {
        X87Flags flags = X87Flags.None;
        TakeSt0(out value, ref flags);
        return FinishStore(flags, pop);
    }

    /// <summary>FIST/FISTP/FISTTP to a 16-, 32- or 64-bit integer.</summary>
    public bool StoreInteger(int bits, bool truncate, bool pop, out long value)
    {
        X87Flags flags = X87Flags.None;
        value = TakeSt0(out Float80 v, ref flags)
            ? Float80.ToInteger(v, bits, truncate, ControlWord, ref flags)
            : Float80.ToInteger(Float80.Indefinite, bits, truncate, ControlWord, ref flags);
        return FinishStore(flags, pop);
    }

    /// <summary>FBSTP m80: writes the 10 bytes into destination when it returns true.</summary>
    public bool StorePackedBcd(Span<byte> destination)
    {
        X87Flags flags = X87Flags.None;
        TakeSt0(out Float80 v, ref flags);
        Float80.ToPackedBcd(v, ControlWord, ref flags, destination);
        return FinishStore(flags, true);
    }

    /// <summary>FST/FSTP ST(i).</summary>
    public void StoreRegister(int i, bool pop)
    {
        X87Flags flags = X87Flags.None;
        TakeSt0(out Float80 v, ref flags);
        if (Commit(flags))
        {
            SetST(i, v);
            if (pop)
            {
                Pop();
            }
        }
    }

    private bool FinishStore(X87Flags flags, bool pop)
    {
        if (!Commit(flags, memoryDestination: true))
        {
            return false;
        }
        if (pop)
        {
            Pop();
        }
        return true;
    }

    /// <summary>
    /// FADD/FSUB/FSUBR/FMUL/FDIV/FDIVR with a memory operand (FIADD... too): ST(0) = ST(0) op m.
    /// Convert a float operand with quietSignaling: false so that the NaN rules see an SNaN.
    /// </summary>
    public void Arith(X87ArithOp op, Float80 operand, X87Flags conversionFlags = X87Flags.None)
    {
        X87Flags flags = X87Flags.None;
        Float80 result = IsEmpty(0) ? Underflow(ref flags) : Apply(op, ST(0), operand, ref flags);
        flags |= MergeConversionFlags(flags, conversionFlags, operand.IsNaN || ST(0).IsNaN || ST(0).IsUnsupported);
        if (Commit(flags))
        {
            SetST(0, result);
        }
    }

    /// <summary>The register forms: ST(dst) = ST(dst) op ST(src), popping for the ...P forms.</summary>
    public void ArithRegisters(X87ArithOp op, int dst, int src, bool pop)
    {
        X87Flags flags = X87Flags.None;
        Float80 result = IsEmpty(dst) || IsEmpty(src) ? Underflow(ref flags) : Apply(op, ST(dst), ST(src), ref flags);
        if (Commit(flags))
        {
            SetST(dst, result);
            if (pop)
            {
                Pop();
            }
        }
    }

    private Float80 Apply(X87ArithOp op, Float80 x, Float80 y, ref X87Flags flags) => op switch
    {
        X87ArithOp.Add => Float80.Add(x, y, ControlWord, ref flags),
        X87ArithOp.Multiply => Float80.Multiply(x, y, ControlWord, ref flags),
        X87ArithOp.Subtract => Float80.Subtract(x, y, ControlWord, ref flags),
        X87ArithOp.SubtractReverse => Float80.Subtract(y, x, ControlWord, ref flags),
        X87ArithOp.Divide => Float80.Divide(x, y, ControlWord, ref flags),
        _ => Float80.Divide(y, x, ControlWord, ref flags),
    };

    /// <summary>
    /// The flags of converting a memory operand count unless a stack fault or an invalid
    /// operation took precedence; a denormal source is not reported next to a NaN.
    /// </summary>
    private static X87Flags MergeConversionFlags(X87Flags operation, X87Flags conversion, bool specialOperand)
    {
        if ((operation & X87Flags.StackFault) != 0)
        {
            return X87Flags.None;
        }
        return specialOperand || (operation & (X87Flags.Invalid | X87Flags.ZeroDivide)) != 0
            ? conversion & ~X87Flags.Denormal
            : conversion;
    }

    private static Float80 Underflow(ref X87Flags flags)
    {
        flags |= StackUnderflow;
        return Float80.Indefinite;
    }

    /// <summary>FCOM/FCOMP/FUCOM/FUCOMP with a memory or register operand; pops 0, 1 or 2 times.</summary>
    public void Compare(Float80 operand, bool ordered, int pops, X87Flags conversionFlags = X87Flags.None)
    {
        X87Flags flags = X87Flags.None;
        X87Comparison result = IsEmpty(0)
            ? UnderflowComparison(ref flags)
            : Float80.Compare(ST(0), operand, ordered, ref flags);
        FinishCompare(flags | MergeConversionFlags(flags, conversionFlags, operand.IsNaN || ST(0).IsNaN || ST(0).IsUnsupported), result, pops);
    }

    /// <summary>FCOM ST(i), FCOMP ST(i), FCOMPP (pops 2) and the FUCOM forms.</summary>
    public void CompareRegister(int i, bool ordered, int pops)
    {
        X87Flags flags = X87Flags.None;
        X87Comparison result = IsEmpty(0) || IsEmpty(i)
            ? UnderflowComparison(ref flags)
            : Float80.Compare(ST(0), ST(i), ordered, ref flags);
        FinishCompare(flags, result, pops);
    }

    /// <summary>
    /// FCOMI/FCOMIP/FUCOMI/FUCOMIP: returns the result for ZF, PF and CF (C3, C2, C0 order).
    /// EFLAGS take it even after an unmasked IE or DE (the host writes them: unordered for a NaN);
    /// the pop happens only when no unmasked exception aborted the instruction.
    /// </summary>
    public X87Comparison CompareToEflags(int i, bool ordered, bool pop)
    {
        X87Flags flags = X87Flags.None;
        X87Comparison result = IsEmpty(0) || IsEmpty(i)
            ? UnderflowComparison(ref flags)
            : Float80.Compare(ST(0), ST(i), ordered, ref flags);
        if (Commit(flags) && pop)
        {
            Pop();
        }
        return result;
    }

    /// <summary>FTST: compares ST(0) with +0.0.</summary>
    public void Test()
    {
        if (IsEmpty(0))
        {
            X87Flags flags = X87Flags.None;
            X87Comparison result = UnderflowComparison(ref flags);
            FinishCompare(flags, result, 0);
            return;
        }
        Compare(Float80.Zero, true, 0);
    }

    /// <summary>FXAM: classifies ST(0) into C3, C2, C0 with the sign in C1 (empty is 101).</summary>
    public void Examine()
    {
        int cls = IsEmpty(0) ? 0b101 : ST(0).Classify();
        ushort codes = (ushort)(((cls & 4) != 0 ? C3 : 0) | ((cls & 2) != 0 ? C2 : 0) | ((cls & 1) != 0 ? C0 : 0)
            | (ST(0).IsNegative ? C1 : 0));
        SetConditionCodes(codes);
    }

    private static X87Comparison UnderflowComparison(ref X87Flags flags)
    {
        flags |= StackUnderflow;
        return X87Comparison.Unordered;
    }

    private void FinishCompare(X87Flags flags, X87Comparison result, int pops)
    {
        bool completed = Commit(flags);
        SetConditionCodes((ushort)result);
        if (!completed)
        {
            return;
        }
        for (int p = 0; p < pops; p++)
        {
            Pop();
        }
    }

    /// <summary>FXCH ST(i). Empty registers raise a stack underflow and become the indefinite.</summary>
    public void Exchange(int i)
    {
        X87Flags flags = X87Flags.None;
        Float80 a = IsEmpty(0) ? Underflow(ref flags) : ST(0);
        Float80 b = IsEmpty(i) ? Underflow(ref flags) : ST(i);
        if (Commit(flags))
        {
            SetST(0, b);
            SetST(i, a);
        }
    }

    /// <summary>FCMOVcc ST(0), ST(i): both registers must hold values whatever the condition.</summary>
    public void ConditionalMove(int i, bool condition)
    {
        X87Flags flags = X87Flags.None;
        Float80 v = IsEmpty(0) || IsEmpty(i) ? Underflow(ref flags) : ST(i);
        if (Commit(flags) && (condition || flags != X87Flags.None))
        {
            SetST(0, v);
        }
    }

    /// <summary>FCHS and FABS: sign operations that raise only the stack underflow.</summary>
    public void ChangeSign(bool absolute)
    {
        X87Flags flags = X87Flags.None;
        bool empty = IsEmpty(0);
        Float80 v = empty ? Underflow(ref flags) : ST(0);
        if (Commit(flags))
        {
            SetST(0, empty ? v : absolute ? v.Abs() : v.Negate());
        }
    }
}

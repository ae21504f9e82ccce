using QemuSharp.Target.X86.X87;

namespace QemuSharp.Target.X86.Tests.X87;

public class Float80Tests
{
    private const ushort Nearest64 = 0x037F;

    private static Float80 Parse(string text)
    {
        string[] parts = text.Split(':');
        return new Float80(Convert.ToUInt64(parts[1], 16), Convert.ToUInt16(parts[0], 16));
    }

    [Theory]
    [InlineData((ushort)0x007F, "3FFD:AAAAAB0000000000")]
    [InlineData((ushort)0x027F, "3FFD:AAAAAAAAAAAAA800")]
    [InlineData((ushort)0x037F, "3FFD:AAAAAAAAAAAAAAAB")]
    [InlineData((ushort)0x0F7F, "3FFD:AAAAAAAAAAAAAAAA")]
    public void ShouldRoundOneThirdByPrecisionAndRoundingControl(ushort cw, string expected)
    {
        X87Flags flags = X87Flags.None;
        Float80 third = Float80.Divide(Float80.One, Float80.FromInt64(3), cw, ref flags);
        Assert.Equal(Parse(expected), third);
        Assert.True(flags.HasFlag(X87Flags.Precision));
    }

    [Fact]
    public void ShouldComputeTheSquareRootOfTwoCorrectlyRounded()
    {
        X87Flags flags = X87Flags.None;
        Assert.Equal(Parse("3FFF:B504F333F9DE6484"), Float80.Sqrt(Float80.FromInt64(2), Nearest64, ref flags));
        Assert.Equal(X87Flags.Precision, flags);
    }

    [Fact]
    public void ShouldGiveTheRealIndefiniteForZeroDividedByZero()
    {
        X87Flags flags = X87Flags.None;
        Assert.Equal(Float80.Indefinite, Float80.Divide(Float80.Zero, Float80.Zero, Nearest64, ref flags));
        Assert.Equal(X87Flags.Invalid, flags);
    }

    [Fact]
    public void ShouldRejectUnnormalsAsInvalidOperands()
    {
        X87Flags flags = X87Flags.None;
        var unnormal = new Float80(0x4000_0000_0000_0000, 0x3FFF);
        Assert.Equal(Float80.Indefinite, Float80.Add(unnormal, Float80.One, Nearest64, ref flags));
        Assert.Equal(X87Flags.Invalid, flags);
    }

    [Fact]
    public void ShouldPickTheNaNWithTheLargerSignificand()
    {
        X87Flags flags = X87Flags.None;
        var small = new Float80(0xC000_0000_0000_0001, 0x7FFF);
        var large = new Float80(0xC000_0000_0000_0002, 0xFFFF);
        Assert.Equal(large, Float80.Multiply(small, large, Nearest64, ref flags));
        Assert.Equal(X87Flags.None, flags);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(-1e308)]
    [InlineData(4.9e-324)]
    [InlineData(double.PositiveInfinity)]
    public void ShouldRoundTripDoubles(double value)
    {
        ulong bits = BitConverter.DoubleToUInt64Bits(value);
        X87Flags flags = X87Flags.None;
        Float80 extended = Float80.FromDouble(bits, ref flags);
        Assert.Equal(bits, Float80.ToDouble(extended, Nearest64, ref flags));
    }

    [Theory]
    [InlineData(0x4000_0000_0000_0000UL)]
    [InlineData(0x0000_0000_0000_0001UL)]
    public void ShouldNotReportDenormalWhenStoringAnExtendedDenormal(ulong significand)
    {
        var denormal = new Float80(significand, 0x8000);
        X87Flags single = X87Flags.None, dbl = X87Flags.None;
        Assert.Equal(0x8000_0000u, Float80.ToSingle(denormal, Nearest64, ref single));
        Assert.Equal(0x8000_0000_0000_0000UL, Float80.ToDouble(denormal, Nearest64, ref dbl));
        Assert.Equal(X87Flags.Underflow | X87Flags.Precision, single);
        Assert.Equal(X87Flags.Underflow | X87Flags.Precision, dbl);
    }

    [Theory]
    [InlineData(16, "400F:8000000000000000", -32768L)]
    [InlineData(32, "C01E:8000000000000000", int.MinValue)]
    [InlineData(64, "403E:8000000000000000", long.MinValue)]
    public void ShouldStoreTheIntegerIndefiniteOnOverflow(int bits, string value, long expected)
    {
        X87Flags flags = X87Flags.None;
        Assert.Equal(expected, Float80.ToInteger(Parse(value), bits, false, Nearest64, ref flags));
        Assert.Equal(bits == 32 ? X87Flags.None : X87Flags.Invalid, flags);
    }

    [Fact]
    public void ShouldRoundTripPackedBcd()
    {
        byte[] bcd = [0x78, 0x56, 0x34, 0x12, 0x90, 0x78, 0x56, 0x34, 0x12, 0x80];
        Float80 value = Float80.FromPackedBcd(bcd);
        Assert.Equal(Float80.FromInt64(-123456789012345678), value);
        byte[] stored = new byte[10];
        X87Flags flags = X87Flags.None;
        Float80.ToPackedBcd(value, Nearest64, ref flags, stored);
        Assert.Equal(bcd, stored);
    }

    [Fact]
    public void ShouldReduceHugeArgumentsPartiallyWithC2()
    {
        X87Flags flags = X87Flags.None;
        Float80 huge = Parse("407F:C90FDAA22168C234");
        X87Math.PartialRemainder(huge, Float80.One, false, Nearest64, ref flags, out ushort codes);
        Assert.Equal(X87State.C2, codes);
    }

    [Fact]
    public void ShouldLeaveSineArgumentsFrom2To63Unreduced()
    {
        X87Flags flags = X87Flags.None;
        Assert.False(X87Math.TrySin(Parse("403E:8000000000000000"), Nearest64, ref flags, out _));
    }

    [Fact]
    public void ShouldLoadPiRoundedByTheRoundingControl()
    {
        var fpu = new X87State { ControlWord = 0x077F };
        fpu.LoadConstant(X87Constant.Pi);
        fpu.ControlWord = Nearest64;
        fpu.LoadConstant(X87Constant.Pi);
        Assert.Equal(Parse("4000:C90FDAA22168C235"), fpu.ST(0));
        Assert.Equal(Parse("4000:C90FDAA22168C234"), fpu.ST(1));
    }

    [Fact]
    public void ShouldNotAllocateOnTheArithmeticPath()
    {
        var fpu = new X87State();
        fpu.Push(Float80.FromInt64(3));
        fpu.Push(Float80.FromInt64(7));
        RunArithmetic(fpu);
        long before = GC.GetAllocatedBytesForCurrentThread();
        RunArithmetic(fpu);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    private static void RunArithmetic(X87State fpu)
    {
        for (int i = 0; i < 100; i++)
        {
            fpu.ArithRegisters(X87ArithOp.Add, 0, 1, false);
            fpu.ArithRegisters(X87ArithOp.Divide, 0, 1, false);
            fpu.ArithRegisters(X87ArithOp.Multiply, 0, 1, false);
            fpu.Unary(X87UnaryOp.SquareRoot);
            fpu.Unary(X87UnaryOp.Sine);
            fpu.Binary(X87BinaryOp.YLog2X);
            fpu.Push(Float80.FromInt64(i));
        }
    }
}

using QemuSharp.Target.X86.X87;

namespace QemuSharp.Target.X86.Tests.X87;

public class X87StateTests
{
    private static X87State Loaded()
    {
        var fpu = new X87State();
        fpu.Push(Float80.FromInt64(7));
        fpu.Push(Float80.Zero);
        fpu.Push(Float80.Infinity);
        fpu.NoteInstruction(0x1234_5678, 0x33, 0x5C1, 0x9ABC_DEF0, 0x2B);
        fpu.ControlWord = 0x0A7B;
        return fpu;
    }

    [Fact]
    public void ShouldRaiseStackOverflowOnTheNinthPush()
    {
        var fpu = new X87State();
        for (int i = 0; i < 9; i++)
        {
            fpu.Push(Float80.One);
        }
        Assert.Equal(Float80.Indefinite, fpu.ST(0));
        Assert.Equal(0x0241, fpu.StatusWord & 0x0241);
    }

    [Fact]
    public void ShouldLeaveTheDestinationAndSetErrorSummaryOnUnmaskedZeroDivide()
    {
        var fpu = new X87State { ControlWord = 0x037B };
        fpu.Push(Float80.Zero);
        fpu.Push(Float80.One);
        fpu.ArithRegisters(X87ArithOp.Divide, 0, 1, false);
        Assert.Equal(Float80.One, fpu.ST(0));
        Assert.True(fpu.ExceptionPending);
        Assert.Equal(0x8084, fpu.StatusWord & 0x80FF);
    }

    [Fact]
    public void ShouldDeriveTheFullTagWordFromTheContents()
    {
        Assert.Equal(0b00_01_10_11_11_11_11_11, Loaded().TagWord);
        Assert.Equal(0b1110_0000, Loaded().AbridgedTagWord);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ShouldRestoreWhatFsaveStored(bool operand32)
    {
        X87State original = Loaded();
        ushort status = original.StatusWord;
        byte[] image = new byte[X87State.SaveSize32];
        original.Save(image, operand32);
        Assert.Equal(X87Control.Default, original.ControlWord);

        var restored = new X87State();
        restored.Restore(image, operand32);
        Assert.Equal(0x0A7B, restored.ControlWord);
        Assert.Equal(status, restored.StatusWord);
        Assert.Equal(Float80.Infinity, restored.ST(0));
        Assert.Equal(Float80.FromInt64(7), restored.ST(2));
        Assert.True(restored.IsEmpty(3));
        Assert.Equal(operand32 ? 0x1234_5678UL : 0x5678UL, restored.InstructionPointer);
    }

    [Theory]
    [InlineData(true, 0x5C1)]
    [InlineData(false, 0)]
    public void ShouldLoadTheOpcodeOnlyFromThe32BitEnvironment(bool operand32, int opcode)
    {
        byte[] image = new byte[X87State.EnvironmentSize32];
        Loaded().StoreEnvironment(image, operand32);
        var loaded = new X87State();
        loaded.NoteInstruction(0, 0, 0x7FF);
        loaded.LoadEnvironment(image, operand32);
        Assert.Equal(opcode, loaded.Opcode);
    }

    [Fact]
    public void ShouldClearErrorSummaryWhenMaskingAllExceptions()
    {
        var fpu = new X87State { ControlWord = 0x037E };
        fpu.Commit(X87Flags.Invalid);
        Assert.True(fpu.ExceptionPending);
        fpu.MaskAllExceptions();
        Assert.False(fpu.ExceptionPending);
        Assert.Equal(0, fpu.StatusWord & (X87State.ErrorSummary | X87State.Busy));
        fpu.ControlWord = 0x037E;
        Assert.Equal(X87State.ErrorSummary | X87State.Busy, fpu.StatusWord & (X87State.ErrorSummary | X87State.Busy));
    }

    [Fact]
    public void ShouldReportTheEflagsComparisonButNotPopAfterAnUnmaskedInvalidOperation()
    {
        var fpu = new X87State { ControlWord = 0x037E };
        fpu.Push(Float80.One);
        fpu.Push(Float80.Indefinite);
        Assert.Equal(X87Comparison.Unordered, fpu.CompareToEflags(1, ordered: true, pop: true));
        Assert.True(fpu.ExceptionPending);
        Assert.Equal(Float80.Indefinite, fpu.ST(0));
    }

    [Fact]
    public void ShouldKeepTheDataPointerForAnInstructionWithoutMemoryOperand()
    {
        X87State fpu = Loaded();
        fpu.NoteInstruction(0x4000, 0x23, 0x1C0);
        Assert.Equal(0x4000UL, fpu.InstructionPointer);
        Assert.Equal(0x23, fpu.InstructionSelector);
        Assert.Equal(0x1C0, fpu.Opcode);
        Assert.Equal(0x9ABC_DEF0UL, fpu.DataPointer);
        Assert.Equal(0x2B, fpu.DataSelector);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ShouldTouchOnlyTheX87FieldsOfTheFxsaveArea(bool rexW)
    {
        byte[] area = new byte[X87State.FxSaveSize];
        area.AsSpan().Fill(0xCC);
        Loaded().FxSave(area, rexW);
        Assert.All(area[24..32], b => Assert.Equal(0xCC, b));
        Assert.All(area[160..], b => Assert.Equal(0xCC, b));

        var restored = new X87State();
        restored.FxRestore(area, rexW);
        Assert.Equal(0b1110_0000, restored.AbridgedTagWord);
        Assert.Equal(0x5C1, restored.Opcode);
        Assert.Equal(0x9ABC_DEF0UL, restored.DataPointer);
        Assert.Equal(Float80.Zero, restored.ST(1));
    }

    [Fact]
    public void ShouldKeepErrorSummaryInStepWithALoadedEnvironment()
    {
        byte[] env = new byte[X87State.EnvironmentSize32];
        var fpu = new X87State();
        fpu.StoreEnvironment(env);
        env[0] = 0x7E;
        env[4] = 0x01;
        fpu.LoadEnvironment(env);
        Assert.True(fpu.ExceptionPending);
    }

    [Theory]
    [InlineData((ushort)0x0000, (ushort)0x0040)]
    [InlineData((ushort)0xFFFF, (ushort)0x1F7F)]
    public void ShouldKeepOnlyTheControlWordBitsTheHardwareKeeps(ushort written, ushort read)
    {
        Assert.Equal(read, new X87State { ControlWord = written }.ControlWord);
    }

    [Fact]
    public void ShouldRaiseErrorSummaryWhenFldcwUnmasksAPendingException()
    {
        var fpu = new X87State();
        fpu.Push(Float80.One);
        fpu.Push(Float80.Zero);
        fpu.ArithRegisters(X87ArithOp.Divide, 1, 0, true);
        Assert.False(fpu.ExceptionPending);
        fpu.ControlWord = 0x037B;
        Assert.True(fpu.ExceptionPending);
        Assert.Equal(0xB884, fpu.StatusWord);
    }
}

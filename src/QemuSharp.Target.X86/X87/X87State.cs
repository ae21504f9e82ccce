using System.Runtime.CompilerServices;

namespace QemuSharp.Target.X86.X87;

/// <summary>The eight physical data registers, inline so that the state needs no array.</summary>
[InlineArray(8)]
public struct X87Registers
{
    private Float80 _element;
}

/// <summary>
/// The x87 FPU's architectural state: registers, TOP, tags, control and status words and the
/// last instruction and data pointers. Operations follow the hardware: an exception is recorded
/// in the status word; when it is unmasked ES and B are set (the interpreter raises #MF at the
/// next waiting FP instruction, see <see cref="ExceptionPending"/>) and, for IE, DE and ZE, the
/// destination is left unchanged.
/// </summary>
public sealed partial class X87State
{
    public const ushort C0 = 0x0100;
    public const ushort C1 = 0x0200;
    public const ushort C2 = 0x0400;
    public const ushort C3 = 0x4000;
    public const ushort ErrorSummary = 0x0080;
    public const ushort Busy = 0x8000;
    private const ushort TopMask = 0x3800;

    private X87Registers _registers;
    private byte _validMask;
    private ushort _status;
    private ushort _control;

    public X87State()
    {
        Init();
    }

    /// <summary>
    /// The control word (FLDCW/FNSTCW). Bits 13-15 read as 0 and bit 6 as 1; unmasking an
    /// exception whose flag is already set raises ES and B, as FLDCW does.
    /// </summary>
    public ushort ControlWord
    {
        get => _control;
        set
        {
            _control = (ushort)((value & 0x1F3F) | 0x0040);
            UpdateErrorSummary();
        }
    }

    /// <summary>TOP: the physical register that is ST(0).</summary>
    public int Top { get; set; }

    /// <summary>FPU instruction pointer (FIP), with FCS for the legacy images.</summary>
    public ulong InstructionPointer { get; set; }
    public ushort InstructionSelector { get; set; }

    /// <summary>FPU data pointer (FDP), with FDS for the legacy images.</summary>
    public ulong DataPointer { get; set; }
    public ushort DataSelector { get; set; }

    /// <summary>The last non-control instruction's opcode, 11 bits.</summary>
    public ushort Opcode { get; set; }

    public ushort StatusWord
    {
        get => (ushort)((_status & ~TopMask) | (Top << 11));
        set
        {
            _status = (ushort)(value & ~TopMask);
            Top = (value >> 11) & 7;
        }
    }

    /// <summary>True when ES is set: the next waiting FP instruction must raise #MF first.</summary>
    public bool ExceptionPending => (_status & ErrorSummary) != 0;

    /// <summary>
    /// The full tag word (two bits per physical register: 00 valid, 01 zero, 10 special,
    /// 11 empty), derived from the register contents as FSTENV and FSAVE do.
    /// </summary>
    public ushort TagWord
    {
        get
        {
            int tags = 0;
            for (int i = 0; i < 8; i++)
            {
                tags |= TagOf(i) << (2 * i);
            }
            return (ushort)tags;
        }
        set
        {
            _validMask = 0;
            for (int i = 0; i < 8; i++)
            {
                if (((value >> (2 * i)) & 3) != 3)
                {
                    _validMask |= (byte)(1 << i);
                }
            }
        }
    }

    /// <summary>The FXSAVE form of the tag word: one bit per physical register, 1 = not empty.</summary>
    public byte AbridgedTagWord
    {
        get => _validMask;
        set => _validMask = value;
    }

    public Float80 PhysicalRegister(int index) => _registers[index & 7];

    public void SetPhysicalRegister(int index, Float80 value) => _registers[index & 7] = value;

    public Float80 ST(int i) => _registers[(Top + i) & 7];

    public bool IsEmpty(int i) => (_validMask & (1 << ((Top + i) & 7))) == 0;

    /// <summary>Writes ST(i) and tags it valid.</summary>
    public void SetST(int i, Float80 value)
    {
        int physical = (Top + i) & 7;
        _registers[physical] = value;
        _validMask |= (byte)(1 << physical);
    }

    /// <summary>FNINIT/FINIT.</summary>
    public void Init()
    {
        ControlWord = X87Control.Default;
        _status = 0;
        Top = 0;
        _validMask = 0;
        InstructionPointer = 0;
        InstructionSelector = 0;
        DataPointer = 0;
        DataSelector = 0;
        Opcode = 0;
    }

    /// <summary>FNCLEX/FCLEX: clears the exception flags, SF, ES and B.</summary>
    public void ClearExceptions() => _status &= 0x7F00;

    /// <summary>
    /// Records where the current FP instruction is (the interpreter calls this for every
    /// non-control x87 instruction, as the hardware updates FIP, FCS and FOP). Without a memory
    /// operand FDP and FDS keep the last memory operand's, as the hardware keeps them.
    /// </summary>
    public void NoteInstruction(ulong instructionPointer, ushort codeSelector, ushort opcode)
    {
        InstructionPointer = instructionPointer;
        InstructionSelector = codeSelector;
        Opcode = (ushort)(opcode & 0x7FF);
    }

    /// <summary>As the other overload, for an instruction with a memory operand: also FDP and FDS.</summary>
    public void NoteInstruction(ulong instructionPointer, ushort codeSelector, ushort opcode, ulong dataPointer,
        ushort dataSelector)
    {
        NoteInstruction(instructionPointer, codeSelector, opcode);
        DataPointer = dataPointer;
        DataSelector = dataSelector;
    }

    /// <summary>Sets C3, C2, C1 and C0 (given in their status-word positions); the rest stays.</summary>
    public void SetConditionCodes(ushort codes) =>
        _status = (ushort)((_status & ~(C0 | C1 | C2 | C3)) | (codes & (C0 | C1 | C2 | C3)));

    /// <summary>
    /// Records the flags an operation raised: exception bits are sticky, C1 takes the operation's
    /// value, an unmasked exception sets ES and B. Returns whether the result is to be written:
    /// not after an unmasked IE, DE or ZE, nor after an unmasked OE or UE on a memory store.
    /// </summary>
    public bool Commit(X87Flags flags, bool memoryDestination = false)
    {
        int unmasked = (int)flags & (int)X87Flags.Exceptions & ~ControlWord;
        const X87Flags stackOverflow = X87Flags.StackFault | X87Flags.C1;
        if ((unmasked & (int)(X87Flags.Invalid | X87Flags.Denormal | X87Flags.ZeroDivide)) != 0)
        {
            X87Flags kept = X87Flags.Invalid | X87Flags.Denormal | X87Flags.ZeroDivide | X87Flags.StackFault;
            flags &= (flags & stackOverflow) == stackOverflow ? kept | X87Flags.C1 : kept;
        }
        else if (memoryDestination && (unmasked & (int)(X87Flags.Overflow | X87Flags.Underflow)) != 0)
        {
            flags &= X87Flags.Invalid | X87Flags.Overflow | X87Flags.Underflow | X87Flags.StackFault;
        }
        _status = (ushort)((_status & ~C1) | ((ushort)flags & (C1 | 0x7F)));
        if (unmasked != 0)
        {
            _status |= ErrorSummary | Busy;
        }
        const int aborting = (int)(X87Flags.Invalid | X87Flags.Denormal | X87Flags.ZeroDivide);
        const int storeAborting = (int)(X87Flags.Overflow | X87Flags.Underflow);
        return (unmasked & aborting) == 0 && !(memoryDestination && (unmasked & storeAborting) != 0);
    }

    /// <summary>Marks ST(0) empty and increments TOP.</summary>
    public void Pop()
    {
        _validMask &= (byte)~(1 << Top);
        Top = (Top + 1) & 7;
    }

    /// <summary>FINCSTP.</summary>
    public void IncrementTop()
    {
        Top = (Top + 1) & 7;
        _status &= unchecked((ushort)~C1);
    }

    /// <summary>FDECSTP.</summary>
    public void DecrementTop()
    {
        Top = (Top - 1) & 7;
        _status &= unchecked((ushort)~C1);
    }

    /// <summary>FFREE ST(i).</summary>
    public void Free(int i) => _validMask &= (byte)~(1 << ((Top + i) & 7));

    private int TagOf(int physical)
    {
        if ((_validMask & (1 << physical)) == 0)
        {
            return 3;
        }
        Float80 v = _registers[physical];
        if (v.IsZero)
        {
            return 1;
        }
        return v.Exponent == 0 || v.Exponent == Float80.MaxExponent || v.IsUnsupported ? 2 : 0;
    }
}

using System.Buffers.Binary;

namespace QemuSharp.Target.X86.X87;

/// <summary>
/// The memory images of FSTENV/FLDENV, FSAVE/FRSTOR and the x87 part of FXSAVE/FXRSTOR.
/// The 32-bit forms (28-byte environment, 108-byte save area) are the ones 64-bit mode uses
/// without REX.W; the 16-bit forms are the protected-mode 14/94-byte ones.
/// </summary>
public sealed partial class X87State
{
    public const int EnvironmentSize32 = 28;
    public const int SaveSize32 = 108;
    public const int EnvironmentSize16 = 14;
    public const int SaveSize16 = 94;
    public const int FxSaveSize = 512;

    /// <summary>
    /// FNSTENV/FSTENV; afterwards the hardware masks all exceptions (see <see cref="MaskAllExceptions"/>).
    /// The unused upper halves of the 32-bit form's control, status and tag dwords read as ones.
    /// </summary>
    public void StoreEnvironment(Span<byte> image, bool operand32 = true)
    {
        if (operand32)
        {
            image[..EnvironmentSize32].Fill(0xFF);
            BinaryPrimitives.WriteUInt16LittleEndian(image, ControlWord);
            BinaryPrimitives.WriteUInt16LittleEndian(image[4..], StatusWord);
            BinaryPrimitives.WriteUInt16LittleEndian(image[8..], TagWord);
            BinaryPrimitives.WriteUInt32LittleEndian(image[12..], (uint)InstructionPointer);
            BinaryPrimitives.WriteUInt16LittleEndian(image[16..], InstructionSelector);
            BinaryPrimitives.WriteUInt16LittleEndian(image[18..], Opcode);
            BinaryPrimitives.WriteUInt32LittleEndian(image[20..], (uint)DataPointer);
            BinaryPrimitives.WriteUInt16LittleEndian(image[24..], DataSelector);
            return;
        }
        BinaryPrimitives.WriteUInt16LittleEndian(image, ControlWord);
        BinaryPrimitives.WriteUInt16LittleEndian(image[2..], StatusWord);
        BinaryPrimitives.WriteUInt16LittleEndian(image[4..], TagWord);
        BinaryPrimitives.WriteUInt16LittleEndian(image[6..], (ushort)InstructionPointer);
        BinaryPrimitives.WriteUInt16LittleEndian(image[8..], InstructionSelector);
        BinaryPrimitives.WriteUInt16LittleEndian(image[10..], (ushort)DataPointer);
        BinaryPrimitives.WriteUInt16LittleEndian(image[12..], DataSelector);
    }

    /// <summary>FLDENV. The 16-bit image has no FOP field; loading one leaves FOP 0, as the hardware does.</summary>
    public void LoadEnvironment(ReadOnlySpan<byte> image, bool operand32 = true)
    {
        int step = operand32 ? 4 : 2;
        ControlWord = BinaryPrimitives.ReadUInt16LittleEndian(image);
        StatusWord = BinaryPrimitives.ReadUInt16LittleEndian(image[step..]);
        TagWord = BinaryPrimitives.ReadUInt16LittleEndian(image[(2 * step)..]);
        if (operand32)
        {
            InstructionPointer = BinaryPrimitives.ReadUInt32LittleEndian(image[12..]);
            InstructionSelector = BinaryPrimitives.ReadUInt16LittleEndian(image[16..]);
            Opcode = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(image[18..]) & 0x7FF);
            DataPointer = BinaryPrimitives.ReadUInt32LittleEndian(image[20..]);
            DataSelector = BinaryPrimitives.ReadUInt16LittleEndian(image[24..]);
        }
        else
        {
            Opcode = 0;
            InstructionPointer = BinaryPrimitives.ReadUInt16LittleEndian(image[6..]);
            InstructionSelector = BinaryPrimitives.ReadUInt16LittleEndian(image[8..]);
            DataPointer = BinaryPrimitives.ReadUInt16LittleEndian(image[10..]);
            DataSelector = BinaryPrimitives.ReadUInt16LittleEndian(image[12..]);
        }
        UpdateErrorSummary();
    }

    /// <summary>FNSTENV and FNSAVE leave every exception masked, which clears ES and B.</summary>
    public void MaskAllExceptions() => ControlWord |= 0x3F;

    /// <summary>FNSAVE/FSAVE: the environment then ST(0)..ST(7); the FPU is then reinitialized.</summary>
    public void Save(Span<byte> image, bool operand32 = true)
    {
        StoreEnvironment(image, operand32);
        int offset = operand32 ? EnvironmentSize32 : EnvironmentSize16;
        for (int i = 0; i < 8; i++)
        {
            ST(i).Write(image[(offset + 10 * i)..]);
        }
        Init();
    }

    /// <summary>FRSTOR.</summary>
    public void Restore(ReadOnlySpan<byte> image, bool operand32 = true)
    {
        LoadEnvironment(image, operand32);
        int offset = operand32 ? EnvironmentSize32 : EnvironmentSize16;
        for (int i = 0; i < 8; i++)
        {
            _registers[(Top + i) & 7] = Float80.Read(image[(offset + 10 * i)..]);
        }
    }

    /// <summary>
    /// FXSAVE/FXSAVE64: writes only the x87 fields of the 512-byte area (bytes 0-23 and the
    /// register slots at 32-159); MXCSR at 24 and the XMM registers belong to the SSE unit.
    /// </summary>
    public void FxSave(Span<byte> area, bool rexW)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(area, ControlWord);
        BinaryPrimitives.WriteUInt16LittleEndian(area[2..], StatusWord);
        area[4] = AbridgedTagWord;
        area[5] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(area[6..], Opcode);
        if (rexW)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(area[8..], InstructionPointer);
            BinaryPrimitives.WriteUInt64LittleEndian(area[16..], DataPointer);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(area[8..], (uint)InstructionPointer);
            BinaryPrimitives.WriteUInt32LittleEndian(area[12..], InstructionSelector);
            BinaryPrimitives.WriteUInt32LittleEndian(area[16..], (uint)DataPointer);
            BinaryPrimitives.WriteUInt32LittleEndian(area[20..], DataSelector);
        }
        for (int i = 0; i < 8; i++)
        {
            Span<byte> slot = area.Slice(32 + 16 * i, 16);
            ST(i).Write(slot);
            slot[10..].Clear();
        }
    }

    /// <summary>FXRSTOR/FXRSTOR64: reads only the x87 fields of the area.</summary>
    public void FxRestore(ReadOnlySpan<byte> area, bool rexW)
    {
        ControlWord = BinaryPrimitives.ReadUInt16LittleEndian(area);
        StatusWord = BinaryPrimitives.ReadUInt16LittleEndian(area[2..]);
        AbridgedTagWord = area[4];
        Opcode = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(area[6..]) & 0x7FF);
        if (rexW)
        {
            InstructionPointer = BinaryPrimitives.ReadUInt64LittleEndian(area[8..]);
            DataPointer = BinaryPrimitives.ReadUInt64LittleEndian(area[16..]);
        }
        else
        {
            InstructionPointer = BinaryPrimitives.ReadUInt32LittleEndian(area[8..]);
            InstructionSelector = BinaryPrimitives.ReadUInt16LittleEndian(area[12..]);
            DataPointer = BinaryPrimitives.ReadUInt32LittleEndian(area[16..]);
            DataSelector = BinaryPrimitives.ReadUInt16LittleEndian(area[20..]);
        }
        for (int i = 0; i < 8; i++)
        {
            _registers[(Top + i) & 7] = Float80.Read(area.Slice(32 + 16 * i, 10));
        }
        UpdateErrorSummary();
    }

    /// <summary>
    /// ES and B follow the exception flags the control word leaves unmasked; the hardware
    /// re-derives them whenever the control word or the status word is loaded.
    /// </summary>
    private void UpdateErrorSummary()
    {
        if ((_status & 0x3F & ~ControlWord) != 0)
        {
            _status |= ErrorSummary | Busy;
        }
        else
        {
            _status &= unchecked((ushort)~(ErrorSummary | Busy));
        }
    }
}

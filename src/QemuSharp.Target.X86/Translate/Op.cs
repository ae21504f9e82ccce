using Iced.Intel;
using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.Target.X86.Translate;

/// <summary>How an instruction operand is reached, decided once at translation time.</summary>
public enum OperandKind : byte
{
    None,
    /// <summary>A general-purpose register; <see cref="Op.Reg0"/>/<see cref="Op.Reg1"/> holds its number (16-19 for AH, CH, DH, BH).</summary>
    Gpr,
    /// <summary>Memory at the instruction's effective address.</summary>
    Memory,
    /// <summary>The immediate in <see cref="Op.Imm"/>, already extended to the operand size.</summary>
    Immediate,
    /// <summary>An XMM register; the register field holds its number.</summary>
    Xmm,
    /// <summary>Any other register (segment, x87, MMX), read from <see cref="Op.Insn"/>.</summary>
    Other,
}

/// <summary>
/// One pre-decoded instruction of a translation block (design.md #3): the handler that executes
/// it and every operand detail the handler needs, so that no handler decodes bytes.
/// </summary>
public unsafe struct Op
{
    public delegate*<X86Cpu, ref Op, void> Exec;

    /// <summary>Guest address of the instruction and of the one after it.</summary>
    public ulong Ip, Next;

    /// <summary>Immediate operand, or the target of a near branch.</summary>
    public ulong Imm;

    /// <summary>Memory displacement; for RIP-relative operands the absolute address.</summary>
    public ulong Disp;

    /// <summary>Operand size in bytes (1, 2, 4, 8; 16 for XMM).</summary>
    public byte Size;

    public OperandKind Kind0, Kind1, Kind2;
    public byte Reg0, Reg1, Reg2;

    /// <summary>Base and index register numbers, <see cref="NoReg"/> if absent; the index is scaled by 1 &lt;&lt; Scale.</summary>
    public byte Base, Index, Scale;

    /// <summary>
    /// The slot of <see cref="X86Cpu.SegBase"/> whose base the address adds (<see cref="SegReg.BaseSlot"/>):
    /// 0 for none, 1 FS, 2 GS; outside 64-bit mode also ES, CS, SS, DS.
    /// </summary>
    public byte Segment;

    /// <summary>The address is 32 bits (the address-size prefix in 64-bit mode, or 32-bit code).</summary>
    public bool Addr32;

    /// <summary>The address is 16 bits and wraps at 64 KiB (16-bit code); <see cref="Addr32"/> is set too.</summary>
    public bool Addr16;

    /// <summary>Condition code for Jcc/SETcc/CMOVcc, operation number for groups, repeat prefix kind.</summary>
    public byte Cond, Rep;

    /// <summary>A second function for handlers that are generic over an operation (a SIMD lane operation).</summary>
    public void* Fn;

    public Instruction Insn;

    public const byte NoReg = 0xff;
}

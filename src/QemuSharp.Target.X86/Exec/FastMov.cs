using System.Runtime.CompilerServices;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;

namespace QemuSharp.Target.X86.Exec;

/// <summary>MOV between registers and memory, compiled once per width.</summary>
public static unsafe class FastMov
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Load<TW>(X86Cpu c, ulong a) where TW : struct, IWidth =>
        TW.Bytes == 8 ? c.Read64(a) : TW.Bytes == 4 ? c.Read32(a) : TW.Bytes == 2 ? c.Read16(a) : c.Read8(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TW>(X86Cpu c, ulong a, ulong v) where TW : struct, IWidth
    {
        if (TW.Bytes == 8) c.Write64(a, v);
        else if (TW.Bytes == 4) c.Write32(a, (uint)v);
        else if (TW.Bytes == 2) c.Write16(a, (ushort)v);
        else c.Write8(a, (byte)v);
    }

    public static void RegMem<TW>(X86Cpu c, ref Op op) where TW : struct, IWidth =>
        Regs<TW>.Set(c, op.Reg0, Load<TW>(c, Operands.Ea(c, ref op)));

    public static void MemReg<TW>(X86Cpu c, ref Op op) where TW : struct, IWidth =>
        Store<TW>(c, Operands.Ea(c, ref op), Regs<TW>.Get(c, op.Reg1));

    public static void MemImm<TW>(X86Cpu c, ref Op op) where TW : struct, IWidth =>
        Store<TW>(c, Operands.Ea(c, ref op), op.Imm);

    public static void RegReg<TW>(X86Cpu c, ref Op op) where TW : struct, IWidth =>
        Regs<TW>.Set(c, op.Reg0, Regs<TW>.Get(c, op.Reg1));

    /// <summary>The handler for a MOV whose operand kinds and width are known, or null.</summary>
    public static delegate*<X86Cpu, ref Op, void> For(OperandKind dst, OperandKind src, int size) => (dst, src, size) switch
    {
        (OperandKind.Gpr, OperandKind.Memory, 1) => &RegMem<W8>,
        (OperandKind.Gpr, OperandKind.Memory, 2) => &RegMem<W16>,
        (OperandKind.Gpr, OperandKind.Memory, 4) => &RegMem<W32>,
        (OperandKind.Gpr, OperandKind.Memory, 8) => &RegMem<W64>,
        (OperandKind.Memory, OperandKind.Gpr, 1) => &MemReg<W8>,
        (OperandKind.Memory, OperandKind.Gpr, 2) => &MemReg<W16>,
        (OperandKind.Memory, OperandKind.Gpr, 4) => &MemReg<W32>,
        (OperandKind.Memory, OperandKind.Gpr, 8) => &MemReg<W64>,
        (OperandKind.Memory, OperandKind.Immediate, 1) => &MemImm<W8>,
        (OperandKind.Memory, OperandKind.Immediate, 2) => &MemImm<W16>,
        (OperandKind.Memory, OperandKind.Immediate, 4) => &MemImm<W32>,
        (OperandKind.Memory, OperandKind.Immediate, 8) => &MemImm<W64>,
        (OperandKind.Gpr, OperandKind.Gpr, 1) => &RegReg<W8>,
        (OperandKind.Gpr, OperandKind.Gpr, 2) => &RegReg<W16>,
        (OperandKind.Gpr, OperandKind.Gpr, 4) => &RegReg<W32>,
        (OperandKind.Gpr, OperandKind.Gpr, 8) => &RegReg<W64>,
        _ => null,
    };
}

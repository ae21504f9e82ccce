using Iced.Intel;
using QemuSharp.Target.X86.Exec;
using static QemuSharp.Target.X86.Exec.IntegerHandlers;

namespace QemuSharp.Target.X86.Translate;

/// <summary>
/// Chooses the handler of each decoded instruction and the per-op numbers it is indexed by (the
/// ALU or shift operation, the condition code, the repeat prefix). Instruction families are
/// rows; the handler never looks at the encoding again.
/// </summary>
public static unsafe partial class Binder
{
    /// <summary>Binds <paramref name="op"/>; returns false for an instruction we do not implement (it raises #UD).</summary>
    public static bool Bind(ref Op op)
    {
        ref readonly Instruction i = ref op.Insn;
        Mnemonic m = i.Mnemonic;
        if (BindSystem(ref op, i, m) || BindInteger(ref op, i, m) || BindControl(ref op, i, m) || BindSse(ref op, i, m) || BindX87(ref op, i, m))
            return true;
        op.Exec = &SystemHandlers.Undefined;
        return false;
    }

    private static void Set(ref Op op, delegate*<Cpu.X86Cpu, ref Op, void> handler, byte cond = 0)
    {
        op.Exec = handler;
        op.Cond = cond;
    }

    private static bool BindInteger(ref Op op, in Instruction i, Mnemonic m)
    {
        switch (m)
        {
            case Mnemonic.Add: case Mnemonic.Or: case Mnemonic.Adc: case Mnemonic.Sbb:
            case Mnemonic.And: case Mnemonic.Sub: case Mnemonic.Xor: case Mnemonic.Cmp:
                byte alu = (byte)(m switch
                {
                    Mnemonic.Add => AluOp.Add, Mnemonic.Or => AluOp.Or, Mnemonic.Adc => AluOp.Adc, Mnemonic.Sbb => AluOp.Sbb,
                    Mnemonic.And => AluOp.And, Mnemonic.Sub => AluOp.Sub, Mnemonic.Xor => AluOp.Xor, _ => AluOp.Cmp,
                });
                if (!BindFastAlu(ref op, alu))
                    Set(ref op, &AluGroup, alu);
                return true;
            case Mnemonic.Test:
                if (!BindFastAlu(ref op, 8))
                    Set(ref op, &Test);
                return true;
            case Mnemonic.Inc: Set(ref op, &Inc); return true;
            case Mnemonic.Dec: Set(ref op, &Dec); return true;
            case Mnemonic.Neg: Set(ref op, &Neg); return true;
            case Mnemonic.Not: Set(ref op, &Not); return true;
            case Mnemonic.Mov when op.Kind0 is OperandKind.Gpr or OperandKind.Memory && op.Kind1 is OperandKind.Gpr or OperandKind.Memory or OperandKind.Immediate:
                if (op.Kind0 == OperandKind.Gpr && op.Kind1 == OperandKind.Immediate) Set(ref op, &MovRegImm);
                else if (FastMov.For(op.Kind0, op.Kind1, op.Size) is var fast && fast != null) Set(ref op, fast);
                else Set(ref op, &Mov);
                return true;
            case Mnemonic.Movzx:
                op.Reg2 = (byte)SourceSize(i);
                Set(ref op, &Movzx);
                return true;
            case Mnemonic.Movsx: case Mnemonic.Movsxd:
                op.Reg2 = (byte)SourceSize(i);
                Set(ref op, &Movsx);
                return true;
            case Mnemonic.Lea: Set(ref op, &Lea); return true;
            case Mnemonic.Xchg:
                if (op.Kind1 == OperandKind.Memory)
                    (op.Kind0, op.Kind1, op.Reg1) = (OperandKind.Memory, OperandKind.Gpr, op.Reg0);
                Set(ref op, &Xchg);
                return true;
            case Mnemonic.Xadd: Set(ref op, &Xadd); return true;
            case Mnemonic.Cmpxchg: Set(ref op, &Cmpxchg); return true;
            case Mnemonic.Cmpxchg8b: op.Size = 8; Set(ref op, &Cmpxchg8b16b); return true;
            case Mnemonic.Cmpxchg16b: op.Size = 16; Set(ref op, &Cmpxchg8b16b); return true;
            case Mnemonic.Cbw: op.Size = 2; Set(ref op, &SignExtendAccumulator); return true;
            case Mnemonic.Cwde: op.Size = 4; Set(ref op, &SignExtendAccumulator); return true;
            case Mnemonic.Cdqe: op.Size = 8; Set(ref op, &SignExtendAccumulator); return true;
            case Mnemonic.Cwd: op.Size = 2; Set(ref op, &SignExtendIntoRdx); return true;
            case Mnemonic.Cdq: op.Size = 4; Set(ref op, &SignExtendIntoRdx); return true;
            case Mnemonic.Cqo: op.Size = 8; Set(ref op, &SignExtendIntoRdx); return true;
            case Mnemonic.Bswap: Set(ref op, &Bswap); return true;
            case Mnemonic.Movbe: Set(ref op, &Movbe); return true;
            case Mnemonic.Rol: case Mnemonic.Ror: case Mnemonic.Rcl: case Mnemonic.Rcr:
            case Mnemonic.Shl: case Mnemonic.Shr: case Mnemonic.Sal: case Mnemonic.Sar:
                byte sh = (byte)(m switch
                {
                    Mnemonic.Rol => ShiftOp.Rol, Mnemonic.Ror => ShiftOp.Ror, Mnemonic.Rcl => ShiftOp.Rcl, Mnemonic.Rcr => ShiftOp.Rcr,
                    Mnemonic.Shl => ShiftOp.Shl, Mnemonic.Shr => ShiftOp.Shr, Mnemonic.Sal => ShiftOp.Sal, _ => ShiftOp.Sar,
                });
                if (op.Kind1 == OperandKind.None || i.OpCount < 2)
                {
                    op.Kind1 = OperandKind.Immediate;
                    op.Imm = 1;
                }
                Set(ref op, &ShiftHandlers.ShiftGroup, sh);
                return true;
            case Mnemonic.Shld: Set(ref op, &ShiftHandlers.DoubleShift, 0); return true;
            case Mnemonic.Shrd: Set(ref op, &ShiftHandlers.DoubleShift, 1); return true;
            case Mnemonic.Mul: Set(ref op, &MulDivHandlers.Mul); return true;
            case Mnemonic.Imul:
                if (i.OpCount == 1) Set(ref op, &MulDivHandlers.ImulOne);
                else Set(ref op, &MulDivHandlers.ImulTwo);
                return true;
            case Mnemonic.Div: Set(ref op, &MulDivHandlers.Div); return true;
            case Mnemonic.Idiv: Set(ref op, &MulDivHandlers.Idiv); return true;
            case Mnemonic.Bt: Set(ref op, &BitHandlers.BitTest, 0); return true;
            case Mnemonic.Bts: Set(ref op, &BitHandlers.BitTest, 1); return true;
            case Mnemonic.Btr: Set(ref op, &BitHandlers.BitTest, 2); return true;
            case Mnemonic.Btc: Set(ref op, &BitHandlers.BitTest, 3); return true;
            case Mnemonic.Bsf: Set(ref op, &BitHandlers.BitScan, 0); return true;
            case Mnemonic.Bsr: Set(ref op, &BitHandlers.BitScan, 1); return true;
            case Mnemonic.Popcnt: Set(ref op, &BitHandlers.Popcnt); return true;
            // Without BMI1/ABM in CPUID (none of our models has them) the F3-prefixed encodings
            // run as BSF and BSR, as on processors that predate them.
            case Mnemonic.Tzcnt: Set(ref op, &BitHandlers.BitScan, 0); return true;
            case Mnemonic.Lzcnt: Set(ref op, &BitHandlers.BitScan, 1); return true;
            default:
                return false;
        }
    }

    /// <summary>The width-specialized handlers for ALU operations with a register destination.</summary>
    private static bool BindFastAlu(ref Op op, byte alu)
    {
        if (op.Kind0 != OperandKind.Gpr || op.Size > 8)
            return false;
        nint[,]? table = op.Kind1 switch
        {
            OperandKind.Gpr => FastAlu.RegRegTable,
            OperandKind.Immediate => FastAlu.RegImmTable,
            OperandKind.Memory => FastAlu.RegMemTable,
            _ => null,
        };
        if (table == null)
            return false;
        op.Cond = alu;
        op.Exec = (delegate*<Cpu.X86Cpu, ref Op, void>)table[alu, FastAlu.WidthIndex(op.Size)];
        return true;
    }

    /// <summary>The size of the source operand of MOVZX/MOVSX/MOVSXD.</summary>
    private static int SourceSize(in Instruction i) =>
        i.Op1Kind == OpKind.Register ? i.Op1Register.GetSize() : i.MemorySize.GetSize();
}

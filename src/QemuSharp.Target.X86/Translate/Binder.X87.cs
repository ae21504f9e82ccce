using Iced.Intel;
using QemuSharp.Target.X86.Exec;
using QemuSharp.Target.X86.X87;
using H = QemuSharp.Target.X86.Exec.X87Handlers;
using A = QemuSharp.Target.X86.Exec.X87ArithHandlers;
using K = QemuSharp.Target.X86.Exec.X87ControlHandlers;

namespace QemuSharp.Target.X86.Translate;

/// <summary>
/// x87 instructions. Every field a handler needs is fixed here: <see cref="Op.Imm"/> holds the
/// 11-bit FPU opcode (FOP), <see cref="Op.Reg0"/>/<see cref="Op.Reg1"/> the ST(i) indexes
/// (destination, source), <see cref="Op.Size"/> the memory operand's size, <see cref="Op.Cond"/>
/// the operation and <see cref="Op.Rep"/> the <see cref="X87Handlers"/> option bits.
/// </summary>
public static unsafe partial class Binder
{
    private static bool BindX87(ref Op op, in Instruction i, Mnemonic m)
    {
        OpCodeInfo info = i.Code.ToOpCode();
        uint first = info.OpCodeLength == 2 ? info.OpCode >> 8 : info.OpCode;
        if (m != Mnemonic.Wait && (info.Encoding != EncodingKind.Legacy || info.Table != OpCodeTableKind.Normal || first is < 0xD8 or > 0xDF))
            return false;
        op.Imm = FpuOpcode(op, i, info);
        op.Reg0 = (byte)StIndex(i, 0);
        op.Reg1 = (byte)StIndex(i, 1);
        op.Rep = 0;
        bool memory = op.Kind0 == OperandKind.Memory;
        if (memory)
            op.Size = (byte)i.MemorySize.GetSize();
        return BindX87Data(ref op, i, m, memory) || BindX87Arith(ref op, m, memory) || BindX87Control(ref op, i, m, memory);
    }

    private static bool BindX87Data(ref Op op, in Instruction i, Mnemonic m, bool memory)
    {
        switch (m)
        {
            case Mnemonic.Fld when memory: op.Exec = &H.LoadFloat; return true;
            case Mnemonic.Fld: op.Reg0 = op.Reg1 = (byte)Math.Max(op.Reg0, op.Reg1); op.Exec = &H.LoadRegister; return true;
            case Mnemonic.Fild: op.Exec = &H.LoadInteger; return true;
            case Mnemonic.Fbld: op.Exec = &H.LoadBcd; return true;
            case Mnemonic.Fld1: case Mnemonic.Fldl2t: case Mnemonic.Fldl2e: case Mnemonic.Fldpi:
            case Mnemonic.Fldlg2: case Mnemonic.Fldln2: case Mnemonic.Fldz:
                op.Cond = (byte)(m switch
                {
                    Mnemonic.Fld1 => X87Constant.One, Mnemonic.Fldl2t => X87Constant.Log2Ten, Mnemonic.Fldl2e => X87Constant.Log2E,
                    Mnemonic.Fldpi => X87Constant.Pi, Mnemonic.Fldlg2 => X87Constant.Log10Two, Mnemonic.Fldln2 => X87Constant.LnTwo,
                    _ => X87Constant.Zero,
                });
                op.Exec = &H.LoadConstant;
                return true;
            case Mnemonic.Fst: case Mnemonic.Fstp: case Mnemonic.Fstpnce:
                if (m != Mnemonic.Fst)
                    op.Rep |= H.PopOnce;
                op.Exec = memory ? &H.StoreFloat : &H.StoreRegister;
                return true;
            case Mnemonic.Fist: op.Exec = &H.StoreInteger; return true;
            case Mnemonic.Fistp: op.Rep |= H.PopOnce; op.Exec = &H.StoreInteger; return true;
            case Mnemonic.Fisttp: op.Rep |= H.PopOnce | H.Truncate; op.Exec = &H.StoreInteger; return true;
            case Mnemonic.Fbstp: op.Exec = &H.StoreBcd; return true;
            case Mnemonic.Fxch: op.Exec = &H.Exchange; return true;
            case Mnemonic.Fcmovb: case Mnemonic.Fcmovnb: case Mnemonic.Fcmove: case Mnemonic.Fcmovne:
            case Mnemonic.Fcmovbe: case Mnemonic.Fcmovnbe: case Mnemonic.Fcmovu: case Mnemonic.Fcmovnu:
                // The EFLAGS condition codes of Jcc: B 2, E 4, BE 6, P 10; odd is the negation.
                op.Cond = (byte)(m switch
                {
                    Mnemonic.Fcmovb => 2, Mnemonic.Fcmovnb => 3, Mnemonic.Fcmove => 4, Mnemonic.Fcmovne => 5,
                    Mnemonic.Fcmovbe => 6, Mnemonic.Fcmovnbe => 7, Mnemonic.Fcmovu => 10, _ => 11,
                });
                op.Exec = &H.ConditionalMove;
                return true;
        }
        return false;
    }

    private static bool BindX87Arith(ref Op op, Mnemonic m, bool memory)
    {
        X87ArithOp? arith = m switch
        {
            Mnemonic.Fadd or Mnemonic.Faddp or Mnemonic.Fiadd => X87ArithOp.Add,
            Mnemonic.Fmul or Mnemonic.Fmulp or Mnemonic.Fimul => X87ArithOp.Multiply,
            Mnemonic.Fsub or Mnemonic.Fsubp or Mnemonic.Fisub => X87ArithOp.Subtract,
            Mnemonic.Fsubr or Mnemonic.Fsubrp or Mnemonic.Fisubr => X87ArithOp.SubtractReverse,
            Mnemonic.Fdiv or Mnemonic.Fdivp or Mnemonic.Fidiv => X87ArithOp.Divide,
            Mnemonic.Fdivr or Mnemonic.Fdivrp or Mnemonic.Fidivr => X87ArithOp.DivideReverse,
            _ => null,
        };
        if (arith is { } a)
        {
            op.Cond = (byte)a;
            if (m is Mnemonic.Faddp or Mnemonic.Fmulp or Mnemonic.Fsubp or Mnemonic.Fsubrp or Mnemonic.Fdivp or Mnemonic.Fdivrp)
                op.Rep |= H.PopOnce;
            if (m is Mnemonic.Fiadd or Mnemonic.Fimul or Mnemonic.Fisub or Mnemonic.Fisubr or Mnemonic.Fidiv or Mnemonic.Fidivr)
                op.Exec = &A.ArithInteger;
            else
                op.Exec = memory ? &A.ArithFloat : &A.ArithRegisters;
            return true;
        }
        switch (m)
        {
            case Mnemonic.Fcom: case Mnemonic.Fcomp: case Mnemonic.Fcompp:
            case Mnemonic.Fucom: case Mnemonic.Fucomp: case Mnemonic.Fucompp:
            case Mnemonic.Ficom: case Mnemonic.Ficomp:
                if (m is Mnemonic.Fcomp or Mnemonic.Fucomp or Mnemonic.Ficomp)
                    op.Rep |= H.PopOnce;
                if (m is Mnemonic.Fcompp or Mnemonic.Fucompp)
                    op.Rep |= H.PopTwice;
                if (m is not (Mnemonic.Fucom or Mnemonic.Fucomp or Mnemonic.Fucompp))
                    op.Rep |= H.Ordered;
                if (m is Mnemonic.Fcompp or Mnemonic.Fucompp)
                    op.Reg0 = op.Reg1 = 1;
                op.Exec = m is Mnemonic.Ficom or Mnemonic.Ficomp ? &A.CompareInteger : memory ? &A.CompareFloat : &A.CompareRegister;
                return true;
            case Mnemonic.Fcomi: case Mnemonic.Fcomip: case Mnemonic.Fucomi: case Mnemonic.Fucomip:
                if (m is Mnemonic.Fcomip or Mnemonic.Fucomip)
                    op.Rep |= H.PopOnce;
                if (m is Mnemonic.Fcomi or Mnemonic.Fcomip)
                    op.Rep |= H.Ordered;
                op.Exec = &A.CompareToEflags;
                return true;
            case Mnemonic.Ftst: op.Exec = &A.Test; return true;
            case Mnemonic.Fxam: op.Exec = &A.Examine; return true;
            case Mnemonic.Fchs: op.Cond = 0; op.Exec = &A.ChangeSign; return true;
            case Mnemonic.Fabs: op.Cond = 1; op.Exec = &A.ChangeSign; return true;
            case Mnemonic.Fsqrt: case Mnemonic.Frndint: case Mnemonic.F2xm1: case Mnemonic.Fsin: case Mnemonic.Fcos:
                op.Cond = (byte)(m switch
                {
                    Mnemonic.Fsqrt => X87UnaryOp.SquareRoot, Mnemonic.Frndint => X87UnaryOp.RoundToInteger,
                    Mnemonic.F2xm1 => X87UnaryOp.Exp2Minus1, Mnemonic.Fsin => X87UnaryOp.Sine, _ => X87UnaryOp.Cosine,
                });
                op.Exec = &A.Unary;
                return true;
            case Mnemonic.Fprem: case Mnemonic.Fprem1: case Mnemonic.Fscale:
            case Mnemonic.Fpatan: case Mnemonic.Fyl2x: case Mnemonic.Fyl2xp1:
                op.Cond = (byte)(m switch
                {
                    Mnemonic.Fprem => X87BinaryOp.PartialRemainder, Mnemonic.Fprem1 => X87BinaryOp.IeeeRemainder,
                    Mnemonic.Fscale => X87BinaryOp.Scale, Mnemonic.Fpatan => X87BinaryOp.ArcTangent,
                    Mnemonic.Fyl2x => X87BinaryOp.YLog2X, _ => X87BinaryOp.YLog2XPlus1,
                });
                op.Exec = &A.Binary;
                return true;
            case Mnemonic.Fsincos: op.Exec = &A.SineCosine; return true;
            case Mnemonic.Fptan: op.Exec = &A.PartialTangent; return true;
            case Mnemonic.Fxtract: op.Exec = &A.Extract; return true;
        }
        return false;
    }

    private static bool BindX87Control(ref Op op, in Instruction i, Mnemonic m, bool memory)
    {
        // The 9B-prefixed forms that Iced may decode as one instruction wait first.
        if (m is Mnemonic.Finit or Mnemonic.Fclex or Mnemonic.Fstcw or Mnemonic.Fstsw or Mnemonic.Fstenv or Mnemonic.Fsave
            or Mnemonic.Feni or Mnemonic.Fdisi or Mnemonic.Fsetpm)
            op.Rep |= H.WaitFirst;
        switch (m)
        {
            case Mnemonic.Fldcw: op.Exec = &K.LoadControlWord; return true;
            case Mnemonic.Fnstcw: case Mnemonic.Fstcw: op.Exec = &K.StoreControlWord; return true;
            case Mnemonic.Fnstsw: case Mnemonic.Fstsw:
                op.Exec = memory ? &K.StoreStatusWord : &K.StoreStatusWordToAx;
                return true;
            case Mnemonic.Fnclex: case Mnemonic.Fclex: op.Exec = &K.ClearExceptions; return true;
            case Mnemonic.Fninit: case Mnemonic.Finit: op.Exec = &K.Initialize; return true;
            case Mnemonic.Wait: op.Exec = &K.Wait; return true;
            case Mnemonic.Fldenv: op.Exec = &K.LoadEnvironment; return true;
            case Mnemonic.Fnstenv: case Mnemonic.Fstenv: op.Exec = &K.StoreEnvironment; return true;
            case Mnemonic.Frstor: op.Exec = &K.Restore; return true;
            case Mnemonic.Fnsave: case Mnemonic.Fsave: op.Exec = &K.Save; return true;
            case Mnemonic.Ffree: op.Exec = &K.Free; return true;
            case Mnemonic.Ffreep: op.Rep |= H.PopOnce; op.Exec = &K.Free; return true;
            case Mnemonic.Fincstp: op.Cond = 1; op.Exec = &K.MoveTop; return true;
            case Mnemonic.Fdecstp: op.Cond = 0; op.Exec = &K.MoveTop; return true;
            // FNENI, FNDISI and FNSETPM are 8087/287 controls that later FPUs execute as FNOP.
            case Mnemonic.Fnop: case Mnemonic.Fneni: case Mnemonic.Fndisi: case Mnemonic.Fnsetpm:
            case Mnemonic.Feni: case Mnemonic.Fdisi: case Mnemonic.Fsetpm:
                op.Exec = &K.NoOperation;
                return true;
        }
        return false;
    }

    /// <summary>The ST(i) index of operand <paramref name="n"/>, or of the only ST operand, 0 when there is none.</summary>
    private static int StIndex(in Instruction i, int n)
    {
        if (i.OpCount == 1 && i.Op0Kind == OpKind.Register && i.Op0Register.IsST())
            return i.Op0Register - Register.ST0;
        if (n < i.OpCount && i.GetOpKind(n) == OpKind.Register && i.GetOpRegister(n).IsST())
            return i.GetOpRegister(n) - Register.ST0;
        return 0;
    }

    /// <summary>
    /// FOP: the low three bits of the first opcode byte, then the ModRM byte. Memory forms rebuild
    /// ModRM from the operand as it was encoded (mod from the displacement size, rm 4 for a SIB,
    /// 5 for RIP-relative).
    /// </summary>
    private static ushort FpuOpcode(in Op op, in Instruction i, OpCodeInfo info)
    {
        uint code = info.OpCode;
        if (info.OpCodeLength == 2)
        {
            int modrm = (int)(code & 0xFF);
            if (!info.ToOpCodeString().EndsWith("+i", StringComparison.Ordinal))
                return (ushort)(((code >> 8) & 7) << 8 | (uint)modrm);
            int sti = Math.Max(StIndex(i, 0), StIndex(i, 1));
            return (ushort)(((code >> 8) & 7) << 8 | (uint)(modrm | sti));
        }
        if (op.Kind0 != OperandKind.Memory)
            return (ushort)((code & 7) << 8);
        int reg = Math.Max(info.GroupIndex, 0);
        int mod, rm;
        if (i.IsIPRelativeMemoryOperand)
            (mod, rm) = (0, 5);
        else if (op.Base == Op.NoReg)
            (mod, rm) = (0, 4);
        else
        {
            rm = op.Index != Op.NoReg || (op.Base & 7) == 4 ? 4 : op.Base & 7;
            mod = i.MemoryDisplSize switch { 0 => 0, 1 => 1, _ => 2 };
        }
        return (ushort)((code & 7) << 8 | (uint)(mod << 6 | reg << 3 | rm));
    }
}

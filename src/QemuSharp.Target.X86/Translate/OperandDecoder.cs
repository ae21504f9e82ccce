using Iced.Intel;
using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.Target.X86.Translate;

/// <summary>Turns Iced's operand description into the fields of an <see cref="Op"/>, once per instruction.</summary>
public static class OperandDecoder
{
    /// <summary>Fills every operand field of <paramref name="op"/> from <paramref name="i"/>.</summary>
    public static void Fill(ref Op op, in Instruction i)
    {
        op.Ip = i.IP;
        op.Next = i.NextIP;
        op.Insn = i;
        op.Base = op.Index = Op.NoReg;
        op.Size = (byte)OperandSize(i);
        for (int n = 0; n < Math.Min(3, i.OpCount); n++)
        {
            var (kind, reg) = Describe(ref op, i, n);
            switch (n)
            {
                case 0: op.Kind0 = kind; op.Reg0 = reg; break;
                case 1: op.Kind1 = kind; op.Reg1 = reg; break;
                default: op.Kind2 = kind; op.Reg2 = reg; break;
            }
        }
        if (i.HasLockPrefix)
            op.Rep = 1;
    }

    /// <summary>The operand size of the instruction: that of its first operand.</summary>
    public static int OperandSize(in Instruction i)
    {
        if (i.OpCount > 0 && i.Op0Kind == OpKind.Register)
            return RegisterSize(i.Op0Register);
        int ms = i.MemorySize.GetSize();
        if (ms > 0)
            return ms;
        if (i.OpCount > 1 && i.Op1Kind == OpKind.Register)
            return RegisterSize(i.Op1Register);
        return 8;
    }

    public static int RegisterSize(Register r) => r.IsGPR() ? r.GetSize() : r.IsXMM() ? 16 : r.GetSize();

    private static (OperandKind, byte) Describe(ref Op op, in Instruction i, int n)
    {
        switch (i.GetOpKind(n))
        {
            case OpKind.Register:
                Register r = i.GetOpRegister(n);
                if (r.IsGPR())
                    return (OperandKind.Gpr, GprNumber(r));
                if (r.IsXMM())
                    return (OperandKind.Xmm, (byte)(r - Register.XMM0));
                return (OperandKind.Other, 0);
            case OpKind.Memory:
                FillMemory(ref op, i);
                return (OperandKind.Memory, 0);
            case OpKind.NearBranch16:
            case OpKind.NearBranch32:
            case OpKind.NearBranch64:
                op.Imm = i.NearBranchTarget;
                return (OperandKind.Immediate, 0);
            case OpKind.Immediate8:
            case OpKind.Immediate8_2nd:
            case OpKind.Immediate16:
            case OpKind.Immediate32:
            case OpKind.Immediate64:
            case OpKind.Immediate8to16:
            case OpKind.Immediate8to32:
            case OpKind.Immediate8to64:
            case OpKind.Immediate32to64:
                // The first immediate wins; ENTER's second one goes to Cond.
                if (i.GetOpKind(n) == OpKind.Immediate8_2nd)
                    op.Cond = (byte)i.GetImmediate(n);
                else
                {
                    ulong imm = i.GetImmediate(n);
                    op.Imm = op.Size >= 8 ? imm : imm & X86Cpu.Mask(op.Size);
                }
                return (OperandKind.Immediate, 0);
            default:
                // The implicit string operands ([rSI], [rDI]) and the like: handlers know them.
                if (i.GetOpKind(n) is OpKind.MemorySegRSI or OpKind.MemorySegESI or OpKind.MemorySegSI)
                    op.Segment = SegmentNumber(i, i.MemorySegment);
                if (i.GetOpKind(n) is OpKind.MemorySegESI or OpKind.MemoryESEDI or OpKind.MemorySegEDI)
                    op.Addr32 = true;
                if (i.GetOpKind(n) is OpKind.MemorySegSI or OpKind.MemoryESDI or OpKind.MemorySegDI)
                    op.Addr32 = op.Addr16 = true;
                return (OperandKind.None, 0);
        }
    }

    private static void FillMemory(ref Op op, in Instruction i)
    {
        if (i.IsIPRelativeMemoryOperand)
        {
            op.Disp = i.IPRelativeMemoryAddress;
            op.Addr32 = i.MemoryBase == Register.EIP;
        }
        else
        {
            op.Disp = i.MemoryDisplacement64;
            if (i.MemoryBase != Register.None)
            {
                op.Base = GprNumber(i.MemoryBase);
                op.Addr32 = i.MemoryBase.IsGPR32() || i.MemoryBase.IsGPR16();
                op.Addr16 = i.MemoryBase.IsGPR16();
            }
            if (i.MemoryIndex != Register.None)
            {
                op.Index = GprNumber(i.MemoryIndex);
                op.Scale = (byte)System.Numerics.BitOperations.Log2((uint)i.MemoryIndexScale);
                op.Addr32 |= i.MemoryIndex.IsGPR32() || i.MemoryIndex.IsGPR16();
                op.Addr16 |= i.MemoryIndex.IsGPR16();
            }
            if (i.MemoryBase == Register.None && i.MemoryIndex == Register.None && i.CodeSize != CodeSize.Code64)
            {
                op.Addr16 = i.MemoryDisplSize == 2;
                op.Addr32 = true;
            }
            if (op.Addr32)
                op.Disp = op.Addr16 ? (ushort)op.Disp : (uint)op.Disp;
        }
        op.Segment = SegmentNumber(i, i.MemorySegment);
    }

    /// <summary>The base slot a memory operand adds: in 64-bit mode only FS and GS have bases.</summary>
    public static byte SegmentNumber(in Instruction i, Register seg)
    {
        if (i.CodeSize == CodeSize.Code64)
            return seg switch { Register.FS => 1, Register.GS => 2, _ => 0 };
        return seg switch
        {
            Register.FS => 1, Register.GS => 2, Register.ES => 3, Register.CS => 4, Register.SS => 5, Register.DS => 6,
            _ => 0,
        };
    }

    /// <summary>The encoding number of a general-purpose register; 16-19 stand for AH, CH, DH, BH.</summary>
    public static byte GprNumber(Register r)
    {
        if (r.IsGPR64()) return (byte)(r - Register.RAX);
        if (r.IsGPR32()) return (byte)(r - Register.EAX);
        if (r.IsGPR16()) return (byte)(r - Register.AX);
        int n = r - Register.AL;
        return n switch
        {
            < 4 => (byte)n,
            < 8 => (byte)(16 + n - 4),
            _ => (byte)(n - 4),
        };
    }
}

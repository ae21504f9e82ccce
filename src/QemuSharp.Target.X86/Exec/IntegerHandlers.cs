using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;
using static QemuSharp.Target.X86.Exec.Operands;

namespace QemuSharp.Target.X86.Exec;

/// <summary>Data movement and ALU instructions: ADD..CMP, TEST, INC, DEC, NEG, NOT, MOV and its kin.</summary>
public static unsafe class IntegerHandlers
{
    public const byte LockPrefix = 1;

    public static void AluGroup(X86Cpu c, ref Op op)
    {
        var alu = (AluOp)op.Cond;
        ulong b = Read1(c, ref op);
        if (op.Kind0 == OperandKind.Memory && op.Rep == LockPrefix && alu != AluOp.Cmp)
        {
            LockedRmw(c, ref op, (c, size, old, b, alu) => Alu.Compute(c, (AluOp)alu, size, old, b), b, op.Cond);
            return;
        }
        ulong a = ReadModify0(c, ref op, out ulong ea);
        ulong r = Alu.Compute(c, alu, op.Size, a, b);
        if (alu != AluOp.Cmp)
            Write0(c, ref op, ea, r);
    }

    public static void Test(X86Cpu c, ref Op op)
    {
        ulong r = Read0(c, ref op) & Read1(c, ref op);
        c.SetLazy(FlagOp.Logic, op.Size, r, 0);
    }

    public static void Inc(X86Cpu c, ref Op op) => Unary(c, ref op, 0);
    public static void Dec(X86Cpu c, ref Op op) => Unary(c, ref op, 1);
    public static void Neg(X86Cpu c, ref Op op) => Unary(c, ref op, 2);
    public static void Not(X86Cpu c, ref Op op) => Unary(c, ref op, 3);

    private static ulong UnaryOp(X86Cpu c, int size, ulong a, ulong kind) => kind switch
    {
        0 => Alu.Inc(c, size, a),
        1 => Alu.Dec(c, size, a),
        2 => Alu.Neg(c, size, a),
        _ => ~a & X86Cpu.Mask(size),
    };

    private static void Unary(X86Cpu c, ref Op op, int kind)
    {
        if (op.Kind0 == OperandKind.Memory && op.Rep == LockPrefix)
        {
            LockedRmw(c, ref op, (c, size, old, _, k) => UnaryOp(c, size, old, (ulong)k), 0, (byte)kind);
            return;
        }
        ulong a = ReadModify0(c, ref op, out ulong ea);
        Write0(c, ref op, ea, UnaryOp(c, op.Size, a, (ulong)kind));
    }

    /// <summary>
    /// A LOCK-prefixed read-modify-write of operand 0: a compare-and-swap loop on the host
    /// memory, so that it is atomic against other guest threads.
    /// </summary>
    public static ulong LockedRmw(X86Cpu c, ref Op op, Func<X86Cpu, int, ulong, ulong, byte, ulong> compute, ulong b, byte arg)
    {
        ulong ea = Ea(c, ref op);
        int size = op.Size;
        byte* p = c.WritablePointer(ea, (uint)size);
        if (p == null)
        {
            lock (Atomic.SplitLock)
            {
                ulong old = c.Read(ea, size);
                c.Write(ea, size, compute(c, size, old, b, arg));
                return old;
            }
        }
        while (true)
        {
            ulong old = Atomic.Load(p, size);
            ulong r = compute(c, size, old, b, arg);
            if (Atomic.CompareExchange(p, size, r, old) == old)
                return old;
        }
    }

    public static void Mov(X86Cpu c, ref Op op) => Write0(c, ref op, Read1(c, ref op));


    public static void MovRegImm(X86Cpu c, ref Op op) => SetReg(c, op.Reg0, op.Size, op.Imm);



    /// <summary>MOVZX: operand 1's size is in Op.Reg2.</summary>
    public static void Movzx(X86Cpu c, ref Op op) =>
        SetReg(c, op.Reg0, op.Size, Read(c, ref op, op.Kind1, op.Reg1, op.Reg2));

    /// <summary>MOVSX and MOVSXD: operand 1's size is in Op.Reg2.</summary>
    public static void Movsx(X86Cpu c, ref Op op)
    {
        int from = op.Reg2;
        ulong v = Read(c, ref op, op.Kind1, op.Reg1, from);
        int shift = 64 - 8 * from;
        SetReg(c, op.Reg0, op.Size, (ulong)((long)(v << shift) >> shift));
    }

    public static void Lea(X86Cpu c, ref Op op)
    {
        ulong a = op.Disp;
        if (op.Base != Op.NoReg) a += c.R[op.Base];
        if (op.Index != Op.NoReg) a += c.R[op.Index] << op.Scale;
        if (op.Addr32) a = (uint)a;
        SetReg(c, op.Reg0, op.Size, a);
    }

    public static void Xchg(X86Cpu c, ref Op op)
    {
        if (op.Kind0 == OperandKind.Memory || op.Kind1 == OperandKind.Memory)
        {
            // XCHG with memory is always locked. The translator puts the memory operand first.
            ulong v = GetReg(c, op.Reg1, op.Size);
            ulong old = LockedRmw(c, ref op, (_, _, _, b, _) => b, v, 0);
            SetReg(c, op.Reg1, op.Size, old);
            return;
        }
        ulong a = GetReg(c, op.Reg0, op.Size), b2 = GetReg(c, op.Reg1, op.Size);
        SetReg(c, op.Reg0, op.Size, b2);
        SetReg(c, op.Reg1, op.Size, a);
    }

    public static void Xadd(X86Cpu c, ref Op op)
    {
        ulong b = GetReg(c, op.Reg1, op.Size);
        ulong old;
        if (op.Kind0 == OperandKind.Memory && op.Rep == LockPrefix)
            old = LockedRmw(c, ref op, (c, size, a, b, _) => Alu.Compute(c, AluOp.Add, size, a, b), b, 0);
        else
        {
            old = ReadModify0(c, ref op, out ulong ea);
            Write0(c, ref op, ea, Alu.Compute(c, AluOp.Add, op.Size, old, b));
        }
        SetReg(c, op.Reg1, op.Size, old);
        if (op.Kind0 == OperandKind.Memory)
            return;
        // With a register destination the sum lands in operand 0 after the exchange.
        SetReg(c, op.Reg0, op.Size, (old + b) & X86Cpu.Mask(op.Size));
    }

    public static void Cmpxchg(X86Cpu c, ref Op op)
    {
        int size = op.Size;
        ulong expected = GetReg(c, Gpr.Rax, size);
        ulong src = GetReg(c, op.Reg1, size);
        ulong old;
        if (op.Kind0 == OperandKind.Memory)
        {
            ulong ea = Ea(c, ref op);
            byte* p = c.WritablePointer(ea, (uint)size);
            if (p != null)
                old = Atomic.CompareExchange(p, size, src, expected);
            else
                lock (Atomic.SplitLock)
                {
                    old = c.Read(ea, size);
                    // The processor always writes the destination: the old value back on failure.
                    c.Write(ea, size, old == expected ? src : old);
                }
        }
        else
        {
            old = GetReg(c, op.Reg0, size);
            if (old == expected)
                SetReg(c, op.Reg0, size, src);
        }
        Alu.Compute(c, AluOp.Cmp, size, expected, old);
        if (old != expected)
            SetReg(c, Gpr.Rax, size, old);
    }

    /// <summary>CMPXCHG8B (Op.Size 8) and CMPXCHG16B (Op.Size 16).</summary>
    public static void Cmpxchg8b16b(X86Cpu c, ref Op op)
    {
        ulong ea = Ea(c, ref op);
        if (op.Size == 16)
        {
            if ((ea & 15) != 0)
                throw c.RaiseGp();
            UInt128 expected = new(c.R[Gpr.Rdx], c.R[Gpr.Rax]);
            UInt128 desired = new(c.R[Gpr.Rcx], c.R[Gpr.Rbx]);
            UInt128 old;
            lock (Atomic.SplitLock)
            {
                old = new UInt128(c.Read64(ea + 8), c.Read64(ea));
                UInt128 store = old == expected ? desired : old;
                c.Write64(ea, (ulong)store);
                c.Write64(ea + 8, (ulong)(store >> 64));
            }
            SetZf(c, old == expected);
            if (old != expected)
            {
                c.R[Gpr.Rax] = (ulong)old;
                c.R[Gpr.Rdx] = (ulong)(old >> 64);
            }
            return;
        }
        ulong exp8 = (uint)c.R[Gpr.Rax] | (c.R[Gpr.Rdx] << 32);
        ulong des8 = (uint)c.R[Gpr.Rbx] | (c.R[Gpr.Rcx] << 32);
        byte* p = c.WritablePointer(ea, 8);
        ulong old8;
        if (p != null)
            old8 = Atomic.CompareExchange(p, 8, des8, exp8);
        else
            lock (Atomic.SplitLock)
            {
                old8 = c.Read64(ea);
                c.Write64(ea, old8 == exp8 ? des8 : old8);
            }
        SetZf(c, old8 == exp8);
        if (old8 != exp8)
        {
            c.R[Gpr.Rax] = (uint)old8;
            c.R[Gpr.Rdx] = old8 >> 32;
        }
    }

    private static void SetZf(X86Cpu c, bool zf) => c.UpdateStatusFlags(EFlags.ZF, zf ? EFlags.ZF : 0);

    /// <summary>CBW, CWDE, CDQE: sign-extend the lower half of rAX into rAX.</summary>
    public static void SignExtendAccumulator(X86Cpu c, ref Op op)
    {
        int half = op.Size * 4;
        ulong v = c.R[Gpr.Rax] << (64 - half);
        SetReg(c, Gpr.Rax, op.Size, (ulong)((long)v >> (64 - half)));
    }

    /// <summary>CWD, CDQ, CQO: fill rDX with the sign of rAX.</summary>
    public static void SignExtendIntoRdx(X86Cpu c, ref Op op)
    {
        ulong a = GetReg(c, Gpr.Rax, op.Size);
        bool negative = ((a >> (op.Size * 8 - 1)) & 1) != 0;
        SetReg(c, Gpr.Rdx, op.Size, negative ? ulong.MaxValue : 0);
    }

    public static void Bswap(X86Cpu c, ref Op op)
    {
        ulong v = c.R[op.Reg0];
        if (op.Size == 8)
            c.R[op.Reg0] = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v);
        else if (op.Size == 4)
            c.R[op.Reg0] = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)v);
        else
            SetReg(c, op.Reg0, 2, 0); // BSWAP of a 16-bit register is undefined; hardware zeroes it.
    }

    public static void Movbe(X86Cpu c, ref Op op)
    {
        ulong v = Read1(c, ref op);
        v = op.Size switch
        {
            2 => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)v),
            4 => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)v),
            _ => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v),
        };
        Write0(c, ref op, v);
    }
}

using System.Runtime.CompilerServices;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;

namespace QemuSharp.Target.X86.Exec;

/// <summary>Reads and writes the operands that the translator described in an <see cref="Op"/>.</summary>
public static class Operands
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Ea(X86Cpu c, ref Op op)
    {
        ulong a = op.Disp;
        if (op.Base != Op.NoReg)
            a += c.R[op.Base];
        if (op.Index != Op.NoReg)
            a += c.R[op.Index] << op.Scale;
        if (op.Addr32)
            a = op.Addr16 ? (ushort)a : (uint)a;
        if (op.Segment != 0)
            a += Unsafe.Add(ref c.SegBase[0], op.Segment);
        return a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong GetReg(X86Cpu c, int reg, int size)
    {
        if (reg >= 16)
            return (byte)(c.R[reg - 16] >> 8);
        ulong v = c.R[reg];
        return size switch
        {
            1 => (byte)v,
            2 => (ushort)v,
            4 => (uint)v,
            _ => v,
        };
    }

    /// <summary>Writes a register as x86-64 does: 32-bit writes zero the upper half, 8- and 16-bit writes merge.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetReg(X86Cpu c, int reg, int size, ulong v)
    {
        if (reg >= 16)
        {
            ref ulong h = ref c.R[reg - 16];
            h = (h & ~0xff00UL) | ((v & 0xff) << 8);
            return;
        }
        ref ulong r = ref c.R[reg];
        r = size switch
        {
            1 => (r & ~0xffUL) | (byte)v,
            2 => (r & ~0xffffUL) | (ushort)v,
            4 => (uint)v,
            _ => v,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Read(X86Cpu c, ref Op op, OperandKind kind, int reg, int size) => kind switch
    {
        OperandKind.Gpr => GetReg(c, reg, size),
        OperandKind.Memory => c.Read(Ea(c, ref op), size),
        _ => op.Imm,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Read0(X86Cpu c, ref Op op) => Read(c, ref op, op.Kind0, op.Reg0, op.Size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Read1(X86Cpu c, ref Op op) => Read(c, ref op, op.Kind1, op.Reg1, op.Size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write0(X86Cpu c, ref Op op, ulong v)
    {
        if (op.Kind0 == OperandKind.Gpr)
            SetReg(c, op.Reg0, op.Size, v);
        else
            c.Write(Ea(c, ref op), op.Size, v);
    }

    /// <summary>Writes operand 0 at an effective address already computed for its read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write0(X86Cpu c, ref Op op, ulong ea, ulong v)
    {
        if (op.Kind0 == OperandKind.Gpr)
            SetReg(c, op.Reg0, op.Size, v);
        else
            c.Write(ea, op.Size, v);
    }

    /// <summary>Reads operand 0 for a read-modify-write, returning the effective address it used.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ReadModify0(X86Cpu c, ref Op op, out ulong ea)
    {
        if (op.Kind0 == OperandKind.Gpr)
        {
            ea = 0;
            return GetReg(c, op.Reg0, op.Size);
        }
        ea = Ea(c, ref op);
        return c.Read(ea, op.Size);
    }

    /// <summary>Pushes on the 64-bit flat stack (handlers bound for 16- and 32-bit code use <see cref="X86Cpu.PushStack"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Push(X86Cpu c, ulong v, int size = 8)
    {
        ulong sp = c.R[Gpr.Rsp] - (ulong)size;
        c.Write(sp, size, v);
        c.R[Gpr.Rsp] = sp;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Pop(X86Cpu c, int size = 8)
    {
        ulong sp = c.R[Gpr.Rsp];
        ulong v = c.Read(sp, size);
        c.R[Gpr.Rsp] = sp + (ulong)size;
        return v;
    }
}

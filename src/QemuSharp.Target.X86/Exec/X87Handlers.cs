using System.Runtime.CompilerServices;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Mmu;
using QemuSharp.Target.X86.Translate;
using QemuSharp.Target.X86.X87;

namespace QemuSharp.Target.X86.Exec;

/// <summary>
/// x87 loads, stores, exchanges and conditional moves, and the bookkeeping every non-control
/// x87 instruction shares: #MF for a pending unmasked exception, then FIP, FCS and FOP, and for
/// a memory operand FDP and FDS (the offset and the selector of its segment).
/// </summary>
public static class X87Handlers
{
    /// <summary><see cref="Op.Rep"/> bits.</summary>
    public const byte PopOnce = 1, PopTwice = 2, Ordered = 4, Truncate = 8, WaitFirst = 16;

    /// <summary>A waiting instruction raises #MF first when an unmasked exception is pending.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RaisePending(X86Cpu c)
    {
        if (c.X87.ExceptionPending)
            throw c.Fault.Set(Vector.MF);
    }

    /// <summary>Starts a non-control instruction without a memory operand.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static X87State Begin(X86Cpu c, ref Op op)
    {
        X87State x = c.X87;
        if (x.ExceptionPending)
            throw c.Fault.Set(Vector.MF);
        x.NoteInstruction(op.Ip, c.Cs, (ushort)op.Imm);
        return x;
    }

    /// <summary>Starts a non-control instruction with a memory operand; returns its linear address.</summary>
    public static ulong BeginMemory(X86Cpu c, ref Op op, out X87State x)
    {
        x = c.X87;
        if (x.ExceptionPending)
            throw c.Fault.Set(Vector.MF);
        ulong ea = Operands.Ea(c, ref op);
        (ulong offset, ushort selector) = op.Segment switch
        {
            1 => (ea - c.FsBase, c.Fs),
            2 => (ea - c.GsBase, c.Gs),
            _ => (ea, op.Base is Gpr.Rsp or Gpr.Rbp ? c.Ss : c.Ds),
        };
        x.NoteInstruction(op.Ip, c.Cs, (ushort)op.Imm, offset, selector);
        return ea;
    }

    /// <summary>Faults now, before any state changes, if [a, a + size) is not writable.</summary>
    public static unsafe void ProbeWrite(X86Cpu c, ulong a, int size)
    {
        if (c.Tlb.TryWrite(a, 1) == null)
            c.Tlb.Fill(a, Access.Write);
        ulong last = a + (ulong)size - 1;
        if (c.Tlb.TryWrite(last, 1) == null)
            c.Tlb.Fill(last, Access.Write);
    }

    public static void ReadBytes(X86Cpu c, ulong a, Span<byte> bytes)
    {
        for (int k = 0; k < bytes.Length; k++)
            bytes[k] = c.Read8(a + (ulong)k);
    }

    public static void WriteBytes(X86Cpu c, ulong a, ReadOnlySpan<byte> bytes)
    {
        for (int k = 0; k < bytes.Length; k++)
            c.Write8(a + (ulong)k, bytes[k]);
    }

    private static Float80 ReadExtended(X86Cpu c, ulong ea)
    {
        ulong significand = c.Read64(ea);
        return new Float80(significand, c.Read16(ea + 8));
    }

    /// <summary>FLD m32fp/m64fp/m80fp.</summary>
    public static void LoadFloat(X86Cpu c, ref Op op)
    {
        ulong ea = BeginMemory(c, ref op, out X87State x);
        X87Flags flags = X87Flags.None;
        Float80 v = op.Size switch
        {
            4 => Float80.FromSingle(c.Read32(ea), ref flags),
            8 => Float80.FromDouble(c.Read64(ea), ref flags),
            _ => ReadExtended(c, ea),
        };
        x.Push(v, flags);
    }

    /// <summary>FILD m16int/m32int/m64int.</summary>
    public static void LoadInteger(X86Cpu c, ref Op op)
    {
        ulong ea = BeginMemory(c, ref op, out X87State x);
        x.Push(Float80.FromInt64(ReadInteger(c, ea, op.Size)));
    }

    public static long ReadInteger(X86Cpu c, ulong ea, int size) => size switch
    {
        2 => (short)c.Read16(ea),
        4 => (int)c.Read32(ea),
        _ => (long)c.Read64(ea),
    };

    /// <summary>FBLD m80bcd.</summary>
    public static void LoadBcd(X86Cpu c, ref Op op)
    {
        ulong ea = BeginMemory(c, ref op, out X87State x);
        Span<byte> bcd = stackalloc byte[10];
        ReadBytes(c, ea, bcd);
        x.Push(Float80.FromPackedBcd(bcd));
    }

    /// <summary>FLD ST(i).</summary>
    public static void LoadRegister(X86Cpu c, ref Op op) => Begin(c, ref op).PushRegister(op.Reg0);

    /// <summary>FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ.</summary>
    public static void LoadConstant(X86Cpu c, ref Op op) => Begin(c, ref op).LoadConstant((X87Constant)op.Cond);

    /// <summary>FST/FSTP m32fp/m64fp, FSTP m80fp.</summary>
    public static void StoreFloat(X86Cpu c, ref Op op)
    {
        ulong ea = BeginMemory(c, ref op, out X87State x);
        ProbeWrite(c, ea, op.Size);
        bool pop = (op.Rep & PopOnce) != 0;
        switch (op.Size)
        {
            case 4:
                if (x.StoreSingle(pop, out uint single))
                    c.Write32(ea, single);
                break;
            case 8:
                if (x.StoreDouble(pop, out ulong dbl))
                    c.Write64(ea, dbl);
                break;
            default:
                if (x.StoreExtended(pop, out Float80 ext))
                {
                    c.Write64(ea, ext.Significand);
                    c.Write16(ea + 8, ext.SignExponent);
                }
                break;
        }
    }

    /// <summary>FIST/FISTP/FISTTP m16int/m32int/m64int.</summary>
    public static void StoreInteger(X86Cpu c, ref Op op)
    {
        ulong ea = BeginMemory(c, ref op, out X87State x);
        ProbeWrite(c, ea, op.Size);
        if (x.StoreInteger(op.Size * 8, (op.Rep & Truncate) != 0, (op.Rep & PopOnce) != 0, out long v))
            c.Write(ea, op.Size, (ulong)v);
    }

    /// <summary>FBSTP m80bcd.</summary>
    public static void StoreBcd(X86Cpu c, ref Op op)
    {
        ulong ea = BeginMemory(c, ref op, out X87State x);
        ProbeWrite(c, ea, 10);
        Span<byte> bcd = stackalloc byte[10];
        if (x.StorePackedBcd(bcd))
            WriteBytes(c, ea, bcd);
    }

    /// <summary>FST/FSTP ST(i), with the FSTP aliases D9 D8+i, DF D0+i and DF D8+i.</summary>
    public static void StoreRegister(X86Cpu c, ref Op op) =>
        Begin(c, ref op).StoreRegister(op.Reg0, (op.Rep & PopOnce) != 0);

    /// <summary>FXCH ST(i), with the aliases DD C8+i and DF C8+i.</summary>
    public static void Exchange(X86Cpu c, ref Op op) => Begin(c, ref op).Exchange(Math.Max(op.Reg0, op.Reg1));

    /// <summary>
    /// FCMOVcc ST(0), ST(i). An empty ST(0) or ST(i) is a stack underflow whatever the
    /// condition; masked, ST(0) becomes the indefinite.
    /// </summary>
    public static void ConditionalMove(X86Cpu c, ref Op op)
    {
        X87State x = Begin(c, ref op);
        int i = op.Reg1;
        if (x.IsEmpty(0) || x.IsEmpty(i))
        {
            if (x.Commit(X87Flags.Invalid | X87Flags.StackFault))
                x.SetST(0, Float80.Indefinite);
            return;
        }
        x.Commit(X87Flags.None);
        if (c.Condition(op.Cond))
            x.SetST(0, x.ST(i));
    }
}

using System.Runtime.CompilerServices;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;

namespace QemuSharp.Target.X86.Exec;

/// <summary>One operation of the ALU group as a type, for the width-specialized handlers.</summary>
public interface IAluOp
{
    /// <summary>Computes the result (masked by the caller's width) and records the flags.</summary>
    static abstract ulong Apply(X86Cpu c, int size, ulong mask, ulong a, ulong b);

    /// <summary>False for CMP, which only sets flags.</summary>
    static abstract bool WritesResult { get; }
}

public struct AddOp : IAluOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Apply(X86Cpu c, int size, ulong mask, ulong a, ulong b)
    {
        ulong r = (a + b) & mask;
        c.SetLazy(FlagOp.Add, size, r, b);
        return r;
    }

    public static bool WritesResult => true;
}

public struct SubOp : IAluOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Apply(X86Cpu c, int size, ulong mask, ulong a, ulong b)
    {
        ulong r = (a - b) & mask;
        c.SetLazy(FlagOp.Sub, size, r, b);
        return r;
    }

    public static bool WritesResult => true;
}

public struct CmpOp : IAluOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Apply(X86Cpu c, int size, ulong mask, ulong a, ulong b) => SubOp.Apply(c, size, mask, a, b);

    public static bool WritesResult => false;
}

public struct AndOp : IAluOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Apply(X86Cpu c, int size, ulong mask, ulong a, ulong b)
    {
        ulong r = a & b & mask;
        c.SetLazy(FlagOp.Logic, size, r, 0);
        return r;
    }

    public static bool WritesResult => true;
}

public struct TestOp : IAluOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Apply(X86Cpu c, int size, ulong mask, ulong a, ulong b) => AndOp.Apply(c, size, mask, a, b);

    public static bool WritesResult => false;
}

public struct OrOp : IAluOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Apply(X86Cpu c, int size, ulong mask, ulong a, ulong b)
    {
        ulong r = (a | b) & mask;
        c.SetLazy(FlagOp.Logic, size, r, 0);
        return r;
    }

    public static bool WritesResult => true;
}

public struct XorOp : IAluOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Apply(X86Cpu c, int size, ulong mask, ulong a, ulong b)
    {
        ulong r = (a ^ b) & mask;
        c.SetLazy(FlagOp.Logic, size, r, 0);
        return r;
    }

    public static bool WritesResult => true;
}

/// <summary>ADC and SBB keep the generic path's carry handling.</summary>
public struct AdcOp : IAluOp
{
    public static ulong Apply(X86Cpu c, int size, ulong mask, ulong a, ulong b) => Alu.Compute(c, AluOp.Adc, size, a, b);

    public static bool WritesResult => true;
}

public struct SbbOp : IAluOp
{
    public static ulong Apply(X86Cpu c, int size, ulong mask, ulong a, ulong b) => Alu.Compute(c, AluOp.Sbb, size, a, b);

    public static bool WritesResult => true;
}

/// <summary>ALU handlers with register destinations, compiled once per operation and width.</summary>
public static unsafe class FastAlu
{
    public static void RegReg<TOp, TW>(X86Cpu c, ref Op op) where TOp : struct, IAluOp where TW : struct, IWidth
    {
        ulong r = TOp.Apply(c, TW.Bytes, TW.Mask, Regs<TW>.Get(c, op.Reg0), Regs<TW>.Get(c, op.Reg1));
        if (TOp.WritesResult)
            Regs<TW>.Set(c, op.Reg0, r);
    }

    public static void RegImm<TOp, TW>(X86Cpu c, ref Op op) where TOp : struct, IAluOp where TW : struct, IWidth
    {
        ulong r = TOp.Apply(c, TW.Bytes, TW.Mask, Regs<TW>.Get(c, op.Reg0), op.Imm);
        if (TOp.WritesResult)
            Regs<TW>.Set(c, op.Reg0, r);
    }

    /// <summary>Register destination, memory source.</summary>
    public static void RegMem<TOp, TW>(X86Cpu c, ref Op op) where TOp : struct, IAluOp where TW : struct, IWidth
    {
        ulong b = c.Read(Operands.Ea(c, ref op), TW.Bytes);
        ulong r = TOp.Apply(c, TW.Bytes, TW.Mask, Regs<TW>.Get(c, op.Reg0), b);
        if (TOp.WritesResult)
            Regs<TW>.Set(c, op.Reg0, r);
    }

    /// <summary>Handlers indexed [ALU /reg order (TEST as 8)][width 0-3] for the three register-destination forms.</summary>
    public static readonly nint[,] RegRegTable = Build(0), RegImmTable = Build(1), RegMemTable = Build(2);

    private static nint[,] Build(int form)
    {
        var t = new nint[9, 4];
        Fill<AddOp>(t, 0, form); Fill<OrOp>(t, 1, form); Fill<AdcOp>(t, 2, form); Fill<SbbOp>(t, 3, form);
        Fill<AndOp>(t, 4, form); Fill<SubOp>(t, 5, form); Fill<XorOp>(t, 6, form); Fill<CmpOp>(t, 7, form);
        Fill<TestOp>(t, 8, form);
        return t;
    }

    private static void Fill<TOp>(nint[,] t, int row, int form) where TOp : struct, IAluOp
    {
        t[row, 0] = For<TOp, W8>(form);
        t[row, 1] = For<TOp, W16>(form);
        t[row, 2] = For<TOp, W32>(form);
        t[row, 3] = For<TOp, W64>(form);
    }

    private static nint For<TOp, TW>(int form) where TOp : struct, IAluOp where TW : struct, IWidth => form switch
    {
        0 => (nint)(delegate*<X86Cpu, ref Op, void>)&RegReg<TOp, TW>,
        1 => (nint)(delegate*<X86Cpu, ref Op, void>)&RegImm<TOp, TW>,
        _ => (nint)(delegate*<X86Cpu, ref Op, void>)&RegMem<TOp, TW>,
    };

    public static int WidthIndex(int size) => size switch { 1 => 0, 2 => 1, 4 => 2, _ => 3 };
}

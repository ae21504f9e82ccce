using System.Runtime.CompilerServices;
using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.Target.X86.Exec;

/// <summary>
/// An operand width as a type, so that a handler written once is compiled once per width with
/// no run-time switch on the size (the JIT specializes generic methods over structs).
/// </summary>
public interface IWidth
{
    static abstract int Bytes { get; }
    static abstract ulong Mask { get; }
}

public struct W8 : IWidth { public static int Bytes => 1; public static ulong Mask => 0xff; }
public struct W16 : IWidth { public static int Bytes => 2; public static ulong Mask => 0xffff; }
public struct W32 : IWidth { public static int Bytes => 4; public static ulong Mask => 0xffff_ffff; }
public struct W64 : IWidth { public static int Bytes => 8; public static ulong Mask => ulong.MaxValue; }

/// <summary>Register access specialized by width.</summary>
public static class Regs<TW> where TW : struct, IWidth
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Get(X86Cpu c, int reg)
    {
        if (TW.Bytes == 1 && reg >= 16)
            return (byte)(c.R[reg - 16] >> 8);
        return c.R[reg] & TW.Mask;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Set(X86Cpu c, int reg, ulong v)
    {
        if (TW.Bytes == 8)
            c.R[reg] = v;
        else if (TW.Bytes == 4)
            c.R[reg] = (uint)v;
        else if (TW.Bytes == 1 && reg >= 16)
        {
            ref ulong h = ref c.R[reg - 16];
            h = (h & ~0xff00UL) | ((v & 0xff) << 8);
        }
        else
        {
            ref ulong r = ref c.R[reg];
            r = (r & ~TW.Mask) | (v & TW.Mask);
        }
    }
}

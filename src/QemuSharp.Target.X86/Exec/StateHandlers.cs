using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Sse;
using QemuSharp.Target.X86.Translate;
using static QemuSharp.Target.X86.Exec.Operands;

namespace QemuSharp.Target.X86.Exec;

/// <summary>Saving and restoring FPU and SSE state: FXSAVE, FXRSTOR, LDMXCSR, STMXCSR.</summary>
public static class StateHandlers
{
    private static Span<Vector128<byte>> XmmSpan(X86Cpu c) =>
        MemoryMarshal.Cast<Vector128<ulong>, Vector128<byte>>(MemoryMarshal.CreateSpan(ref c.Xmm[0], 16));

    /// <summary>FXSAVE (Cond 0) and FXSAVE64 (Cond 1): the 512-byte area must be 16-byte aligned.</summary>
    public static void Fxsave(X86Cpu c, ref Op op)
    {
        ulong ea = Ea(c, ref op);
        if ((ea & 15) != 0)
            throw c.RaiseGp();
        Span<byte> area = stackalloc byte[FxsaveArea.Size];
        // Bytes 464-511 are available to software and left as they are in memory.
        for (int i = 0; i < FxsaveArea.Size; i += 8)
            BitConverter.TryWriteBytes(area[i..], c.Read64(ea + (ulong)i));
        c.X87.FxSave(area, op.Cond == 1);
        FxsaveArea.Save(area, c.Mxcsr, XmmSpan(c));
        for (int i = 0; i < 464; i += 8)
            c.Write64(ea + (ulong)i, BitConverter.ToUInt64(area[i..]));
    }

    public static void Fxrstor(X86Cpu c, ref Op op)
    {
        ulong ea = Ea(c, ref op);
        if ((ea & 15) != 0)
            throw c.RaiseGp();
        Span<byte> area = stackalloc byte[FxsaveArea.Size];
        for (int i = 0; i < FxsaveArea.Size; i += 8)
            BitConverter.TryWriteBytes(area[i..], c.Read64(ea + (ulong)i));
        uint mxcsr = c.Mxcsr;
        if (!FxsaveArea.Restore(area, ref mxcsr, XmmSpan(c)))
            throw c.RaiseGp();
        c.Mxcsr = mxcsr;
        c.X87.FxRestore(area, op.Cond == 1);
    }

    public static void Ldmxcsr(X86Cpu c, ref Op op)
    {
        uint v = c.Read32(Ea(c, ref op));
        if (!Mxcsr.IsValid(v))
            throw c.RaiseGp();
        c.Mxcsr = v;
    }

    public static void Stmxcsr(X86Cpu c, ref Op op) => c.Write32(Ea(c, ref op), c.Mxcsr);
}

using System.Diagnostics;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;
using static QemuSharp.Target.X86.Exec.Operands;

namespace QemuSharp.Target.X86.Exec;

/// <summary>SYSCALL, CPUID, RDTSC, flag instructions, no-ops and the instructions that always fault.</summary>
public static class SystemHandlers
{
    public static void Syscall(X86Cpu c, ref Op op)
    {
        c.Rip = op.Next;
        c.Exit = ExitReason.Syscall;
        c.StopBlock = true;
    }

    public static void Cpuid(X86Cpu c, ref Op op)
    {
        var (a, b, cx, d) = c.Cpuid((uint)c.R[Gpr.Rax], (uint)c.R[Gpr.Rcx]);
        c.R[Gpr.Rax] = a;
        c.R[Gpr.Rbx] = b;
        c.R[Gpr.Rcx] = cx;
        c.R[Gpr.Rdx] = d;
    }

    /// <summary>The time-stamp counter runs at 1 GHz from the host's monotonic clock.</summary>
    public static ulong TimeStamp() => (ulong)(Stopwatch.GetTimestamp() * (1_000_000_000.0 / Stopwatch.Frequency));

    /// <summary>RDTSC; with CR4.TSD set only CPL 0 may read the counter.</summary>
    public static void Rdtsc(X86Cpu c, ref Op op)
    {
        if ((c.Cr4 & Cpu.ControlBits.Cr4Tsd) != 0 && c.Cpl != 0 && c.SystemMode)
            throw c.RaiseGp();
        ulong t = c.TimeStampCounter;
        c.R[Gpr.Rax] = (uint)t;
        c.R[Gpr.Rdx] = t >> 32;
    }

    public static void Nop(X86Cpu c, ref Op op) { }

    public static void Fence(X86Cpu c, ref Op op) => Interlocked.MemoryBarrier();

    public static void Pause(X86Cpu c, ref Op op) => Thread.SpinWait(1);

    public static void Undefined(X86Cpu c, ref Op op) => throw c.RaiseUd();

    public static void Int3(X86Cpu c, ref Op op)
    {
        c.Rip = op.Next;
        throw c.Fault.Set(Vector.BP);
    }

    /// <summary>CLC (0), STC (1), CMC (2), CLD (3), STD (4).</summary>
    public static void FlagOpHandler(X86Cpu c, ref Op op)
    {
        ulong f = c.Flags;
        c.Flags = op.Cond switch
        {
            0 => f & ~EFlags.CF,
            1 => f | EFlags.CF,
            2 => f ^ EFlags.CF,
            3 => f & ~EFlags.DF,
            _ => f | EFlags.DF,
        };
    }

    public static void Lahf(X86Cpu c, ref Op op) => SetReg(c, 16, 1, (c.Flags & 0xd5) | 2);

    public static void Sahf(X86Cpu c, ref Op op) =>
        c.UpdateStatusFlags(EFlags.CF | EFlags.PF | EFlags.AF | EFlags.ZF | EFlags.SF, GetReg(c, 16, 1));

    public static void Xlat(X86Cpu c, ref Op op)
    {
        ulong a = (op.Addr32 ? (uint)c.R[Gpr.Rbx] : c.R[Gpr.Rbx]) + (byte)c.R[Gpr.Rax];
        if (op.Addr32) a = (uint)a;
        a += c.SegBase[op.Segment];
        SetReg(c, Gpr.Rax, 1, c.Read8(a));
    }
}

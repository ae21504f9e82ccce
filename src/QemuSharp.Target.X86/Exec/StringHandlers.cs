using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;
using static QemuSharp.Target.X86.Exec.Operands;

namespace QemuSharp.Target.X86.Exec;

/// <summary>The string instructions with their REP, REPE and REPNE forms.</summary>
public static unsafe class StringHandlers
{
    public const byte Rep = 1, RepNe = 2;

    private static ulong SourceBase(X86Cpu c, ref Op op) => op.Segment == 0 ? 0 : c.SegBase[op.Segment];

    /// <summary>rDI as an address in ES (whose base is zero in 64-bit mode).</summary>
    private static ulong Destination(X86Cpu c, ref Op op) => c.SegBase[3] + Reg(c, ref op, Gpr.Rdi);

    private static ulong Reg(X86Cpu c, ref Op op, int r) => op.Addr32 ? op.Addr16 ? (ushort)c.R[r] : (uint)c.R[r] : c.R[r];

    private static void Advance(X86Cpu c, ref Op op, int r, long delta)
    {
        if (!op.Addr32)
            c.R[r] += (ulong)delta;
        else if (op.Addr16)
            SetReg(c, r, 2, c.R[r] + (ulong)delta);
        else
            c.R[r] = (uint)(c.R[r] + (ulong)delta);
    }

    private static long Step(X86Cpu c, int size) => (c.FlagsRaw & EFlags.DF) != 0 ? -size : size;

    public static void Movs(X86Cpu c, ref Op op)
    {
        int size = op.Size;
        long step = Step(c, size);
        ulong srcBase = SourceBase(c, ref op);
        bool rep = op.Rep != 0;
        while (!rep || Reg(c, ref op, Gpr.Rcx) != 0)
        {
            c.Write(Destination(c, ref op), size, c.Read(srcBase + Reg(c, ref op, Gpr.Rsi), size));
            Advance(c, ref op, Gpr.Rsi, step);
            Advance(c, ref op, Gpr.Rdi, step);
            if (!rep)
                return;
            Advance(c, ref op, Gpr.Rcx, -1);
        }
    }

    public static void Stos(X86Cpu c, ref Op op)
    {
        int size = op.Size;
        long step = Step(c, size);
        ulong v = GetReg(c, Gpr.Rax, size);
        bool rep = op.Rep != 0;
        if (rep && size == 1 && step == 1 && !op.Addr32)
        {
            StosbForward(c, (byte)v);
            return;
        }
        while (!rep || Reg(c, ref op, Gpr.Rcx) != 0)
        {
            c.Write(Destination(c, ref op), size, v);
            Advance(c, ref op, Gpr.Rdi, step);
            if (!rep)
                return;
            Advance(c, ref op, Gpr.Rcx, -1);
        }
    }

    /// <summary>REP STOSB forward, a page at a time (memset's shape).</summary>
    private static void StosbForward(X86Cpu c, byte v)
    {
        while (c.R[Gpr.Rcx] != 0)
        {
            ulong dst = c.R[Gpr.Rdi];
            ulong chunk = Math.Min(c.R[Gpr.Rcx], 4096 - (dst & 4095));
            byte* p = c.WritablePointer(dst, 1);
            if (p == null)
            {
                c.Write8(dst, v);
                chunk = 1;
            }
            else
                new Span<byte>(p, (int)chunk).Fill(v);
            c.R[Gpr.Rdi] += chunk;
            c.R[Gpr.Rcx] -= chunk;
        }
    }

    public static void Lods(X86Cpu c, ref Op op)
    {
        int size = op.Size;
        long step = Step(c, size);
        ulong srcBase = SourceBase(c, ref op);
        bool rep = op.Rep != 0;
        while (!rep || Reg(c, ref op, Gpr.Rcx) != 0)
        {
            SetReg(c, Gpr.Rax, size, c.Read(srcBase + Reg(c, ref op, Gpr.Rsi), size));
            Advance(c, ref op, Gpr.Rsi, step);
            if (!rep)
                return;
            Advance(c, ref op, Gpr.Rcx, -1);
        }
    }

    /// <summary>CMPS compares [rSI] with [rDI]; REPE stops on a difference, REPNE on equality.</summary>
    public static void Cmps(X86Cpu c, ref Op op)
    {
        int size = op.Size;
        long step = Step(c, size);
        ulong srcBase = SourceBase(c, ref op);
        while (op.Rep == 0 || Reg(c, ref op, Gpr.Rcx) != 0)
        {
            ulong a = c.Read(srcBase + Reg(c, ref op, Gpr.Rsi), size);
            ulong b = c.Read(Destination(c, ref op), size);
            Alu.Compute(c, AluOp.Cmp, size, a, b);
            Advance(c, ref op, Gpr.Rsi, step);
            Advance(c, ref op, Gpr.Rdi, step);
            if (op.Rep == 0)
                return;
            Advance(c, ref op, Gpr.Rcx, -1);
            if ((a == b) == (op.Rep == RepNe))
                return;
        }
    }

    public static void Scas(X86Cpu c, ref Op op)
    {
        int size = op.Size;
        long step = Step(c, size);
        ulong a = GetReg(c, Gpr.Rax, size);
        while (op.Rep == 0 || Reg(c, ref op, Gpr.Rcx) != 0)
        {
            ulong b = c.Read(Destination(c, ref op), size);
            Alu.Compute(c, AluOp.Cmp, size, a, b);
            Advance(c, ref op, Gpr.Rdi, step);
            if (op.Rep == 0)
                return;
            Advance(c, ref op, Gpr.Rcx, -1);
            if ((a == b) == (op.Rep == RepNe))
                return;
        }
    }
}

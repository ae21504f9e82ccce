using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;
using static QemuSharp.Target.X86.Exec.Operands;

namespace QemuSharp.Target.X86.Exec;

/// <summary>
/// IN, OUT, INS and OUTS to the machine's I/O port space, under the device lock. In protected mode
/// with CPL above IOPL the TSS I/O permission bitmap decides (Intel SDM vol. 1, 19.5).
/// </summary>
public static class IoHandlers
{
    private static void CheckPort(X86Cpu c, uint port, int size)
    {
        if (!c.SystemMode || c.Ports == null)
            throw c.RaiseGp();
        if (!c.ProtectedMode || (c.Cpl <= (int)((c.FlagsRaw >> 12) & 3) && !c.Virtual8086))
            return;
        ref SegmentCache tr = ref c.Seg[SegReg.Tr];
        // Only a 32-bit or 64-bit TSS has an I/O permission bitmap.
        if (tr.Type is not (9 or 11) || tr.Limit < 0x67)
            throw c.RaiseGp();
        uint bitmap = (uint)c.ReadSystem(tr.Base + 0x66, 2);
        uint at = bitmap + port / 8;
        if (at + 1 > tr.Limit)
            throw c.RaiseGp();
        uint bits = (uint)c.ReadSystem(tr.Base + at, 2);
        uint mask = ((1u << size) - 1) << (int)(port & 7);
        if ((bits & mask) != 0)
            throw c.RaiseGp();
    }

    private static uint PortRead(X86Cpu c, uint port, int size)
    {
        CheckPort(c, port, size);
        lock (c.DeviceLock)
            return c.Ports!.Read((ushort)port, size);
    }

    private static void PortWrite(X86Cpu c, uint port, int size, uint value)
    {
        CheckPort(c, port, size);
        lock (c.DeviceLock)
            c.Ports!.Write((ushort)port, size, value);
    }

    /// <summary>IN AL/AX/EAX, imm8 or DX (Kind1 tells which).</summary>
    public static void In(X86Cpu c, ref Op op)
    {
        uint port = op.Kind1 == OperandKind.Immediate ? (uint)op.Imm & 0xff : (ushort)c.R[Gpr.Rdx];
        uint v = PortRead(c, port, op.Size);
        SetReg(c, Gpr.Rax, op.Size, v);
    }

    /// <summary>OUT imm8 or DX, AL/AX/EAX: Size is the data width.</summary>
    public static void Out(X86Cpu c, ref Op op)
    {
        uint port = op.Kind0 == OperandKind.Immediate ? (uint)op.Imm & 0xff : (ushort)c.R[Gpr.Rdx];
        PortWrite(c, port, op.Size, (uint)GetReg(c, Gpr.Rax, op.Size));
    }

    private static ulong Index(X86Cpu c, ref Op op, int r) => op.Addr16 ? (ushort)c.R[r] : op.Addr32 ? (uint)c.R[r] : c.R[r];

    private static void Advance(X86Cpu c, ref Op op, int r, long delta)
    {
        if (op.Addr16) SetReg(c, r, 2, c.R[r] + (ulong)delta);
        else if (op.Addr32) c.R[r] = (uint)(c.R[r] + (ulong)delta);
        else c.R[r] += (ulong)delta;
    }

    /// <summary>INS: port DX to ES:rDI, with REP.</summary>
    public static void Ins(X86Cpu c, ref Op op)
    {
        int size = op.Size;
        long step = (c.FlagsRaw & EFlags.DF) != 0 ? -size : size;
        while (op.Rep == 0 || Index(c, ref op, Gpr.Rcx) != 0)
        {
            ulong dst = c.SegBase[3] + Index(c, ref op, Gpr.Rdi);
            c.Read(dst, size);
            c.Write(dst, size, PortRead(c, (ushort)c.R[Gpr.Rdx], size));
            Advance(c, ref op, Gpr.Rdi, step);
            if (op.Rep == 0)
                return;
            Advance(c, ref op, Gpr.Rcx, -1);
        }
    }

    /// <summary>OUTS: seg:rSI to port DX, with REP.</summary>
    public static void Outs(X86Cpu c, ref Op op)
    {
        int size = op.Size;
        long step = (c.FlagsRaw & EFlags.DF) != 0 ? -size : size;
        while (op.Rep == 0 || Index(c, ref op, Gpr.Rcx) != 0)
        {
            ulong v = c.Read(c.SegBase[op.Segment] + Index(c, ref op, Gpr.Rsi), size);
            PortWrite(c, (ushort)c.R[Gpr.Rdx], size, (uint)v);
            Advance(c, ref op, Gpr.Rsi, step);
            if (op.Rep == 0)
                return;
            Advance(c, ref op, Gpr.Rcx, -1);
        }
    }
}

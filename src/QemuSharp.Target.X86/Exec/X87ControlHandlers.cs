using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;
using QemuSharp.Target.X86.X87;
using static QemuSharp.Target.X86.Exec.X87Handlers;

namespace QemuSharp.Target.X86.Exec;

/// <summary>
/// The x87 control instructions (FLDCW, FNSTCW, FNSTSW, FNCLEX, FNINIT, FWAIT, FLDENV, FNSTENV,
/// FRSTOR, FNSAVE), which leave FIP, FOP and FDP alone, and FFREE, FINCSTP, FDECSTP and FNOP,
/// which record them as any other. The FN... forms do not wait; FLDCW, FLDENV and FRSTOR do.
/// </summary>
public static class X87ControlHandlers
{
    private static void WaitIfAsked(X86Cpu c, ref Op op)
    {
        if ((op.Rep & WaitFirst) != 0)
            RaisePending(c);
    }

    public static void LoadControlWord(X86Cpu c, ref Op op)
    {
        RaisePending(c);
        c.X87.ControlWord = c.Read16(Operands.Ea(c, ref op));
    }

    public static void StoreControlWord(X86Cpu c, ref Op op)
    {
        WaitIfAsked(c, ref op);
        c.Write16(Operands.Ea(c, ref op), c.X87.ControlWord);
    }

    public static void StoreStatusWord(X86Cpu c, ref Op op)
    {
        WaitIfAsked(c, ref op);
        c.Write16(Operands.Ea(c, ref op), c.X87.StatusWord);
    }

    public static void StoreStatusWordToAx(X86Cpu c, ref Op op)
    {
        WaitIfAsked(c, ref op);
        Operands.SetReg(c, Gpr.Rax, 2, c.X87.StatusWord);
    }

    public static void ClearExceptions(X86Cpu c, ref Op op)
    {
        WaitIfAsked(c, ref op);
        c.X87.ClearExceptions();
    }

    public static void Initialize(X86Cpu c, ref Op op)
    {
        WaitIfAsked(c, ref op);
        c.X87.Init();
    }

    /// <summary>FWAIT/WAIT.</summary>
    public static void Wait(X86Cpu c, ref Op op) => RaisePending(c);

    /// <summary>The 28-byte (or, with a 66 prefix, 14-byte) environment image.</summary>
    private static bool Operand32(ref Op op) => op.Size != X87State.EnvironmentSize16 && op.Size != X87State.SaveSize16;

    public static void LoadEnvironment(X86Cpu c, ref Op op)
    {
        RaisePending(c);
        Span<byte> image = stackalloc byte[X87State.EnvironmentSize32];
        bool operand32 = Operand32(ref op);
        ReadBytes(c, Operands.Ea(c, ref op), image[..(operand32 ? X87State.EnvironmentSize32 : X87State.EnvironmentSize16)]);
        c.X87.LoadEnvironment(image, operand32);
    }

    public static void StoreEnvironment(X86Cpu c, ref Op op)
    {
        WaitIfAsked(c, ref op);
        bool operand32 = Operand32(ref op);
        int size = operand32 ? X87State.EnvironmentSize32 : X87State.EnvironmentSize16;
        ulong ea = Operands.Ea(c, ref op);
        ProbeWrite(c, ea, size);
        Span<byte> image = stackalloc byte[X87State.EnvironmentSize32];
        X87State x = c.X87;
        x.StoreEnvironment(image, operand32);
        PatchReservedBits(image, operand32);
        WriteBytes(c, ea, image[..size]);
        x.MaskAllExceptions();
    }

    public static void Restore(X86Cpu c, ref Op op)
    {
        RaisePending(c);
        Span<byte> image = stackalloc byte[X87State.SaveSize32];
        bool operand32 = Operand32(ref op);
        ReadBytes(c, Operands.Ea(c, ref op), image[..(operand32 ? X87State.SaveSize32 : X87State.SaveSize16)]);
        c.X87.Restore(image, operand32);
    }

    public static void Save(X86Cpu c, ref Op op)
    {
        WaitIfAsked(c, ref op);
        bool operand32 = Operand32(ref op);
        int size = operand32 ? X87State.SaveSize32 : X87State.SaveSize16;
        ulong ea = Operands.Ea(c, ref op);
        ProbeWrite(c, ea, size);
        Span<byte> image = stackalloc byte[X87State.SaveSize32];
        c.X87.Save(image, operand32);
        PatchReservedBits(image, operand32);
        WriteBytes(c, ea, image[..size]);
    }

    /// <summary>
    /// The 32-bit image's unused upper halves of the control, status and tag words read as
    /// ones, and bit 6 of the control word reads as one, as the hardware stores them.
    /// </summary>
    private static void PatchReservedBits(Span<byte> image, bool operand32)
    {
        image[0] |= 0x40;
        if (!operand32)
            return;
        foreach (int offset in (ReadOnlySpan<int>)[2, 6, 10, 26])
            image[offset] = image[offset + 1] = 0xFF;
    }

    /// <summary>FFREE ST(i); FFREEP ST(i) also pops.</summary>
    public static void Free(X86Cpu c, ref Op op)
    {
        X87State x = Begin(c, ref op);
        x.Free(op.Reg0);
        if ((op.Rep & PopOnce) != 0)
            x.Pop();
    }

    /// <summary>FINCSTP (Cond 1) and FDECSTP (Cond 0).</summary>
    public static void MoveTop(X86Cpu c, ref Op op)
    {
        X87State x = Begin(c, ref op);
        if (op.Cond == 1)
            x.IncrementTop();
        else
            x.DecrementTop();
    }

    public static void NoOperation(X86Cpu c, ref Op op) => Begin(c, ref op);
}

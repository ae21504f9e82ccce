using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Sse;

namespace QemuSharp.LinuxUser.Signals;

/// <summary>
/// The x86-64 struct rt_sigframe, laid out as Linux builds it:
/// <code>
/// frame+0    pretcode (sa_restorer; the handler's return address)
/// frame+8    struct ucontext: uc_flags, uc_link, uc_stack (sp, flags, size), sigcontext (256 bytes), uc_sigmask
/// frame+312  siginfo_t (128 bytes)
/// </code>
/// The FXSAVE image the sigcontext's fpstate points to sits above the frame, 64-byte aligned, below
/// the 128-byte red zone of the interrupted code (or at the top of the alternate stack). The frame
/// itself is placed so that the handler starts with rsp+8 16-byte aligned, as after a call.
/// </summary>
internal static class SignalFrame
{
    private const int UcOffset = 8, InfoOffset = 312, FrameSize = 440;
    private const int UcStack = 16, UcMcontext = 40, UcSigmask = 296;
    private const int ScEflags = 136, ScSegments = 144, ScErr = 152, ScTrapno = 160, ScOldmask = 168, ScCr2 = 176, ScFpstate = 184;
    private const ulong UcSigcontextSs = 2, UcStrictRestoreSs = 4;
    private const int RedZone = 128;

    /// <summary>sigcontext's first 16 words, in the kernel's order, as GPR numbers.</summary>
    private static readonly int[] GprOrder =
    [
        Gpr.R8, Gpr.R9, Gpr.R10, Gpr.R11, Gpr.R12, Gpr.R13, Gpr.R14, Gpr.R15,
        Gpr.Rdi, Gpr.Rsi, Gpr.Rbp, Gpr.Rbx, Gpr.Rdx, Gpr.Rax, Gpr.Rcx, Gpr.Rsp,
    ];

    /// <summary>The EFLAGS bits rt_sigreturn takes from the frame (the kernel's FIX_EFLAGS).</summary>
    private const ulong RestorableFlags = EFlags.AC | EFlags.OF | EFlags.DF | EFlags.TF | EFlags.SF | EFlags.ZF
        | EFlags.AF | EFlags.PF | EFlags.CF | EFlags.RF;

    private static Span<Vector128<byte>> XmmSpan(X86Cpu c) =>
        MemoryMarshal.Cast<Vector128<ulong>, Vector128<byte>>(MemoryMarshal.CreateSpan(ref c.Xmm[0], 16));

    /// <summary>Pushes the frame and points the CPU at the handler; false when the frame cannot be written.</summary>
    public static bool Push(GuestThread t, int sig, byte[] info, SigAction act, ulong savedMask)
    {
        var c = t.Cpu;
        var mem = t.Process.Memory;
        if ((act.Flags & SignalState.SA_RESTORER) == 0)
            return false;
        ulong interruptedSp = c.R[Gpr.Rsp];
        ulong sp = interruptedSp - RedZone;
        if ((act.Flags & SignalState.SA_ONSTACK) != 0 && t.AltStack.StateFlags(sp) == 0)
            sp = t.AltStack.Sp + t.AltStack.Size;
        ulong fpstate = (sp - FxsaveArea.Size) & ~63UL;
        ulong frame = ((fpstate - FrameSize) & ~15UL) - 8;

        Span<byte> fx = stackalloc byte[FxsaveArea.Size];
        fx.Clear();
        c.X87.FxSave(fx, rexW: true);
        FxsaveArea.Save(fx, c.Mxcsr, XmmSpan(c));

        Span<byte> f = stackalloc byte[FrameSize];
        f.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(f, act.Restorer);
        var uc = f[UcOffset..];
        BinaryPrimitives.WriteUInt64LittleEndian(uc, UcSigcontextSs | UcStrictRestoreSs);
        BinaryPrimitives.WriteUInt64LittleEndian(uc[UcStack..], t.AltStack.Sp);
        BinaryPrimitives.WriteUInt32LittleEndian(uc[(UcStack + 8)..], t.AltStack.ReportedFlags(interruptedSp));
        BinaryPrimitives.WriteUInt64LittleEndian(uc[(UcStack + 16)..], t.AltStack.Size);
        var sc = uc[UcMcontext..];
        for (int i = 0; i < GprOrder.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(sc[(i * 8)..], c.R[GprOrder[i]]);
        BinaryPrimitives.WriteUInt64LittleEndian(sc[128..], c.Rip);
        BinaryPrimitives.WriteUInt64LittleEndian(sc[ScEflags..], c.Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(sc[ScSegments..], c.Cs);
        BinaryPrimitives.WriteUInt16LittleEndian(sc[(ScSegments + 6)..], c.Ss);
        BinaryPrimitives.WriteUInt64LittleEndian(sc[ScErr..], t.TrapError);
        BinaryPrimitives.WriteUInt64LittleEndian(sc[ScTrapno..], t.TrapNumber);
        BinaryPrimitives.WriteUInt64LittleEndian(sc[ScOldmask..], savedMask);
        BinaryPrimitives.WriteUInt64LittleEndian(sc[ScCr2..], t.TrapAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(sc[ScFpstate..], fpstate);
        BinaryPrimitives.WriteUInt64LittleEndian(uc[UcSigmask..], savedMask);
        if ((act.Flags & SignalState.SA_SIGINFO) != 0)
            info.CopyTo(f[InfoOffset..]);

        if (!mem.TryWrite(fpstate, fx) || !mem.TryWrite(frame, f))
            return false;
        if ((act.Flags & SignalState.SA_ONSTACK) != 0)
            t.AltStack.DisarmIfAuto();

        c.R[Gpr.Rdi] = (ulong)sig;
        c.R[Gpr.Rsi] = frame + InfoOffset;
        c.R[Gpr.Rdx] = frame + UcOffset;
        c.R[Gpr.Rax] = 0;
        c.R[Gpr.Rsp] = frame;
        c.Rip = act.Handler;
        c.Flags = c.Flags & ~(EFlags.DF | EFlags.RF | EFlags.TF);
        c.Cs = 0x33;
        c.Ss = 0x2b;
        // The handler starts with the FPU in its initial state, as on Linux.
        c.X87.Init();
        c.Mxcsr = 0x1f80;
        XmmSpan(c).Clear();
        return true;
    }

    /// <summary>rt_sigreturn: restores the (possibly edited) context; false when the frame is unreadable or invalid.</summary>
    public static bool Return(GuestThread t)
    {
        var c = t.Cpu;
        var mem = t.Process.Memory;
        ulong frame = c.R[Gpr.Rsp] - 8;
        Span<byte> uc = stackalloc byte[UcSigmask + 8];
        if (!mem.TryRead(frame + UcOffset, uc))
            return false;
        var sc = uc[UcMcontext..];
        ulong fpstate = BinaryPrimitives.ReadUInt64LittleEndian(sc[ScFpstate..]);
        Span<byte> fx = stackalloc byte[FxsaveArea.Size];
        if (fpstate != 0 && !mem.TryRead(fpstate, fx))
            return false;
        uint mxcsr = 0x1f80;
        if (fpstate != 0 && !FxsaveArea.Restore(fx, ref mxcsr, XmmSpan(c)))
            return false;

        ulong sp = c.R[Gpr.Rsp];
        for (int i = 0; i < GprOrder.Length; i++)
            c.R[GprOrder[i]] = BinaryPrimitives.ReadUInt64LittleEndian(sc[(i * 8)..]);
        c.Rip = BinaryPrimitives.ReadUInt64LittleEndian(sc[128..]);
        ulong flags = BinaryPrimitives.ReadUInt64LittleEndian(sc[ScEflags..]);
        c.Flags = (c.Flags & ~RestorableFlags) | (flags & RestorableFlags);
        if (fpstate == 0)
        {
            c.X87.Init();
            XmmSpan(c).Clear();
        }
        else
        {
            c.X87.FxRestore(fx, rexW: true);
        }
        c.Mxcsr = mxcsr;

        ulong mask = BinaryPrimitives.ReadUInt64LittleEndian(uc[UcSigmask..]) & ~SignalState.Unblockable;
        lock (t.Process.Signals.Lock)
            t.SignalMask = mask;
        t.AltStack.Set(BinaryPrimitives.ReadUInt64LittleEndian(uc[UcStack..]), BinaryPrimitives.ReadUInt32LittleEndian(uc[(UcStack + 8)..]),
            BinaryPrimitives.ReadUInt64LittleEndian(uc[(UcStack + 16)..]), sp);
        return true;
    }
}

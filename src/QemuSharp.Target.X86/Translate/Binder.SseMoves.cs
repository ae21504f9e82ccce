using Iced.Intel;
using QemuSharp.Target.X86.Exec;
using QemuSharp.Target.X86.Sse;
using static QemuSharp.Target.X86.Exec.SseMoveHandlers;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Translate;

public static unsafe partial class Binder
{
    private static bool BindSseMoves(ref Op op, in Instruction i, Mnemonic m)
    {
        switch (m)
        {
            case Mnemonic.Fxsave: op.Cond = 0; op.Exec = &StateHandlers.Fxsave; return true;
            case Mnemonic.Fxsave64: op.Cond = 1; op.Exec = &StateHandlers.Fxsave; return true;
            case Mnemonic.Fxrstor: op.Cond = 0; op.Exec = &StateHandlers.Fxrstor; return true;
            case Mnemonic.Fxrstor64: op.Cond = 1; op.Exec = &StateHandlers.Fxrstor; return true;
            case Mnemonic.Ldmxcsr: op.Exec = &StateHandlers.Ldmxcsr; return true;
            case Mnemonic.Stmxcsr: op.Exec = &StateHandlers.Stmxcsr; return true;
            case Mnemonic.Movaps: case Mnemonic.Movups: case Mnemonic.Movapd: case Mnemonic.Movupd:
            case Mnemonic.Movdqa: case Mnemonic.Movdqu: case Mnemonic.Lddqu: case Mnemonic.Movntdq:
            case Mnemonic.Movntps: case Mnemonic.Movntpd: case Mnemonic.Movntdqa:
                return Bind(ref op, &Move128);
            case Mnemonic.Movd: return Bind(ref op, &MoveScalarInt, null, 4);
            case Mnemonic.Movq: return Bind(ref op, &MoveScalarInt, null, 8);
            case Mnemonic.Movss: return Bind(ref op, &MoveScalarFp, null, 4);
            case Mnemonic.Movsd when i.Code is Code.Movsd_xmm_xmmm64 or Code.Movsd_xmmm64_xmm:
                return Bind(ref op, &MoveScalarFp, null, 8);
            case Mnemonic.Movlps: case Mnemonic.Movlpd: return Bind(ref op, &MoveHalf, null, 0);
            case Mnemonic.Movhps: case Mnemonic.Movhpd: return Bind(ref op, &MoveHalf, null, 1);
            case Mnemonic.Movhlps: return Bind(ref op, &MoveHalfRegister, null, 0);
            case Mnemonic.Movlhps: return Bind(ref op, &MoveHalfRegister, null, 1);
            case Mnemonic.Emms: op.Exec = &MmxHandlers.Emms; return true;
            case Mnemonic.Movnti: op.Exec = &IntegerHandlers.Mov; return true;
            case Mnemonic.Pmovmskb: return Bind(ref op, &SseHandlers.MoveMask, (delegate*<Xmm, uint>)&Shuffle.Pmovmskb);
            case Mnemonic.Movmskps: return Bind(ref op, &SseHandlers.MoveMask, (delegate*<Xmm, uint>)&Shuffle.Movmskps);
            case Mnemonic.Movmskpd: return Bind(ref op, &SseHandlers.MoveMask, (delegate*<Xmm, uint>)&Shuffle.Movmskpd);
            case Mnemonic.Pextrb: return Bind(ref op, &SseHandlers.Extract, null, 1);
            case Mnemonic.Pextrw: return Bind(ref op, &SseHandlers.Extract, null, 2);
            case Mnemonic.Pextrd: case Mnemonic.Extractps: return Bind(ref op, &SseHandlers.Extract, null, 4);
            case Mnemonic.Pextrq: return Bind(ref op, &SseHandlers.Extract, null, 8);
            case Mnemonic.Maskmovdqu:
                op.Segment = i.MemorySegment switch { Register.FS => 1, Register.GS => 2, _ => 0 };
                op.Exec = &SseHandlers.MaskMoveDqu;
                return true;
            case Mnemonic.Crc32:
                op.Exec = &SseHandlers.Crc32;
                op.Cond = (byte)(op.Kind1 == OperandKind.Gpr ? i.Op1Register.GetSize() : i.MemorySize.GetSize());
                return true;
        }
        return false;
    }
}

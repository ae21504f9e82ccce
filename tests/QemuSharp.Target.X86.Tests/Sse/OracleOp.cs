using Iced.Intel;
using QemuSharp.Target.X86.Sse;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Tests.Sse;

/// <summary>A floating-point operation with the library's calling convention (false: #XM).</summary>
internal delegate bool FloatStep(Xmm a, Xmm b, ref uint mxcsr, out Xmm result);

/// <summary>One instruction form: how to encode it for the host and how the library emulates it.</summary>
internal sealed record OracleOp(string Name, InputKind Inputs, bool HasImmediate, Func<byte, Instruction> Encode, Action<MachineState, byte> Emulate)
{
    /// <summary>True where hardware differs between vendors and QEMU 7.2's result is the specification.</summary>
    public bool QemuIsOracle { get; init; }

    /// <summary>Instructions that move inputs into place before the one under test (e.g. into MMX registers).</summary>
    public Instruction[] Before { get; init; } = [];

    /// <summary>Instructions that move results out afterwards.</summary>
    public Instruction[] After { get; init; } = [];

    public override string ToString() => Name;

    private const uint SigFpe = MachineState.SigFpe;

    /// <summary>op xmm1, xmm2: xmm1 = f(xmm1, xmm2).</summary>
    public static OracleOp Binary(Code code, InputKind kind, Func<Xmm, Xmm, Xmm> f)
        => new(code.ToString(), kind, false, _ => Instruction.Create(code, Register.XMM1, Register.XMM2), (s, _) => s.X1 = f(s.X1, s.X2));

    /// <summary>op xmm1, xmm2, imm8.</summary>
    public static OracleOp BinaryImm(Code code, InputKind kind, Func<Xmm, Xmm, byte, Xmm> f)
        => new(code.ToString(), kind, true, imm => Instruction.Create(code, Register.XMM1, Register.XMM2, imm), (s, imm) => s.X1 = f(s.X1, s.X2, imm));

    /// <summary>op xmm1, xmm2 where the result depends on xmm2 only.</summary>
    public static OracleOp Unary(Code code, InputKind kind, Func<Xmm, Xmm> f)
        => new(code.ToString(), kind, false, _ => Instruction.Create(code, Register.XMM1, Register.XMM2), (s, _) => s.X1 = f(s.X2));

    /// <summary>op xmm1, imm8 (shifts by immediate).</summary>
    public static OracleOp SelfImm(Code code, Func<Xmm, byte, Xmm> f)
        => new(code.ToString(), InputKind.Integer, true, imm => Instruction.Create(code, Register.XMM1, imm), (s, imm) => s.X1 = f(s.X1, imm));

    /// <summary>op xmm1, xmm2 with XMM0 as the implicit third operand.</summary>
    public static OracleOp WithXmm0(Code code, InputKind kind, Func<Xmm, Xmm, Xmm, Xmm> f)
        => new(code.ToString(), kind, false, _ => Instruction.Create(code, Register.XMM1, Register.XMM2), (s, _) => s.X1 = f(s.X1, s.X2, s.X0));

    /// <summary>op r, xmm2 (imm8): the general register receives f(xmm2).</summary>
    public static OracleOp ToGpr(Code code, Register gpr, InputKind kind, bool imm, Func<Xmm, byte, ulong> f)
        => new(code.ToString(), kind, imm,
            i => imm ? Instruction.Create(code, gpr, Register.XMM2, i) : Instruction.Create(code, gpr, Register.XMM2),
            (s, i) => s.Rax = f(s.X2, i));

    /// <summary>op xmm1, r, imm8.</summary>
    public static OracleOp FromGpr(Code code, Register gpr, Func<Xmm, ulong, byte, Xmm> f)
        => new(code.ToString(), InputKind.Integer, true, i => Instruction.Create(code, Register.XMM1, gpr, i), (s, i) => s.X1 = f(s.X1, s.Rax, i));

    /// <summary>op rA, rC (CRC32, POPCNT): rax = f(rax, rcx, ref rflags).</summary>
    public static OracleOp Gpr(Code code, Register dest, Register src, Func<ulong, ulong, ulong, (ulong Rax, ulong Rflags)> f)
        => new(code.ToString(), InputKind.Integer, false, _ => Instruction.Create(code, dest, src),
            (s, _) => (s.Rax, s.Rflags) = f(s.Rax, s.Rcx, s.Rflags));

    /// <summary>A floating-point op xmm1, xmm2 (imm8).</summary>
    public static OracleOp Float(Code code, InputKind kind, FloatStep step)
        => new(code.ToString(), kind, false, _ => Instruction.Create(code, Register.XMM1, Register.XMM2), (s, _) => Apply(s, step));

    public static OracleOp FloatImm(Code code, InputKind kind, Func<byte, FloatStep> step)
        => new(code.ToString(), kind, true, imm => Instruction.Create(code, Register.XMM1, Register.XMM2, imm), (s, imm) => Apply(s, step(imm)));

    private static void Apply(MachineState s, FloatStep step)
    {
        uint mxcsr = s.Mxcsr;
        if (step(s.X1, s.X2, ref mxcsr, out Xmm result))
        {
            s.X1 = result;
        }
        else
        {
            s.Faulted = SigFpe;
        }
        s.Mxcsr = mxcsr;
    }

    /// <summary>Replaces the six arithmetic flags with the given ones.</summary>
    public static ulong WithFlags(ulong rflags, uint flags) => (rflags & ~(ulong)SseEflags.Arithmetic) | flags;
}

using System.Reflection;
using Iced.Intel;

namespace QemuSharp.LinuxUser.Tests;

/// <summary>
/// Seeded random x86-64 instruction sequences over general-purpose registers, immediates and
/// a scratch buffer at [r15+disp8], with edge-biased register and flag values. Every legacy
/// encoding (Iced Code) of the allowed mnemonics whose operands it can fill is a candidate.
/// </summary>
public sealed class RandomInstructionGenerator
{
    private static readonly HashSet<Mnemonic> Allowed =
    [
        Mnemonic.Add, Mnemonic.Or, Mnemonic.Adc, Mnemonic.Sbb, Mnemonic.And, Mnemonic.Sub, Mnemonic.Xor, Mnemonic.Cmp,
        Mnemonic.Test, Mnemonic.Inc, Mnemonic.Dec, Mnemonic.Neg, Mnemonic.Not, Mnemonic.Mov, Mnemonic.Movzx, Mnemonic.Movsx,
        Mnemonic.Movsxd, Mnemonic.Lea, Mnemonic.Xchg, Mnemonic.Xadd, Mnemonic.Cmpxchg, Mnemonic.Shl, Mnemonic.Shr, Mnemonic.Sar,
        Mnemonic.Rol, Mnemonic.Ror, Mnemonic.Rcl, Mnemonic.Rcr, Mnemonic.Shld, Mnemonic.Shrd, Mnemonic.Mul, Mnemonic.Imul,
        Mnemonic.Bt, Mnemonic.Bts, Mnemonic.Btr, Mnemonic.Btc, Mnemonic.Bsf, Mnemonic.Bsr, Mnemonic.Popcnt, Mnemonic.Bswap,
        Mnemonic.Cbw, Mnemonic.Cwde, Mnemonic.Cdqe, Mnemonic.Cwd, Mnemonic.Cdq, Mnemonic.Cqo, Mnemonic.Lahf, Mnemonic.Sahf,
        Mnemonic.Clc, Mnemonic.Stc, Mnemonic.Cmc, Mnemonic.Movbe,
        Mnemonic.Cmova, Mnemonic.Cmovae, Mnemonic.Cmovb, Mnemonic.Cmovbe, Mnemonic.Cmove, Mnemonic.Cmovg, Mnemonic.Cmovge,
        Mnemonic.Cmovl, Mnemonic.Cmovle, Mnemonic.Cmovne, Mnemonic.Cmovno, Mnemonic.Cmovnp, Mnemonic.Cmovns, Mnemonic.Cmovo,
        Mnemonic.Cmovp, Mnemonic.Cmovs, Mnemonic.Seta, Mnemonic.Setae, Mnemonic.Setb, Mnemonic.Setbe, Mnemonic.Sete,
        Mnemonic.Setg, Mnemonic.Setge, Mnemonic.Setl, Mnemonic.Setle, Mnemonic.Setne, Mnemonic.Setno, Mnemonic.Setnp,
        Mnemonic.Setns, Mnemonic.Seto, Mnemonic.Setp, Mnemonic.Sets,
    ];

    public static readonly Code[] Candidates = FindCandidates();

    private readonly Random _rng;

    public RandomInstructionGenerator(int seed) => _rng = new Random(seed);

    private static Code[] FindCandidates()
    {
        var list = new List<Code>();
        foreach (Code code in Enum.GetValues<Code>())
        {
            if (code == Code.INVALID || !Allowed.Contains(code.Mnemonic()))
                continue;
            var info = code.ToOpCode();
            if (info.Encoding != EncodingKind.Legacy || !info.Mode64 || info.OpCount > 3)
                continue;
            if (Enumerable.Range(0, info.OpCount).All(i => CanFill(info.GetOpKind(i))))
                list.Add(code);
        }
        return [.. list];
    }

    private static bool CanFill(OpCodeOperandKind k) => k is
        OpCodeOperandKind.r8_or_mem or OpCodeOperandKind.r16_or_mem or OpCodeOperandKind.r32_or_mem or OpCodeOperandKind.r64_or_mem
        or OpCodeOperandKind.r8_reg or OpCodeOperandKind.r16_reg or OpCodeOperandKind.r32_reg or OpCodeOperandKind.r64_reg
        or OpCodeOperandKind.r8_opcode or OpCodeOperandKind.r16_opcode or OpCodeOperandKind.r32_opcode or OpCodeOperandKind.r64_opcode
        or OpCodeOperandKind.imm8 or OpCodeOperandKind.imm8sex16 or OpCodeOperandKind.imm8sex32 or OpCodeOperandKind.imm8sex64
        or OpCodeOperandKind.imm16 or OpCodeOperandKind.imm32 or OpCodeOperandKind.imm32sex64 or OpCodeOperandKind.imm64
        or OpCodeOperandKind.al or OpCodeOperandKind.ax or OpCodeOperandKind.eax or OpCodeOperandKind.rax or OpCodeOperandKind.cl
        or OpCodeOperandKind.imm8_const_1 or OpCodeOperandKind.mem;

    private static readonly long[] EdgeValues =
    [
        0, 1, -1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
        long.MaxValue, long.MinValue, 0x100000000, 31, 32, 63, 64, 0x10, 0xf,
    ];

    public ulong NextValue()
    {
        int pick = _rng.Next(4);
        if (pick == 0)
            return (ulong)EdgeValues[_rng.Next(EdgeValues.Length)];
        if (pick == 1)
            return (ulong)_rng.Next(-300, 300);
        return (ulong)_rng.NextInt64() ^ ((ulong)_rng.Next() << 63);
    }

    private Register Gpr(int size)
    {
        while (true)
        {
            int n = _rng.Next(15);
            if (n == 4)
                continue;
            return size switch
            {
                1 => _rng.Next(8) == 0 && n < 4 ? Register.AH + n : n < 4 ? Register.AL + n : n < 8 ? Register.SPL + (n - 4) : Register.R8L + (n - 8),
                2 => Register.AX + n,
                4 => Register.EAX + n,
                _ => Register.RAX + n,
            };
        }
    }

    private static int SizeOf(OpCodeOperandKind k) => k switch
    {
        OpCodeOperandKind.r8_or_mem or OpCodeOperandKind.r8_reg or OpCodeOperandKind.r8_opcode or OpCodeOperandKind.al => 1,
        OpCodeOperandKind.r16_or_mem or OpCodeOperandKind.r16_reg or OpCodeOperandKind.r16_opcode or OpCodeOperandKind.ax => 2,
        OpCodeOperandKind.r32_or_mem or OpCodeOperandKind.r32_reg or OpCodeOperandKind.r32_opcode or OpCodeOperandKind.eax => 4,
        _ => 8,
    };

    private object Operand(OpCodeOperandKind k, bool memoryAllowed)
    {
        switch (k)
        {
            case OpCodeOperandKind.r8_or_mem or OpCodeOperandKind.r16_or_mem or OpCodeOperandKind.r32_or_mem or OpCodeOperandKind.r64_or_mem:
                return memoryAllowed && _rng.Next(3) == 0 ? Memory() : Gpr(SizeOf(k));
            case OpCodeOperandKind.mem:
                return Memory();
            case OpCodeOperandKind.al: return Register.AL;
            case OpCodeOperandKind.ax: return Register.AX;
            case OpCodeOperandKind.eax: return Register.EAX;
            case OpCodeOperandKind.rax: return Register.RAX;
            case OpCodeOperandKind.cl: return Register.CL;
            case OpCodeOperandKind.imm8_const_1: return 1;
            case OpCodeOperandKind.imm8: return _rng.Next(3) == 0 ? _rng.Next(0, 70) : _rng.Next(256);
            case OpCodeOperandKind.imm8sex16 or OpCodeOperandKind.imm8sex32 or OpCodeOperandKind.imm8sex64: return _rng.Next(-128, 128);
            case OpCodeOperandKind.imm16: return _rng.Next(0, 65536);
            case OpCodeOperandKind.imm32 or OpCodeOperandKind.imm32sex64: return (int)NextValue();
            case OpCodeOperandKind.imm64: return (long)NextValue();
            default: return Gpr(SizeOf(k));
        }
    }

    private MemoryOperand Memory() => new(Register.R15, _rng.Next(-120, 112));

    /// <summary>
    /// The next instruction. Flags and results that Intel leaves undefined (AF after logic
    /// operations and shifts, OF after multi-bit shifts and rotates, SF ZF AF PF after MUL and
    /// IMUL, the flags after BT and BSF/BSR, 16-bit SHLD/SHRD beyond 16) are generated and
    /// compared like any other: the emulator computes them as the host does.
    /// </summary>
    public Instruction NextInstruction()
    {
        while (true)
        {
            Code code = Candidates[_rng.Next(Candidates.Length)];
            var info = code.ToOpCode();
            bool memoryUsed = false;
            var ops = new object[info.OpCount];
            for (int i = 0; i < ops.Length; i++)
            {
                ops[i] = Operand(info.GetOpKind(i), !memoryUsed);
                memoryUsed |= ops[i] is MemoryOperand;
            }
            Instruction? insn = Create(code, ops);
            if (insn == null)
                continue;
            var probe = Encoder.Create(64, new CodeWriterImpl());
            if (!probe.TryEncode(insn.Value, 0x1000, out _, out _))
                continue;
            return insn.Value;
        }
    }

    /// <summary>Instruction.Create with the overload matching the operand types; null if none fits.</summary>
    internal static Instruction? Create(Code code, object[] ops)
    {
        var types = new[] { typeof(Code) }.Concat(ops.Select(o => o.GetType())).ToArray();
        MethodInfo? m = typeof(Instruction).GetMethod(nameof(Instruction.Create), types);
        if (m == null)
            return null;
        try
        {
            return (Instruction)m.Invoke(null, [code, .. ops])!;
        }
        catch (TargetInvocationException)
        {
            return null;
        }
    }

    public byte[] Encode(IEnumerable<Instruction> instructions)
    {
        var writer = new CodeWriterImpl();
        var encoder = Encoder.Create(64, writer);
        ulong ip = 0x1000;
        foreach (var i in instructions)
        {
            ip += encoder.Encode(i, ip);
        }
        return [.. writer.Bytes];
    }

    public sealed class CodeWriterImpl : CodeWriter
    {
        public readonly List<byte> Bytes = [];
        public override void WriteByte(byte value) => Bytes.Add(value);
    }
}

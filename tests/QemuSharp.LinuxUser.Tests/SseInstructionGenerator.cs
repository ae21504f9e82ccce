using Iced.Intel;

namespace QemuSharp.LinuxUser.Tests;

/// <summary>
/// Seeded random sequences of MMX and SSE..SSE4.2 instructions over XMM0-XMM7, MM0-MM2, the
/// general-purpose registers and the scratch buffer, framed so that the difftest runner compares
/// their results: a prologue loads MXCSR from [r15+96], XMM0-7 from [r15-128..r15-1] and MM0-2
/// from [r15+64..r15+87]; an epilogue stores XMM0-7 back there, MM0-2 at [r15+104..r15+127],
/// MXCSR at [r15+100], and leaves MMX mode. Memory operands lie in [r15+0..r15+95].
/// </summary>
public sealed class SseInstructionGenerator
{
    private static readonly HashSet<CpuidFeature> Features =
    [
        CpuidFeature.MMX, CpuidFeature.SSE, CpuidFeature.SSE2, CpuidFeature.SSE3, CpuidFeature.SSSE3,
        CpuidFeature.SSE4_1, CpuidFeature.SSE4_2,
    ];

    /// <summary>
    /// Left out: LDMXCSR/FXRSTOR could unmask exceptions (the runner has no SIGFPE handler), FXSAVE
    /// stores x87 pointers, MASKMOV* store at rDI, and RCP/RSQRT results are vendor-specific (the
    /// library computes QEMU's, which the host does not).
    /// </summary>
    private static readonly HashSet<Mnemonic> Excluded =
    [
        Mnemonic.Ldmxcsr, Mnemonic.Fxsave, Mnemonic.Fxsave64, Mnemonic.Fxrstor, Mnemonic.Fxrstor64, Mnemonic.Maskmovq,
        Mnemonic.Maskmovdqu, Mnemonic.Rcpps, Mnemonic.Rcpss, Mnemonic.Rsqrtps, Mnemonic.Rsqrtss, Mnemonic.Fisttp,
        Mnemonic.Monitor, Mnemonic.Mwait,
    ];

    public static readonly Code[] Candidates = FindCandidates();

    private readonly Random _rng;

    public SseInstructionGenerator(int seed) => _rng = new Random(seed);

    private static Code[] FindCandidates()
    {
        var list = new List<Code>();
        foreach (Code code in Enum.GetValues<Code>())
        {
            if (code == Code.INVALID || Excluded.Contains(code.Mnemonic()))
                continue;
            var info = code.ToOpCode();
            if (info.Encoding != EncodingKind.Legacy || !info.Mode64 || !code.CpuidFeatures().All(Features.Contains))
                continue;
            if (Enumerable.Range(0, info.OpCount).All(n => CanFill(info.GetOpKind(n))))
                list.Add(code);
        }
        return [.. list];
    }

    private static bool CanFill(OpCodeOperandKind k) => k is OpCodeOperandKind.xmm_reg or OpCodeOperandKind.xmm_rm
        or OpCodeOperandKind.xmm_or_mem or OpCodeOperandKind.mm_reg or OpCodeOperandKind.mm_rm or OpCodeOperandKind.mm_or_mem
        or OpCodeOperandKind.r8_or_mem or OpCodeOperandKind.r16_or_mem or OpCodeOperandKind.r32_or_mem or OpCodeOperandKind.r64_or_mem
        or OpCodeOperandKind.r32_reg or OpCodeOperandKind.r64_reg or OpCodeOperandKind.r32_rm or OpCodeOperandKind.r64_rm
        or OpCodeOperandKind.mem or OpCodeOperandKind.imm8;

    public Instruction NextInstruction()
    {
        while (true)
        {
            Code code = Candidates[_rng.Next(Candidates.Length)];
            var info = code.ToOpCode();
            int memorySize = new Instruction { Code = code }.MemorySize.GetSize();
            bool unaligned = code.Mnemonic() is Mnemonic.Movups or Mnemonic.Movupd or Mnemonic.Movdqu or Mnemonic.Lddqu
                or Mnemonic.Pcmpistri or Mnemonic.Pcmpistrm or Mnemonic.Pcmpestri or Mnemonic.Pcmpestrm or Mnemonic.Pcmpestri64
                or Mnemonic.Pcmpestrm64;
            bool memoryUsed = false;
            var ops = new object[info.OpCount];
            for (int n = 0; n < ops.Length; n++)
            {
                ops[n] = Operand(info.GetOpKind(n), !memoryUsed, unaligned ? 1 : memorySize);
                memoryUsed |= ops[n] is MemoryOperand;
            }
            Instruction? insn = RandomInstructionGenerator.Create(code, ops);
            if (insn != null && Encoder.Create(64, new RandomInstructionGenerator.CodeWriterImpl()).TryEncode(insn.Value, 0x1000, out _, out _))
                return insn.Value;
        }
    }

    private object Operand(OpCodeOperandKind k, bool memoryAllowed, int memorySize)
    {
        bool memory = k == OpCodeOperandKind.mem || k is OpCodeOperandKind.xmm_or_mem or OpCodeOperandKind.mm_or_mem
            or OpCodeOperandKind.r8_or_mem or OpCodeOperandKind.r16_or_mem or OpCodeOperandKind.r32_or_mem
            or OpCodeOperandKind.r64_or_mem && memoryAllowed && _rng.Next(3) == 0;
        if (memory)
        {
            // 16-byte operands stay aligned but for the explicitly unaligned forms (passed as size 1).
            int disp = memorySize >= 16 ? 16 * _rng.Next(6) : _rng.Next(0, 80);
            return new MemoryOperand(Register.R15, disp);
        }
        return k switch
        {
            OpCodeOperandKind.xmm_reg or OpCodeOperandKind.xmm_rm or OpCodeOperandKind.xmm_or_mem => Register.XMM0 + _rng.Next(8),
            OpCodeOperandKind.mm_reg or OpCodeOperandKind.mm_rm or OpCodeOperandKind.mm_or_mem => Register.MM0 + _rng.Next(3),
            OpCodeOperandKind.r8_or_mem => Byte(Gpr()),
            OpCodeOperandKind.r16_or_mem => Register.AX + Gpr(),
            OpCodeOperandKind.r32_reg or OpCodeOperandKind.r32_rm or OpCodeOperandKind.r32_or_mem => Register.EAX + Gpr(),
            OpCodeOperandKind.r64_reg or OpCodeOperandKind.r64_rm or OpCodeOperandKind.r64_or_mem => Register.RAX + Gpr(),
            _ => _rng.Next(256),
        };
    }

    /// <summary>A general-purpose register other than RSP and R15.</summary>
    private int Gpr()
    {
        int n = _rng.Next(14);
        return n >= 4 ? n + 1 : n;
    }

    /// <summary>The byte register of encoding number n (SPL, BPL, SIL, DIL with REX), or AH-BH for 16-19.</summary>
    private Register Byte(int n) => n switch
    {
        < 4 => _rng.Next(4) == 0 ? Register.AH + n : Register.AL + n,
        < 8 => Register.SPL + (n - 4),
        _ => Register.R8L + (n - 8),
    };

    public static byte[] Encode(IEnumerable<Instruction> body)
    {
        var all = new List<Instruction> { Instruction.Create(Code.Ldmxcsr_m32, new MemoryOperand(Register.R15, 96)) };
        for (int k = 0; k < 8; k++)
            all.Add(Instruction.Create(Code.Movdqu_xmm_xmmm128, Register.XMM0 + k, new MemoryOperand(Register.R15, -128 + 16 * k)));
        for (int k = 0; k < 3; k++)
            all.Add(Instruction.Create(Code.Movq_mm_mmm64, Register.MM0 + k, new MemoryOperand(Register.R15, 64 + 8 * k)));
        all.AddRange(body);
        for (int k = 0; k < 8; k++)
            all.Add(Instruction.Create(Code.Movdqu_xmmm128_xmm, new MemoryOperand(Register.R15, -128 + 16 * k), Register.XMM0 + k));
        for (int k = 0; k < 3; k++)
            all.Add(Instruction.Create(Code.Movq_mmm64_mm, new MemoryOperand(Register.R15, 104 + 8 * k), Register.MM0 + k));
        all.Add(Instruction.Create(Code.Stmxcsr_m32, new MemoryOperand(Register.R15, 100)));
        all.Add(Instruction.Create(Code.Emms));
        var sink = new RandomInstructionGenerator.CodeWriterImpl();
        var encoder = Encoder.Create(64, sink);
        ulong ip = 0x1000;
        foreach (var i in all)
            ip += encoder.Encode(i, ip);
        return [.. sink.Bytes];
    }

    private static readonly uint[] SingleEdges =
    [
        0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
        0x7fa00000, 0xff800001, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x4f000000, 0xcf000000,
        0x5f000000, 0x3f000000, 0x4b000001, 0x3effffff, 0x7fffffff, 0x00400000, 0x0ccccccd,
    ];

    private static readonly ulong[] DoubleEdges =
    [
        0, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000, 0x3ff8000000000000, 0x7ff0000000000000,
        0xfff0000000000000, 0x7ff8000000000000, 0xfff8000000000000, 0x7ff4000000000000, 0x0000000000000001,
        0x800fffffffffffff, 0x0010000000000000, 0x7fefffffffffffff, 0x41e0000000000000, 0xc1e0000000000000,
        0x43e0000000000000, 0xc3e0000000000000, 0x3fe0000000000000, 0x4330000000000001, 0x3810000000000000,
        0x380fffffffffffff, 0x47efffffe0000000, 0x36a0000000000000, 0x3fd5555555555555,
    ];

    /// <summary>256 scratch bytes of edge-biased singles, doubles and integers, with MXCSR at offset 224 (r15+96).</summary>
    public byte[] NextScratch()
    {
        var bytes = new byte[256];
        for (int off = 0; off < 256; off += 8)
        {
            ulong v = _rng.Next(5) switch
            {
                0 => SingleEdges[_rng.Next(SingleEdges.Length)] | ((ulong)SingleEdges[_rng.Next(SingleEdges.Length)] << 32),
                1 => DoubleEdges[_rng.Next(DoubleEdges.Length)],
                2 => (ulong)_rng.Next(-300, 300),
                3 => (ulong)(uint)_rng.Next(0x3e000000, 0x42000000) | ((ulong)(uint)_rng.Next(0x3e000000, 0x42000000) << 32) | (_rng.Next(2) == 0 ? 0x8000000000000000 : 0),
                _ => (ulong)_rng.NextInt64() ^ ((ulong)_rng.Next() << 63),
            };
            BitConverter.TryWriteBytes(bytes.AsSpan(off), v);
        }
        uint mxcsr = 0x1F80 | ((uint)_rng.Next(4) << 13) | (_rng.Next(3) == 0 ? 0x40u : 0) | (_rng.Next(3) == 0 ? 0x8000u : 0)
            | (_rng.Next(4) == 0 ? (uint)_rng.Next(64) : 0);
        BitConverter.TryWriteBytes(bytes.AsSpan(224), mxcsr);
        return bytes;
    }

    public ulong NextGpr() => _rng.Next(3) switch
    {
        0 => (ulong)_rng.Next(-20, 20),
        1 => (ulong)(uint)_rng.Next(),
        _ => (ulong)_rng.NextInt64() ^ ((ulong)_rng.Next() << 63),
    };
}

using Iced.Intel;
using QemuSharp.Target.X86.Translate;

namespace QemuSharp.LinuxUser.Tests;

/// <summary>
/// CPUID advertises MMX and SSE..SSE4.2: every legacy 64-bit encoding that Iced attributes to those
/// features (x87 and the instructions other parts own excepted) must have a handler, in both its
/// register and its memory form.
/// </summary>
public sealed class SseCoverageTests
{
    private static readonly HashSet<CpuidFeature> Advertised =
    [
        CpuidFeature.MMX, CpuidFeature.SSE, CpuidFeature.SSE2, CpuidFeature.SSE3, CpuidFeature.SSSE3,
        CpuidFeature.SSE4_1, CpuidFeature.SSE4_2,
    ];

    /// <summary>Owned elsewhere (x87, system instructions) or not instructions of user programs.</summary>
    private static readonly HashSet<Mnemonic> NotOurs =
    [
        Mnemonic.Fisttp, Mnemonic.Monitor, Mnemonic.Mwait, Mnemonic.Monitorx, Mnemonic.Mwaitx,
    ];

    public static IEnumerable<object[]> Encodings()
    {
        foreach (Code code in Enum.GetValues<Code>())
        {
            if (code == Code.INVALID || NotOurs.Contains(code.Mnemonic()))
                continue;
            var info = code.ToOpCode();
            if (info.Encoding != EncodingKind.Legacy || !info.Mode64 || !code.CpuidFeatures().All(Advertised.Contains))
                continue;
            bool hasMemoryForm = Enumerable.Range(0, info.OpCount).Any(n => IsRegisterOrMemory(info.GetOpKind(n)));
            yield return [code, false];
            if (hasMemoryForm)
                yield return [code, true];
        }
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void ShouldBindEveryAdvertisedEncoding(Code code, bool memoryForm)
    {
        Instruction i = Build(code, memoryForm);
        var op = new Op();
        OperandDecoder.Fill(ref op, i);
        Assert.True(Binder.Bind(ref op), $"{code} ({(memoryForm ? "memory" : "register")} form) has no handler");
    }

    [Fact]
    public void ShouldFindTheWholeInstructionSet() => Assert.True(Encodings().Count() > 450);

    private static bool IsRegisterOrMemory(OpCodeOperandKind k) => k is OpCodeOperandKind.xmm_or_mem or OpCodeOperandKind.mm_or_mem
        or OpCodeOperandKind.r8_or_mem or OpCodeOperandKind.r16_or_mem or OpCodeOperandKind.r32_or_mem or OpCodeOperandKind.r64_or_mem;

    private static Instruction Build(Code code, bool memoryForm)
    {
        var info = code.ToOpCode();
        var i = new Instruction { Code = code };
        for (int n = 0; n < info.OpCount; n++)
        {
            OpCodeOperandKind k = info.GetOpKind(n);
            if (memoryForm && IsRegisterOrMemory(k) || k == OpCodeOperandKind.mem)
            {
                i.SetOpKind(n, OpKind.Memory);
                i.MemoryBase = Register.R15;
                continue;
            }
            if (k == OpCodeOperandKind.imm8)
            {
                i.SetOpKind(n, OpKind.Immediate8);
                i.Immediate8 = 1;
                continue;
            }
            if (k == OpCodeOperandKind.seg_rDI)
            {
                i.SetOpKind(n, OpKind.MemorySegRDI);
                continue;
            }
            i.SetOpKind(n, OpKind.Register);
            i.SetOpRegister(n, k switch
            {
                OpCodeOperandKind.xmm_reg or OpCodeOperandKind.xmm_rm or OpCodeOperandKind.xmm_or_mem => Register.XMM1 + n,
                OpCodeOperandKind.mm_reg or OpCodeOperandKind.mm_rm or OpCodeOperandKind.mm_or_mem => Register.MM1 + n,
                OpCodeOperandKind.r8_or_mem => Register.BL,
                OpCodeOperandKind.r16_or_mem => Register.BX,
                OpCodeOperandKind.r32_reg or OpCodeOperandKind.r32_rm or OpCodeOperandKind.r32_or_mem => Register.ECX + n,
                OpCodeOperandKind.r64_reg or OpCodeOperandKind.r64_rm or OpCodeOperandKind.r64_or_mem => Register.RCX + n,
                _ => throw new InvalidOperationException($"{code}: operand kind {k} not modelled"),
            });
        }
        return i;
    }
}

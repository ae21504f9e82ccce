using System.Runtime.Intrinsics;
using Iced.Intel;
using QemuSharp.Target.X86.Sse;
using Xmm = System.Runtime.Intrinsics.Vector128<byte>;

namespace QemuSharp.Target.X86.Tests.Sse;

/// <summary>LDMXCSR's reserved-bit rule and the FXSAVE area's SSE fields, checked against the host CPU.</summary>
public sealed class MxcsrTests
{
    private const uint SigSegv = 11;

    /// <summary>Bits 18-31 are reserved on every vendor; AMD hosts also accept bit 17 (misaligned-access mask), which we do not model.</summary>
    [Fact]
    public void ShouldRejectReservedBitsAsLdmxcsrDoes()
    {
        // mov [rsp-8], eax; ldmxcsr [rsp-8]; stmxcsr [rsp-8]; mov eax, [rsp-8]
        var slot = new MemoryOperand(Register.RSP, -8);
        byte[] code = HostOracle.Encode(
            Instruction.Create(Code.Mov_rm32_r32, slot, Register.EAX),
            Instruction.Create(Code.Ldmxcsr_m32, slot),
            Instruction.Create(Code.Stmxcsr_m32, slot),
            Instruction.Create(Code.Mov_r32_rm32, Register.EAX, slot));
        var random = new Random(5);
        var cases = new List<(MachineState, byte[])>();
        for (int i = 0; i < 1000; i++)
        {
            uint value = (uint)random.Next(0x10000) | Mxcsr.MaskBits;
            value |= i % 3 == 0 ? 1u << random.Next(18, 32) : 0;
            cases.Add((new MachineState { Mxcsr = Mxcsr.Default, Rflags = 0x202, Rax = value }, code));
        }
        MachineState[] host = HostOracle.Run(cases);
        for (int i = 0; i < cases.Count; i++)
        {
            uint value = (uint)cases[i].Item1.Rax;
            bool valid = Mxcsr.IsValid(value);
            Assert.Equal(valid ? 0 : SigSegv, host[i].Faulted);
            if (valid)
            {
                Assert.Equal(value, (uint)host[i].Rax);
            }
        }
    }

    [Fact]
    public void ShouldLayOutMxcsrAndXmmAsTheHostsFxsaveAndClaimOnlyWritableBits()
    {
        // lea rax, [rsp-1024]; and rax, -16; fxsave64 [rax]; mov ecx, [rax+24]; mov edx, [rax+28]; movdqu xmm0, [rax+176]
        byte[] code = HostOracle.Encode(
            Instruction.Create(Code.Lea_r64_m, Register.RAX, new MemoryOperand(Register.RSP, -1024)),
            Instruction.Create(Code.And_rm64_imm8, Register.RAX, -16),
            Instruction.Create(Code.Fxsave64_m512byte, new MemoryOperand(Register.RAX)),
            Instruction.Create(Code.Mov_r32_rm32, Register.ECX, new MemoryOperand(Register.RAX, FxsaveArea.MxcsrOffset)),
            Instruction.Create(Code.Mov_r32_rm32, Register.EDX, new MemoryOperand(Register.RAX, FxsaveArea.MxcsrMaskOffset)),
            Instruction.Create(Code.Movdqu_xmm_xmmm128, Register.XMM0, new MemoryOperand(Register.RAX, FxsaveArea.XmmOffset + 16)));
        var state = new MachineState { Mxcsr = 0x9FC5, Rflags = 0x202, X1 = Vector128.Create((byte)0x5A, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) };
        MachineState host = HostOracle.Run([(state, code)])[0];

        Span<byte> area = stackalloc byte[FxsaveArea.Size];
        FxsaveArea.Save(area, state.Mxcsr, [state.X0, state.X1, state.X2]);
        Assert.Equal(0u, host.Faulted);
        Assert.Equal(host.Rcx, BitConverter.ToUInt32(area[FxsaveArea.MxcsrOffset..]));
        uint mask = BitConverter.ToUInt32(area[FxsaveArea.MxcsrMaskOffset..]);
        Assert.Equal(mask, (uint)host.Rdx & mask);
        Assert.Equal(host.X0, Vector128.Create<byte>(area.Slice(FxsaveArea.XmmOffset + 16, 16)));
    }

    [Fact]
    public void ShouldRestoreWhatItSaved()
    {
        Span<byte> area = stackalloc byte[FxsaveArea.Size];
        Xmm[] saved = [.. Enumerable.Range(0, 16).Select(i => Vector128.Create((byte)i))];
        FxsaveArea.Save(area, 0x7F80 | Mxcsr.FlushToZero, saved);
        var restored = new Xmm[16];
        uint mxcsr = Mxcsr.Default;
        Assert.True(FxsaveArea.Restore(area, ref mxcsr, restored));
        Assert.Equal(0x7F80 | Mxcsr.FlushToZero, mxcsr);
        Assert.Equal(saved, restored);
    }

    [Fact]
    public void ShouldRefuseToRestoreAReservedMxcsrBit()
    {
        Span<byte> area = stackalloc byte[FxsaveArea.Size];
        FxsaveArea.Save(area, 0x1_0000, []);
        uint mxcsr = Mxcsr.Default;
        Assert.False(FxsaveArea.Restore(area, ref mxcsr, new Xmm[16]));
        Assert.Equal(Mxcsr.Default, mxcsr);
    }
}

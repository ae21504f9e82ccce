using Iced.Intel;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Mmu;

namespace QemuSharp.Target.X86.Translate;

/// <summary>
/// Decodes guest code into translation blocks (design.md #3). A block ends after a control
/// transfer, a SYSCALL, at a page boundary or at <see cref="MaxOps"/> instructions.
/// </summary>
public sealed unsafe class Translator
{
    public const int MaxOps = 128;
    private const int MaxInstructionLength = 15;

    private readonly byte[] _code = new byte[(int)SoftTlb.PageSize + MaxInstructionLength];
    private readonly List<Op> _ops = new(MaxOps);

    /// <summary>Called for each instruction that has no handler (for -d logging).</summary>
    public Action<Instruction>? OnUnsupported { get; set; }

    /// <summary>Called with each new block (for -d in_asm and -d op).</summary>
    public Action<X86Block>? OnTranslated { get; set; }

    /// <summary>Limits blocks to one instruction (-one-insn-per-tb).</summary>
    public bool OneInstructionPerBlock { get; set; }

    /// <summary>Translates the block at <paramref name="pc"/> (an offset in CS, equal to the linear address in 64-bit mode).</summary>
    public X86Block Translate(X86Cpu cpu, ulong pc, ulong mode, ulong physicalPc)
    {
        ulong codeBase = cpu.CodeBase;
        ulong linear = pc + codeBase;
        ulong page = linear & SoftTlb.PageMask;
        int offset = (int)(linear - page);
        int available = (int)SoftTlb.PageSize - offset;
        new ReadOnlySpan<byte>(cpu.Tlb.FetchPage(page) + offset, available).CopyTo(_code);
        int length = available;
        bool nextPageMissing = false;
        try
        {
            byte* next = cpu.Tlb.FetchPage(page + SoftTlb.PageSize, readDevices: false);
            if (next == null)
                nextPageMissing = true;
            else
            {
                new ReadOnlySpan<byte>(next, MaxInstructionLength).CopyTo(_code.AsSpan(available));
                length += MaxInstructionLength;
            }
        }
        catch (GuestFault)
        {
            nextPageMissing = true;
        }

        var decoder = Decoder.Create(cpu.CodeBits, new ByteArrayCodeReader(_code, 0, length), pc, DecoderOptions.None);
        _ops.Clear();
        bool endsInBranch = false;
        ulong lastByte = pc;
        while (_ops.Count < MaxOps)
        {
            ulong ip = decoder.IP;
            if (ip + codeBase - page >= SoftTlb.PageSize)
                break;
            decoder.Decode(out Instruction insn);
            if (decoder.LastError == DecoderError.NoMoreBytes && nextPageMissing)
            {
                if (_ops.Count > 0)
                    break;
                // The first instruction runs into a page we cannot fetch: that page faults.
                cpu.Tlb.FetchPage(page + SoftTlb.PageSize);
            }
            var op = new Op();
            OperandDecoder.Fill(ref op, insn);
            if (insn.IsInvalid || !FeatureCheck.Supported(insn, cpu.Model) || !Binder.Bind(ref op))
            {
                op.Exec = &Exec.SystemHandlers.Undefined;
                if (!insn.IsInvalid && FeatureCheck.Supported(insn, cpu.Model))
                    OnUnsupported?.Invoke(insn);
            }
            _ops.Add(op);
            lastByte = insn.NextIP - 1;
            if (insn.IsInvalid || EndsBlock(insn))
            {
                endsInBranch = !insn.IsInvalid && (insn.FlowControl != FlowControl.Next || SetsRip(insn));
                break;
            }
            if (OneInstructionPerBlock)
                break;
        }
        ulong firstPage = physicalPc & SoftTlb.PageMask;
        ulong lastLinear = lastByte + codeBase;
        ulong lastPage = (lastLinear & SoftTlb.PageMask) == page ? firstPage : cpu.Tlb.CodePhysical(lastLinear) & SoftTlb.PageMask;
        var block = new X86Block(pc, mode, physicalPc, firstPage, lastPage, [.. _ops], endsInBranch);
        OnTranslated?.Invoke(block);
        return block;
    }

    /// <summary>Instructions whose handlers set RIP themselves whatever Iced's flow control says.</summary>
    private static bool SetsRip(in Instruction i) =>
        i.Mnemonic is Mnemonic.Syscall or Mnemonic.Sysenter || i.Code is Code.Sysretd or Code.Sysretq or Code.Sysexitd or Code.Sysexitq;

    private static bool EndsBlock(in Instruction i) =>
        i.FlowControl != FlowControl.Next || SetsRip(i) || i.Mnemonic is Mnemonic.Cpuid or Mnemonic.Sti or Mnemonic.Hlt
            or Mnemonic.Lgdt or Mnemonic.Lidt or Mnemonic.Lss or Mnemonic.Lds or Mnemonic.Les or Mnemonic.Lfs or Mnemonic.Lgs or Mnemonic.Lmsw or Mnemonic.Invlpg or Mnemonic.Wrmsr or Mnemonic.Swapgs
            || (i.Mnemonic is Mnemonic.Mov or Mnemonic.Pop && i.Op0Kind == OpKind.Register && (i.Op0Register.IsCR() || i.Op0Register.IsSegmentRegister()))
            || (i.Mnemonic == Mnemonic.Popf || i.Mnemonic == Mnemonic.Popfd || i.Mnemonic == Mnemonic.Popfq);
}

using Iced.Intel;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Exec;

namespace QemuSharp.Target.X86.Translate;

public static unsafe partial class Binder
{
    /// <summary>System instructions and the stack instructions of 16- and 32-bit code.</summary>
    private static bool BindSystem(ref Op op, in Instruction i, Mnemonic m)
    {
        if (i.CodeSize != CodeSize.Code64 && BindLegacyStack(ref op, i, m))
            return true;
        switch (i.Code)
        {
            case Code.Sysretd or Code.Sysretq: Set(ref op, &TransferHandlers.Sysret, (byte)(i.Code == Code.Sysretq ? 1 : 0)); return true;
            case Code.Sysexitd or Code.Sysexitq: Set(ref op, &TransferHandlers.Sysexit, (byte)(i.Code == Code.Sysexitq ? 1 : 0)); return true;
        }
        switch (m)
        {
            case Mnemonic.Mov when i.Op0Kind == OpKind.Register && i.Op0Register.IsCR():
                op.Reg1 = OperandDecoder.GprNumber(i.Op1Register);
                Set(ref op, &PrivilegedHandlers.MovToCr, (byte)(i.Op0Register - Register.CR0));
                return true;
            case Mnemonic.Mov when i.Op1Kind == OpKind.Register && i.Op1Register.IsCR():
                op.Reg0 = OperandDecoder.GprNumber(i.Op0Register);
                Set(ref op, &PrivilegedHandlers.MovFromCr, (byte)(i.Op1Register - Register.CR0));
                return true;
            case Mnemonic.Mov when i.Op0Kind == OpKind.Register && i.Op0Register.IsDR():
                op.Reg1 = OperandDecoder.GprNumber(i.Op1Register);
                Set(ref op, &PrivilegedHandlers.MovToDr, (byte)(i.Op0Register - Register.DR0));
                return true;
            case Mnemonic.Mov when i.Op1Kind == OpKind.Register && i.Op1Register.IsDR():
                op.Reg0 = OperandDecoder.GprNumber(i.Op0Register);
                Set(ref op, &PrivilegedHandlers.MovFromDr, (byte)(i.Op1Register - Register.DR0));
                return true;
            case Mnemonic.Mov when i.Op0Kind == OpKind.Register && i.Op0Register.IsSegmentRegister():
                op.Size = 2;
                Set(ref op, &TransferHandlers.MovToSegment, (byte)(i.Op0Register - Register.ES));
                return true;
            case Mnemonic.Mov when i.Op1Kind == OpKind.Register && i.Op1Register.IsSegmentRegister():
                Set(ref op, &TransferHandlers.MovFromSegment, (byte)(i.Op1Register - Register.ES));
                return true;
            case Mnemonic.Push when i.Op0Kind == OpKind.Register && i.Op0Register.IsSegmentRegister():
                op.Size = (byte)-i.StackPointerIncrement;
                Set(ref op, &TransferHandlers.PushSegment, (byte)(i.Op0Register - Register.ES));
                return true;
            case Mnemonic.Pop when i.Op0Kind == OpKind.Register && i.Op0Register.IsSegmentRegister():
                op.Size = (byte)i.StackPointerIncrement;
                Set(ref op, &TransferHandlers.PopSegment, (byte)(i.Op0Register - Register.ES));
                return true;
            case Mnemonic.Lgdt: op.Size = (byte)(i.Code == Code.Lgdt_m1632_16 ? 2 : 4); Set(ref op, &PrivilegedHandlers.LoadTable, 0); return true;
            case Mnemonic.Lidt: op.Size = (byte)(i.Code == Code.Lidt_m1632_16 ? 2 : 4); Set(ref op, &PrivilegedHandlers.LoadTable, 1); return true;
            case Mnemonic.Sgdt: Set(ref op, &PrivilegedHandlers.StoreTable, 0); return true;
            case Mnemonic.Sidt: Set(ref op, &PrivilegedHandlers.StoreTable, 1); return true;
            case Mnemonic.Lldt: op.Size = 2; Set(ref op, &PrivilegedHandlers.LoadSystemSegment, SegReg.Ldtr); return true;
            case Mnemonic.Ltr: op.Size = 2; Set(ref op, &PrivilegedHandlers.LoadSystemSegment, SegReg.Tr); return true;
            case Mnemonic.Sldt: Set(ref op, &PrivilegedHandlers.StoreSystemSegment, SegReg.Ldtr); return true;
            case Mnemonic.Str: Set(ref op, &PrivilegedHandlers.StoreSystemSegment, SegReg.Tr); return true;
            case Mnemonic.Lds: Set(ref op, &TransferHandlers.LoadFarPointer, SegReg.Ds); return true;
            case Mnemonic.Les: Set(ref op, &TransferHandlers.LoadFarPointer, SegReg.Es); return true;
            case Mnemonic.Lss: Set(ref op, &TransferHandlers.LoadFarPointer, SegReg.Ss); return true;
            case Mnemonic.Lfs: Set(ref op, &TransferHandlers.LoadFarPointer, SegReg.Fs); return true;
            case Mnemonic.Lgs: Set(ref op, &TransferHandlers.LoadFarPointer, SegReg.Gs); return true;
            case Mnemonic.Lar: Set(ref op, &DescriptorHandlers.Check, DescriptorHandlers.Lar); return true;
            case Mnemonic.Lsl: Set(ref op, &DescriptorHandlers.Check, DescriptorHandlers.Lsl); return true;
            case Mnemonic.Verr: op.Size = 2; Set(ref op, &DescriptorHandlers.Check, DescriptorHandlers.Verr); return true;
            case Mnemonic.Verw: op.Size = 2; Set(ref op, &DescriptorHandlers.Check, DescriptorHandlers.Verw); return true;
            case Mnemonic.Smsw: Set(ref op, &PrivilegedHandlers.Smsw); return true;
            case Mnemonic.Lmsw: Set(ref op, &PrivilegedHandlers.Lmsw); return true;
            case Mnemonic.Clts: Set(ref op, &PrivilegedHandlers.Clts); return true;
            case Mnemonic.Invlpg: Set(ref op, &PrivilegedHandlers.Invlpg); return true;
            case Mnemonic.Wbinvd: case Mnemonic.Invd: Set(ref op, &PrivilegedHandlers.CacheControl); return true;
            case Mnemonic.Rdmsr: Set(ref op, &PrivilegedHandlers.Rdmsr); return true;
            case Mnemonic.Wrmsr: Set(ref op, &PrivilegedHandlers.Wrmsr); return true;
            case Mnemonic.Hlt: Set(ref op, &PrivilegedHandlers.Hlt); return true;
            case Mnemonic.Cli: Set(ref op, &PrivilegedHandlers.Cli); return true;
            case Mnemonic.Sti: Set(ref op, &PrivilegedHandlers.Sti); return true;
            case Mnemonic.Swapgs: Set(ref op, &PrivilegedHandlers.Swapgs); return true;
            case Mnemonic.Rdtscp: Set(ref op, &PrivilegedHandlers.Rdtscp); return true;
            case Mnemonic.In: Set(ref op, &IoHandlers.In); return true;
            case Mnemonic.Out: op.Size = (byte)i.Op1Register.GetSize(); Set(ref op, &IoHandlers.Out); return true;
            case Mnemonic.Insb: case Mnemonic.Insw: case Mnemonic.Insd:
                op.Size = (byte)(m == Mnemonic.Insb ? 1 : m == Mnemonic.Insw ? 2 : 4);
                op.Exec = &IoHandlers.Ins;
                op.Rep = (byte)(i.HasRepPrefix || i.HasRepePrefix || i.HasRepnePrefix ? 1 : 0);
                return true;
            case Mnemonic.Outsb: case Mnemonic.Outsw: case Mnemonic.Outsd:
                op.Size = (byte)(m == Mnemonic.Outsb ? 1 : m == Mnemonic.Outsw ? 2 : 4);
                op.Exec = &IoHandlers.Outs;
                op.Rep = (byte)(i.HasRepPrefix || i.HasRepePrefix || i.HasRepnePrefix ? 1 : 0);
                return true;
            case Mnemonic.Syscall: Set(ref op, &TransferHandlers.Syscall); return true;
            case Mnemonic.Sysenter: Set(ref op, &TransferHandlers.Sysenter); return true;
            case Mnemonic.Int: op.Imm = i.Immediate8; Set(ref op, &TransferHandlers.Int, 0); return true;
            case Mnemonic.Into: op.Imm = 4; Set(ref op, &TransferHandlers.Int, 1); return true;
            case Mnemonic.Iret: op.Size = 2; Set(ref op, &TransferHandlers.Iret); return true;
            case Mnemonic.Iretd: op.Size = 4; Set(ref op, &TransferHandlers.Iret); return true;
            case Mnemonic.Iretq: op.Size = 8; Set(ref op, &TransferHandlers.Iret); return true;
            case Mnemonic.Jmp or Mnemonic.Call when i.FlowControl is FlowControl.IndirectBranch or FlowControl.IndirectCall && IsFar(i):
            case Mnemonic.Jmp or Mnemonic.Call when i.Op0Kind is OpKind.FarBranch16 or OpKind.FarBranch32:
                BindFar(ref op, i);
                Set(ref op, m == Mnemonic.Jmp ? &TransferHandlers.FarJmp : &TransferHandlers.FarCall, op.Cond);
                return true;
            case Mnemonic.Retf:
                op.Imm = i.OpCount > 0 ? i.Immediate16 : 0u;
                Set(ref op, &TransferHandlers.FarRet, (byte)((i.StackPointerIncrement - (int)op.Imm) / 2));
                return true;
            default:
                return false;
        }
    }

    private static bool IsFar(in Instruction i) =>
        i.Op0Kind == OpKind.Memory && i.MemorySize is MemorySize.SegPtr16 or MemorySize.SegPtr32 or MemorySize.SegPtr64;

    private static void BindFar(ref Op op, in Instruction i)
    {
        if (i.Op0Kind is OpKind.FarBranch16 or OpKind.FarBranch32)
        {
            op.Kind0 = OperandKind.Immediate;
            op.Imm = i.Op0Kind == OpKind.FarBranch16 ? i.FarBranch16 : i.FarBranch32;
            op.Disp = i.FarBranchSelector;
            op.Cond = (byte)(i.Op0Kind == OpKind.FarBranch16 ? 2 : 4);
        }
        else
            op.Cond = (byte)(i.MemorySize switch { MemorySize.SegPtr16 => 2, MemorySize.SegPtr32 => 4, _ => 8 });
    }

    private static bool BindLegacyStack(ref Op op, in Instruction i, Mnemonic m)
    {
        byte bytes = (byte)Math.Abs(i.StackPointerIncrement);
        switch (m)
        {
            case Mnemonic.Push when !(i.Op0Kind == OpKind.Register && i.Op0Register.IsSegmentRegister()):
                if (op.Kind0 == OperandKind.Immediate)
                    op.Imm &= X86Cpu.Mask(bytes);
                Set(ref op, &LegacyStackHandlers.Push, bytes);
                return true;
            case Mnemonic.Pop when !(i.Op0Kind == OpKind.Register && i.Op0Register.IsSegmentRegister()):
                Set(ref op, &LegacyStackHandlers.Pop, bytes);
                return true;
            case Mnemonic.Call when i.FlowControl == FlowControl.Call:
                Set(ref op, &LegacyStackHandlers.CallRel, bytes);
                return true;
            case Mnemonic.Call when i.FlowControl == FlowControl.IndirectCall && !IsFar(i):
                Set(ref op, &LegacyStackHandlers.CallIndirect, bytes);
                return true;
            case Mnemonic.Ret:
                op.Imm = i.OpCount > 0 ? i.Immediate16 : 0u;
                Set(ref op, &LegacyStackHandlers.Ret, (byte)(i.StackPointerIncrement - (int)op.Imm));
                return true;
            case Mnemonic.Pushf: case Mnemonic.Pushfd: Set(ref op, &LegacyStackHandlers.Pushf, bytes); return true;
            case Mnemonic.Popf: case Mnemonic.Popfd: Set(ref op, &LegacyStackHandlers.Popf, bytes); return true;
            case Mnemonic.Leave: Set(ref op, &LegacyStackHandlers.Leave, (byte)(i.Code == Code.Leavew ? 2 : 4)); return true;
            case Mnemonic.Pusha: case Mnemonic.Pushad: Set(ref op, &LegacyStackHandlers.Pusha, (byte)(bytes / 8)); return true;
            case Mnemonic.Popa: case Mnemonic.Popad: Set(ref op, &LegacyStackHandlers.Popa, (byte)(bytes / 8)); return true;
            default:
                return false;
        }
    }
}

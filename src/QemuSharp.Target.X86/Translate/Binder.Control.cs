using Iced.Intel;
using QemuSharp.Target.X86.Exec;
using static QemuSharp.Target.X86.Exec.ControlHandlers;

namespace QemuSharp.Target.X86.Translate;

public static unsafe partial class Binder
{
    private static bool BindControl(ref Op op, in Instruction i, Mnemonic m)
    {
        switch (m)
        {
            case Mnemonic.Jmp:
                if (op.Kind0 == OperandKind.Immediate) Set(ref op, &JmpRel);
                else Set(ref op, &JmpIndirect);
                return true;
            case Mnemonic.Call:
                if (op.Kind0 == OperandKind.Immediate) Set(ref op, &CallRel);
                else Set(ref op, &CallIndirect);
                return true;
            case Mnemonic.Ret:
                op.Imm = i.OpCount > 0 ? i.Immediate16 : 0u;
                Set(ref op, &Ret);
                return true;
            case Mnemonic.Loop: CounterWidth(ref op, i); Set(ref op, &Loop, 0); return true;
            case Mnemonic.Loope: CounterWidth(ref op, i); Set(ref op, &Loop, 1); return true;
            case Mnemonic.Loopne: CounterWidth(ref op, i); Set(ref op, &Loop, 2); return true;
            case Mnemonic.Jrcxz: case Mnemonic.Jecxz: case Mnemonic.Jcxz: CounterWidth(ref op, i); Set(ref op, &Jrcxz); return true;
            case Mnemonic.Push:
                if (op.Kind0 == OperandKind.Gpr && op.Size == 8) Set(ref op, &PushReg64);
                else if (op.Kind0 == OperandKind.Other) return false;
                else
                {
                    if (op.Kind0 == OperandKind.Immediate)
                        op.Size = (byte)(i.Code == Code.Pushq_imm8 || i.Code == Code.Pushq_imm32 ? 8 : 2);
                    Set(ref op, &PushOp);
                }
                return true;
            case Mnemonic.Pop:
                if (op.Kind0 == OperandKind.Gpr && op.Size == 8) Set(ref op, &PopReg64);
                else if (op.Kind0 == OperandKind.Other) return false;
                else Set(ref op, &PopOp);
                return true;
            case Mnemonic.Pushf: op.Size = 2; Set(ref op, &Pushf); return true;
            case Mnemonic.Pushfq: op.Size = 8; Set(ref op, &Pushf); return true;
            case Mnemonic.Popf: op.Size = 2; Set(ref op, &Popf); return true;
            case Mnemonic.Popfq: op.Size = 8; Set(ref op, &Popf); return true;
            case Mnemonic.Leave: op.Size = (byte)(i.Code == Code.Leavew ? 2 : 8); Set(ref op, &Leave); return true;
            case Mnemonic.Enter:
                op.Size = (byte)(i.Code == Code.Enterw_imm16_imm8 ? 2 : 8);
                op.Imm = i.Immediate16;
                op.Exec = &Enter;
                op.Cond = i.Immediate8_2nd;
                return true;
            case Mnemonic.Cpuid: Set(ref op, &SystemHandlers.Cpuid); return true;
            case Mnemonic.Rdtsc: Set(ref op, &SystemHandlers.Rdtsc); return true;
            case Mnemonic.Nop: case Mnemonic.Endbr64: case Mnemonic.Endbr32: case Mnemonic.Prefetchnta:
            case Mnemonic.Prefetcht0: case Mnemonic.Prefetcht1: case Mnemonic.Prefetcht2: case Mnemonic.Prefetchw:
            case Mnemonic.Clflush: case Mnemonic.Clflushopt:
            case Mnemonic.Rdsspd: case Mnemonic.Rdsspq:
                Set(ref op, &SystemHandlers.Nop);
                return true;
            case Mnemonic.Lfence: case Mnemonic.Sfence: case Mnemonic.Mfence:
                Set(ref op, &SystemHandlers.Fence);
                return true;
            case Mnemonic.Pause: Set(ref op, &SystemHandlers.Pause); return true;
            case Mnemonic.Ud0: case Mnemonic.Ud1: case Mnemonic.Ud2: Set(ref op, &SystemHandlers.Undefined); return true;
            case Mnemonic.Int3: Set(ref op, &SystemHandlers.Int3); return true;
            case Mnemonic.Clc: Set(ref op, &SystemHandlers.FlagOpHandler, 0); return true;
            case Mnemonic.Stc: Set(ref op, &SystemHandlers.FlagOpHandler, 1); return true;
            case Mnemonic.Cmc: Set(ref op, &SystemHandlers.FlagOpHandler, 2); return true;
            case Mnemonic.Cld: Set(ref op, &SystemHandlers.FlagOpHandler, 3); return true;
            case Mnemonic.Std: Set(ref op, &SystemHandlers.FlagOpHandler, 4); return true;
            case Mnemonic.Lahf: Set(ref op, &SystemHandlers.Lahf); return true;
            case Mnemonic.Sahf: Set(ref op, &SystemHandlers.Sahf); return true;
            case Mnemonic.Xlatb: Set(ref op, &SystemHandlers.Xlat); return true;
        }
        if (i.ConditionCode != ConditionCode.None && i.Mnemonic is >= Mnemonic.Ja and <= Mnemonic.Js or >= Mnemonic.Seta and <= Mnemonic.Sets or >= Mnemonic.Cmova and <= Mnemonic.Cmovs)
        {
            byte cc = ConditionNumber(i.ConditionCode);
            if (i.FlowControl == FlowControl.ConditionalBranch) Set(ref op, &Jcc, cc);
            else if (op.Kind1 == OperandKind.None && i.OpCount == 1) { op.Size = 1; Set(ref op, &Setcc, cc); }
            else Set(ref op, &Cmovcc, cc);
            return true;
        }
        return BindString(ref op, i, m);
    }

    /// <summary>LOOP and JrCXZ count in CX, ECX or RCX as the address size says (Iced names the register in the code).</summary>
    private static void CounterWidth(ref Op op, in Instruction i)
    {
        string code = i.Code.ToString();
        op.Addr16 = code.EndsWith("_CX", StringComparison.Ordinal);
        op.Addr32 = op.Addr16 || code.EndsWith("_ECX", StringComparison.Ordinal);
    }

    /// <summary>The x86 condition-code nibble (O, NO, B, AE, E, NE, BE, A, S, NS, P, NP, L, GE, LE, G).</summary>
    private static byte ConditionNumber(ConditionCode cc) => cc switch
    {
        ConditionCode.o => 0, ConditionCode.no => 1, ConditionCode.b => 2, ConditionCode.ae => 3,
        ConditionCode.e => 4, ConditionCode.ne => 5, ConditionCode.be => 6, ConditionCode.a => 7,
        ConditionCode.s => 8, ConditionCode.ns => 9, ConditionCode.p => 10, ConditionCode.np => 11,
        ConditionCode.l => 12, ConditionCode.ge => 13, ConditionCode.le => 14, _ => 15,
    };

    private static bool BindString(ref Op op, in Instruction i, Mnemonic m)
    {
        // Kind: 0 MOVS, 1 STOS, 2 LODS, 3 CMPS, 4 SCAS; MOVS, STOS and LODS repeat on either prefix.
        (int kind, int size) = i.Code switch
        {
            Code.Movsb_m8_m8 => (0, 1), Code.Movsw_m16_m16 => (0, 2), Code.Movsd_m32_m32 => (0, 4), Code.Movsq_m64_m64 => (0, 8),
            Code.Stosb_m8_AL => (1, 1), Code.Stosw_m16_AX => (1, 2), Code.Stosd_m32_EAX => (1, 4), Code.Stosq_m64_RAX => (1, 8),
            Code.Lodsb_AL_m8 => (2, 1), Code.Lodsw_AX_m16 => (2, 2), Code.Lodsd_EAX_m32 => (2, 4), Code.Lodsq_RAX_m64 => (2, 8),
            Code.Cmpsb_m8_m8 => (3, 1), Code.Cmpsw_m16_m16 => (3, 2), Code.Cmpsd_m32_m32 => (3, 4), Code.Cmpsq_m64_m64 => (3, 8),
            Code.Scasb_AL_m8 => (4, 1), Code.Scasw_AX_m16 => (4, 2), Code.Scasd_EAX_m32 => (4, 4), Code.Scasq_RAX_m64 => (4, 8),
            _ => (-1, 0),
        };
        if (kind < 0)
            return false;
        op.Size = (byte)size;
        op.Rep = i.HasRepnePrefix ? StringHandlers.RepNe : i.HasRepePrefix || i.HasRepPrefix ? StringHandlers.Rep : (byte)0;
        if (kind < 3 && op.Rep != 0)
            op.Rep = StringHandlers.Rep;
        op.Exec = kind switch
        {
            0 => &StringHandlers.Movs,
            1 => &StringHandlers.Stos,
            2 => &StringHandlers.Lods,
            3 => &StringHandlers.Cmps,
            _ => &StringHandlers.Scas,
        };
        return true;
    }
}

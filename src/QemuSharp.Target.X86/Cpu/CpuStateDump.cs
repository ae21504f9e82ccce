using System.Runtime.Intrinsics;
using System.Text;

namespace QemuSharp.Target.X86.Cpu;

/// <summary>
/// The register dump of QEMU's <c>info registers</c> and <c>-d cpu</c> (x86_cpu_dump_state): general
/// registers, flags, segment caches with their decoded type, descriptor tables, control, debug
/// and model-specific registers, x87 and SSE state.
/// </summary>
public static class CpuStateDump
{
    public static string Format(X86Cpu c)
    {
        var sb = new StringBuilder();
        bool wide = c.LongMode;
        if (wide)
        {
            string[] names = ["RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "RSP", "R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14", "R15"];
            int[] order = [0, 3, 1, 2, 6, 7, 5, 4, 8, 9, 10, 11, 12, 13, 14, 15];
            for (int i = 0; i < 16; i++)
                sb.Append(names[i]).Append('=').Append(c.R[order[i]].ToString("x16")).Append(i % 4 == 3 ? "\n" : " ");
            sb.Append($"RIP={c.Rip:x16} RFL={c.Flags:x8} [{FlagLetters(c.Flags)}] CPL={c.Cpl} II={(c.InterruptShadow ? 1 : 0)} A20=1 SMM=0 HLT={(c.Halted ? 1 : 0)}\n");
        }
        else
        {
            sb.Append($"EAX={(uint)c.R[0]:x8} EBX={(uint)c.R[3]:x8} ECX={(uint)c.R[1]:x8} EDX={(uint)c.R[2]:x8}\n");
            sb.Append($"ESI={(uint)c.R[6]:x8} EDI={(uint)c.R[7]:x8} EBP={(uint)c.R[5]:x8} ESP={(uint)c.R[4]:x8}\n");
            sb.Append($"EIP={(uint)c.Rip:x8} EFL={c.Flags:x8} [{FlagLetters(c.Flags)}] CPL={c.Cpl} II={(c.InterruptShadow ? 1 : 0)} A20=1 SMM=0 HLT={(c.Halted ? 1 : 0)}\n");
        }
        string[] segNames = ["ES =", "CS =", "SS =", "DS =", "FS =", "GS =", "LDT=", "TR ="];
        for (int s = 0; s < 8; s++)
            sb.Append(segNames[s]).Append(Segment(c, s, wide)).Append('\n');
        sb.Append(wide ? $"GDT=     {c.Gdtr.Base:x16} {c.Gdtr.Limit:x8}\n" : $"GDT=     {(uint)c.Gdtr.Base:x8} {c.Gdtr.Limit:x8}\n");
        sb.Append(wide ? $"IDT=     {c.Idtr.Base:x16} {c.Idtr.Limit:x8}\n" : $"IDT=     {(uint)c.Idtr.Base:x8} {c.Idtr.Limit:x8}\n");
        sb.Append(wide
            ? $"CR0={(uint)c.Cr0:x8} CR2={c.Cr2:x16} CR3={c.Cr3:x16} CR4={(uint)c.Cr4:x8}\n"
            : $"CR0={(uint)c.Cr0:x8} CR2={(uint)c.Cr2:x8} CR3={(uint)c.Cr3:x8} CR4={(uint)c.Cr4:x8}\n");
        for (int i = 0; i < 4; i++)
            sb.Append($"DR{i}=").Append(wide ? c.Dr[i].ToString("x16") : ((uint)c.Dr[i]).ToString("x8")).Append(' ');
        sb.Append('\n');
        sb.Append(wide ? $"DR6={c.Dr[6]:x16} DR7={c.Dr[7]:x16}\n" : $"DR6={(uint)c.Dr[6]:x8} DR7={(uint)c.Dr[7]:x8}\n");
        sb.Append($"EFER={c.Efer:x16}\n");
        var x87 = c.X87;
        sb.Append($"FCW={x87.ControlWord:x4} FSW={x87.StatusWord:x4} [ST={x87.Top}] FTW={x87.AbridgedTagWord:x2} MXCSR={c.Mxcsr:x8}\n");
        for (int i = 0; i < 8; i++)
        {
            var st = x87.ST(i);
            sb.Append($"FPR{i}={st.Significand:x16} {st.SignExponent:x4}").Append(i % 2 == 1 ? "\n" : " ");
        }
        for (int i = 0; i < 16; i++)
        {
            var x = c.Xmm[i];
            sb.Append($"XMM{i:d2}={x.GetElement(1):x16} {x.GetElement(0):x16}").Append(i % 2 == 1 ? "\n" : " ");
        }
        return sb.ToString();
    }

    private static string FlagLetters(ulong f)
    {
        Span<char> s = ['-', '-', '-', '-', '-', '-', '-'];
        if ((f & EFlags.DF) != 0) s[0] = 'D';
        if ((f & EFlags.OF) != 0) s[1] = 'O';
        if ((f & EFlags.SF) != 0) s[2] = 'S';
        if ((f & EFlags.ZF) != 0) s[3] = 'Z';
        if ((f & EFlags.AF) != 0) s[4] = 'A';
        if ((f & EFlags.PF) != 0) s[5] = 'P';
        if ((f & EFlags.CF) != 0) s[6] = 'C';
        return new string(s);
    }

    /// <summary>Selector, base, limit and the descriptor's high-dword flags, then what the flags mean.</summary>
    private static string Segment(X86Cpu c, int s, bool wide)
    {
        var seg = c.Seg[s];
        string head = wide ? $"{seg.Selector:x4} {seg.Base:x16} {seg.Limit:x8} {seg.Flags:x8}" : $"{seg.Selector:x4} {(uint)seg.Base:x8} {seg.Limit:x8} {seg.Flags:x8}";
        if ((seg.Flags & SegmentCache.Present) == 0)
            return head;
        string dpl = $" DPL={seg.Dpl} ";
        if ((seg.Flags & SegmentCache.CodeOrData) == 0)
        {
            string[] system = c.LongMode
                ? ["Reserved", "Reserved", "LDT", "Reserved", "Reserved", "Reserved", "Reserved", "Reserved", "Reserved", "TSS64-avl", "Reserved", "TSS64-busy", "CallGate64", "Reserved", "IntGate64", "TrapGate64"]
                : ["Reserved", "TSS16-avl", "LDT", "TSS16-busy", "CallGate16", "TaskGate", "IntGate16", "TrapGate16", "Reserved", "TSS32-avl", "Reserved", "TSS32-busy", "CallGate32", "Reserved", "IntGate32", "TrapGate32"];
            return head + dpl + system[seg.Type];
        }
        bool code = (seg.Flags & SegmentCache.TypeCode) != 0;
        string kind = code
            ? (seg.Flags & SegmentCache.Long) != 0 && c.LongMode ? "CS64" : (seg.Flags & SegmentCache.Big) != 0 ? "CS32" : "CS16"
            : (seg.Flags & SegmentCache.Big) != 0 ? "DS  " : "DS16";
        char c1 = code ? ((seg.Flags & SegmentCache.TypeConforming) != 0 ? 'C' : '-') : ((seg.Flags & SegmentCache.TypeExpandDown) != 0 ? 'E' : '-');
        char c2 = code ? ((seg.Flags & SegmentCache.TypeReadable) != 0 ? 'R' : '-') : ((seg.Flags & SegmentCache.TypeWritable) != 0 ? 'W' : '-');
        char c3 = (seg.Flags & SegmentCache.TypeAccessed) != 0 ? 'A' : '-';
        return head + dpl + kind + $" [{c1}{c2}{c3}]";
    }
}

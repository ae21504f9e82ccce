using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;

namespace QemuSharp.LinuxUser;

/// <summary>The -d log items of qemu-x86_64: in_asm, op, exec, cpu, page, unimp (strace is in the syscall layer).</summary>
internal static class DebugLog
{
    public static void Attach(GuestThread thread)
    {
        var items = thread.Process.Options.LogItems;
        var log = thread.Process.Log;
        var translator = thread.Interpreter.Translator;
        if (items.Contains("unimp"))
            translator.OnUnsupported = i => log.WriteLine($"unimplemented instruction at 0x{i.IP:x}: {i}");
        if (items.Contains("in_asm") || items.Contains("op"))
            translator.OnTranslated = b =>
            {
                if (items.Contains("in_asm"))
                    BlockLog.InAsm(log, b);
                if (items.Contains("op"))
                {
                    log.WriteLine($"OP: block 0x{b.Pc:x16}, {b.Ops.Length} ops");
                    foreach (var op in b.Ops)
                        log.WriteLine($" 0x{op.Ip:x16} {op.Insn.Code} size={op.Size} ({op.Kind0},{op.Kind1},{op.Kind2}) cond={op.Cond}");
                    log.WriteLine();
                }
            };
        if (items.Contains("exec") || items.Contains("cpu"))
        {
            var cpu = thread.Cpu;
            thread.Interpreter.OnBlock = b =>
            {
                if (items.Contains("cpu"))
                    log.Write(CpuState(cpu));
                if (items.Contains("exec"))
                    log.WriteLine($"Trace 0: [0000000000000000/{b.Pc:x16}/00000000/00000000]");
            };
        }
    }

    /// <summary>The registers in the layout of QEMU's "-d cpu" and "info registers".</summary>
    public static string CpuState(X86Cpu c)
    {
        string[] names = ["RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "RSP", "R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14", "R15"];
        int[] order = [Gpr.Rax, Gpr.Rbx, Gpr.Rcx, Gpr.Rdx, Gpr.Rsi, Gpr.Rdi, Gpr.Rbp, Gpr.Rsp, 8, 9, 10, 11, 12, 13, 14, 15];
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < 16; i++)
            sb.Append($"{names[i]}={c.R[order[i]]:x16}").Append(i % 4 == 3 ? '\n' : ' ');
        ulong f = c.Flags;
        string flagText = $"{((f & EFlags.DF) != 0 ? 'D' : '-')}{((f & EFlags.OF) != 0 ? 'O' : '-')}{((f & EFlags.SF) != 0 ? 'S' : '-')}"
            + $"{((f & EFlags.ZF) != 0 ? 'Z' : '-')}{((f & EFlags.AF) != 0 ? 'A' : '-')}{((f & EFlags.PF) != 0 ? 'P' : '-')}{((f & EFlags.CF) != 0 ? 'C' : '-')}";
        sb.Append($"RIP={c.Rip:x16} RFL={f:x8} [{flagText}] CPL=3 II=0 A20=1 SMM=0 HLT=0\n");
        sb.Append($"FS =0000 {c.FsBase:x16} 00000000 00000000\nGS =0000 {c.GsBase:x16} 00000000 00000000\n");
        sb.Append($"MXCSR={c.Mxcsr:x8}\n");
        return sb.ToString();
    }

    /// <summary>-d page: the guest's mappings after loading, as QEMU prints them.</summary>
    public static void Pages(GuestProcess p)
    {
        if (!p.Options.LogItems.Contains("page"))
            return;
        p.Log.WriteLine("host mmap_min_addr=0x10000");
        p.Log.WriteLine("guest_base  0x0");
        p.Log.WriteLine("Start            End              Size             Prot");
        lock (p.Space.SyncRoot)
            foreach (var v in p.Space.Vmas)
                p.Log.WriteLine($"{v.Start:x16}-{v.End:x16} {v.End - v.Start:x16} {((v.Prot & 1) != 0 ? 'r' : '-')}{((v.Prot & 2) != 0 ? 'w' : '-')}{((v.Prot & 4) != 0 ? 'x' : '-')}");
        p.Log.WriteLine($"start_brk   0x{p.BrkStart:x16}");
    }
}

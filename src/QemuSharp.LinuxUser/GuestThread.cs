using QemuSharp.LinuxUser.Syscalls;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Exec;

namespace QemuSharp.LinuxUser;

/// <summary>One guest thread: a CPU, its interpreter, and the loop that serves its syscalls and faults.</summary>
internal sealed class GuestThread
{
    public GuestProcess Process { get; }
    public X86Cpu Cpu { get; }
    public Interpreter Interpreter { get; }
    public ulong SignalMask;
    public ulong ClearChildTid;
    public int Tid;
    private int _seenGeneration = -1;

    public GuestThread(GuestProcess process, int tid)
    {
        Process = process;
        Tid = tid;
        Cpu = new X86Cpu(process.Space, process.Options.Cpu);
        Interpreter = new Interpreter(Cpu, process.Blocks);
        Interpreter.Translator.OneInstructionPerBlock = process.Options.OneInsnPerTb;
        if (process.Options.LogItems.Contains("unimp"))
            Interpreter.Translator.OnUnsupported = i => process.Log.WriteLine($"unimplemented instruction at 0x{i.IP:x}: {i}");
        if (process.Options.LogItems.Contains("in_asm"))
            Interpreter.OnBlock = b =>
            {
                if (b.ExecCount++ > 0) return;
                process.Log.WriteLine("----------------\nIN: ");
                foreach (var op in b.Ops)
                    process.Log.WriteLine($"0x{op.Ip:x16}:  {op.Insn}");
                process.Log.WriteLine();
            };
    }

    /// <summary>Runs the thread until the process or thread exits; returns the exit status.</summary>
    public int Run(SyscallDispatcher syscalls)
    {
        while (true)
        {
            if (_seenGeneration != Process.Space.Generation)
            {
                _seenGeneration = Process.Space.Generation;
                Cpu.Tlb.FlushAll();
            }
            ExitReason exit = Interpreter.Run();
            switch (exit)
            {
                case ExitReason.Syscall:
                    Cpu.R[Gpr.Rcx] = Cpu.Rip;
                    Cpu.R[Gpr.R11] = Cpu.Flags;
                    long result = syscalls.Dispatch(this);
                    if (syscalls.ThreadExited)
                        return syscalls.ExitStatus;
                    Cpu.R[Gpr.Rax] = (ulong)result;
                    break;
                case ExitReason.Fault:
                    return Faults.Deliver(this);
                case ExitReason.Interrupted:
                    Interpreter.InterruptRequested = false;
                    break;
            }
        }
    }
}

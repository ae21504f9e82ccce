using QemuSharp.LinuxUser.Loader;
using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.LinuxUser.Syscalls;

internal sealed unsafe partial class SyscallDispatcher
{
    private const long CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_SETTLS = 0x80000;
    private const long CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_CHILD_SETTID = 0x1000000;
    private const long CLONE_THREAD = 0x10000, CLONE_VFORK = 0x4000;

    /// <summary>
    /// execve: the new program runs under a new emulator that replaces this process (the host
    /// execve keeps the pid and every descriptor without close-on-exec), as QEMU would run it.
    /// The thread's blocked signals carry over as Linux keeps them; ignored signals carry over
    /// through the host's own dispositions.
    /// </summary>
    private long Execve(GuestThread t, long pathPtr, long argvPtr, long envpPtr)
    {
        string? path = Mem.ReadString((ulong)pathPtr);
        if (path == null)
            return -EFAULT;
        var argv = ReadStringArray(argvPtr);
        var envp = ReadStringArray(envpPtr);
        if (argv == null || envp == null)
            return -EFAULT;
        // busybox and others re-execute themselves through /proc/self/exe: that is the guest program.
        string resolved = SpecialFiles.Redirect(_p, path) ?? Paths.Resolve(_p.Options.Prefix, path);
        if (!File.Exists(resolved))
            return Directory.Exists(resolved) ? -13 : -ENOENT;
        try
        {
            ElfImage.Read(resolved);
        }
        catch (ElfException)
        {
            // Not an ELF file: a script with #! is handed to its interpreter by the kernel rules.
            byte[] head = new byte[256];
            int n;
            using (var f = File.OpenRead(resolved))
                n = f.Read(head);
            if (n < 2 || head[0] != '#' || head[1] != '!')
                return -8; // ENOEXEC
            string line = System.Text.Encoding.UTF8.GetString(head, 2, n - 2).Split('\n')[0].Trim();
            string[] parts = line.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
                return -8;
            var newArgv = new List<string> { parts[0] };
            if (parts.Length > 1)
                newArgv.Add(parts[1]);
            newArgv.Add(path);
            newArgv.AddRange(argv.Skip(1));
            argv = newArgv;
            path = parts[0];
            resolved = Paths.Resolve(_p.Options.Prefix, path);
        }
        var hostArgs = EmulatorCommand.Arguments(_p.Options);
        if (t.SignalMask != 0)
            hostArgs.AddRange([UserOptions.ExecSignalMaskOption, t.SignalMask.ToString("x")]);
        hostArgs.Add("-0");
        hostArgs.Add(argv.Count > 0 ? argv[0] : path);
        hostArgs.Add(resolved);
        hostArgs.AddRange(argv.Skip(1));
        _p.FlushLog();
        return EmulatorCommand.Exec(hostArgs, envp);
    }

    private List<string>? ReadStringArray(long ptr)
    {
        var list = new List<string>();
        if (ptr == 0)
            return list;
        for (int i = 0; i < 65536; i++)
        {
            if (!Mem.TryRead64((ulong)(ptr + i * 8), out ulong p))
                return null;
            if (p == 0)
                return list;
            string? s = Mem.ReadString(p, 1 << 20);
            if (s == null)
                return null;
            list.Add(s);
        }
        return null;
    }

    private long Clone(GuestThread t, long flags, long stack, long parentTid, long childTid, long tls)
    {
        if ((flags & CLONE_VM) != 0 && (flags & CLONE_VFORK) == 0)
            return CloneThread(t, flags, stack, parentTid, childTid, tls);
        return ForkProcess.Fork(_p, t, (ulong)stack, flags, (ulong)childTid, (ulong)tls);
    }

    /// <summary>A new guest thread on a new host thread, sharing everything but its registers.</summary>
    private long CloneThread(GuestThread parent, long flags, long stack, long parentTid, long childTid, long tls)
    {
        _p.Space.KeepHostReservations = true;
        var started = new ManualResetEventSlim();
        int tid = 0;
        var child = new GuestThread(_p, 0);
        child.Cpu.R = parent.Cpu.R;
        child.Cpu.Xmm = parent.Cpu.Xmm;
        child.Cpu.Mxcsr = parent.Cpu.Mxcsr;
        child.Cpu.Flags = parent.Cpu.Flags;
        child.Cpu.FsBase = (flags & CLONE_SETTLS) != 0 ? (ulong)tls : parent.Cpu.FsBase;
        child.Cpu.GsBase = parent.Cpu.GsBase;
        child.Cpu.Rip = parent.Cpu.Rip;
        child.Cpu.R[Gpr.Rax] = 0;
        if (stack != 0)
            child.Cpu.R[Gpr.Rsp] = (ulong)stack;
        child.SignalMask = parent.SignalMask;
        if ((flags & CLONE_CHILD_CLEARTID) != 0)
            child.ClearChildTid = (ulong)childTid;
        var thread = new Thread(() =>
        {
            tid = (int)Host.Syscall(186);
            child.Tid = tid;
            if ((flags & CLONE_PARENT_SETTID) != 0)
                Mem.TryWrite32((ulong)parentTid, (uint)tid);
            if ((flags & CLONE_CHILD_SETTID) != 0)
                Mem.TryWrite32((ulong)childTid, (uint)tid);
            started.Set();
            var dispatcher = new SyscallDispatcher(_p);
            try
            {
                child.Run(dispatcher);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Console.Error.WriteLine($"qemu-x86_64: internal error in thread {tid}: {e.Message}");
                Environment.Exit(1);
            }
            if (child.ClearChildTid != 0)
            {
                Mem.TryWrite32(child.ClearChildTid, 0);
                byte* p = Buf((long)child.ClearChildTid, 4, false);
                if (p != null)
                    Host.Syscall(202, (long)p, 1, int.MaxValue);
            }
        }, 16 << 20) { IsBackground = true };
        thread.Start();
        started.Wait();
        return tid;
    }
}

using System.Text;
using QemuSharp.Accel;
using QemuSharp.LinuxUser.Loader;
using QemuSharp.LinuxUser.Memory;
using QemuSharp.LinuxUser.Syscalls;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Translate;

namespace QemuSharp.LinuxUser;

/// <summary>
/// One emulated Linux process: its address space, translated code, program break and the
/// state its threads share.
/// </summary>
internal sealed class GuestProcess
{
    public const ulong StackTop = 0x7ffffffff000;
    public const ulong StackSize = 8 << 20;

    public GuestAddressSpace Space { get; } = new();
    public GuestMemory Memory { get; }
    public BlockCache<X86Block> Blocks { get; } = new();
    public UserOptions Options { get; }
    public TextWriter Log { get; }
    public string ExePath { get; private set; } = "";

    public void SetExePath(string path) => ExePath = path;

    /// <summary>Flushes the -d/-strace log; the guest may have closed the descriptor behind it.</summary>
    public void FlushLog()
    {
        try
        {
            Log.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
        }
    }
    public ulong BrkStart, Brk;
    public SignalState Signals { get; } = new();

    public GuestProcess(UserOptions options, TextWriter log)
    {
        Options = options;
        Log = log;
        Memory = new GuestMemory(Space);
    }

    /// <summary>Loads the program (and its interpreter) and builds the initial stack; returns the first thread.</summary>
    public GuestThread Load(string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp)
    {
        ExePath = Path.GetFullPath(path);
        var exe = ElfImage.Read(path);
        var main = ElfLoader.Load(Space, exe, isInterpreter: false);
        ulong entry = main.Entry, interpBase = 0;
        if (exe.Interpreter != null)
        {
            string interpPath = Paths.Resolve(Options.Prefix, exe.Interpreter);
            ElfImage interp;
            try
            {
                interp = ElfImage.Read(interpPath);
            }
            catch (ElfException e)
            {
                throw new ElfException($"Could not open '{exe.Interpreter}': {e.Message}");
            }
            var li = ElfLoader.Load(Space, interp, isInterpreter: true);
            interpBase = li.Bias;
            entry = li.Entry;
        }
        BrkStart = Brk = main.End;

        var thread = new GuestThread(this, Environment.CurrentManagedThreadId);
        MapStack();
        ulong sp = BuildStack(thread.Cpu.Model, argv, envp, main, interpBase);
        thread.Cpu.R[Gpr.Rsp] = sp;
        thread.Cpu.Rip = entry;
        return thread;
    }

    private void MapStack()
    {
        ulong start = StackTop - StackSize;
        nint host = Host.Mmap(0, StackSize, Host.PROT_READ | Host.PROT_WRITE, Host.MAP_PRIVATE | Host.MAP_ANONYMOUS | Host.MAP_NORESERVE, -1, 0);
        if (Host.IsError(host))
            throw new ElfException("Cannot allocate memory for the stack");
        Space.Insert(start, StackSize, Host.PROT_READ | Host.PROT_WRITE, host, false, "[stack]");
    }

    private ulong BuildStack(CpuModel model, IReadOnlyList<string> argv, IReadOnlyList<string> envp, LoadedImage main, ulong interpBase)
    {
        ulong sp = StackTop;
        ulong PushBytes(byte[] data)
        {
            sp -= (ulong)data.Length;
            Memory.TryWrite(sp, data);
            return sp;
        }
        ulong PushString(string s) => PushBytes([.. Encoding.UTF8.GetBytes(s), 0]);

        ulong execfn = PushString(ExePath);
        var envPtrs = envp.Select(PushString).ToList();
        var argPtrs = argv.Select(PushString).ToList();
        ulong platform = PushString("x86_64");
        var random = new byte[16];
        Random.Shared.NextBytes(random);
        ulong randomAddr = PushBytes(random);
        sp &= ~15UL;

        var (_, _, _, hwcap) = model.Cpuid(1, 0);
        var auxv = new List<(ulong, ulong)>
        {
            (3, main.PhdrAddress), (4, 56), (5, (ulong)ElfImage.Read(ExePath).PhNum), (6, 4096), (7, interpBase),
            (8, 0), (9, main.Entry), (11, (ulong)Host.Syscall(102)), (12, (ulong)Host.Syscall(107)),
            (13, (ulong)Host.Syscall(104)), (14, (ulong)Host.Syscall(108)), (15, platform), (16, hwcap),
            (17, 100), (23, 0), (25, randomAddr), (26, 0), (31, execfn), (0, 0),
        };
        int words = 1 + argPtrs.Count + 1 + envPtrs.Count + 1 + auxv.Count * 2;
        if ((words & 1) != 0)
            sp -= 8;
        var block = new List<ulong> { (ulong)argPtrs.Count };
        block.AddRange(argPtrs);
        block.Add(0);
        block.AddRange(envPtrs);
        block.Add(0);
        foreach (var (k, v) in auxv)
        {
            block.Add(k);
            block.Add(v);
        }
        sp -= (ulong)block.Count * 8;
        for (int i = 0; i < block.Count; i++)
            Memory.TryWrite64(sp + (ulong)i * 8, block[i]);
        return sp;
    }
}

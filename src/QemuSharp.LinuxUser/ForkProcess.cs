using System.Runtime.Intrinsics;
using QemuSharp.LinuxUser.Memory;
using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.LinuxUser;

/// <summary>
/// A guest fork without a host fork (design.md #9): the parent writes its registers, signal
/// state and every mapping's contents into a memfd and starts a new emulator that resumes from
/// it. Descriptors are inherited as by fork, except those the guest marked close-on-exec.
/// </summary>
internal static unsafe class ForkProcess
{
    private const ulong Magic = 0x4b524f4648535153; // "QSHFORK"

    public static long Fork(GuestProcess p, GuestThread t, ulong stack, long flags, ulong childTid, ulong tls)
    {
        int fd;
        fixed (byte* name = "qemusharp-fork\0"u8)
            fd = (int)Host.Syscall(319, (long)name, 0);
        if (fd < 0)
            return fd;
        try
        {
            using (var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle((nint)Host.Syscall(32, fd), true), FileAccess.Write))
            using (var w = new BinaryWriter(stream))
                Write(w, p, t, stack, (flags & 0x80000) != 0 ? tls : t.Cpu.FsBase);
            var args = EmulatorCommand.Arguments(p.Options);
            args.Add("-resume");
            args.Add(fd.ToString());
            p.FlushLog();
            return EmulatorCommand.Spawn(args);
        }
        finally
        {
            Host.Syscall(3, fd);
        }
    }

    private static void Write(BinaryWriter w, GuestProcess p, GuestThread t, ulong stack, ulong fsBase)
    {
        var c = t.Cpu;
        w.Write(Magic);
        for (int i = 0; i < 16; i++)
            w.Write(i == Gpr.Rax ? 0 : i == Gpr.Rsp && stack != 0 ? stack : c.R[i]);
        w.Write(c.Rip);
        w.Write(c.Flags);
        w.Write(fsBase);
        w.Write(c.GsBase);
        w.Write(c.Mxcsr);
        for (int i = 0; i < 16; i++)
        {
            w.Write(c.Xmm[i].GetElement(0));
            w.Write(c.Xmm[i].GetElement(1));
        }
        w.Write(p.BrkStart);
        w.Write(p.Brk);
        w.Write(p.ExePath);
        w.Write(t.SignalMask);
        w.Write(t.AltStack.Sp);
        w.Write(t.AltStack.Size);
        w.Write(t.AltStack.Flags);
        foreach (var a in p.Signals.Actions)
        {
            w.Write(a.Handler);
            w.Write(a.Flags);
            w.Write(a.Restorer);
            w.Write(a.Mask);
        }
        List<Vma> vmas;
        lock (p.Space.SyncRoot)
            vmas = p.Space.Vmas.Select(v => v.Clone()).ToList();
        w.Write(vmas.Count);
        foreach (var v in vmas)
        {
            w.Write(v.Start);
            w.Write(v.End);
            w.Write(v.Prot);
            w.Write(v.Name);
            w.Write(v.FileOffset);
            w.Write(new ReadOnlySpan<byte>((void*)v.HostStart, checked((int)(v.End - v.Start))));
        }
    }

    /// <summary>In the child: rebuilds the process from the parent's snapshot and returns its thread.</summary>
    public static GuestThread Resume(GuestProcess p, int fd)
    {
        using var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle((nint)fd, true), FileAccess.Read);
        stream.Position = 0;
        using var r = new BinaryReader(stream);
        if (r.ReadUInt64() != Magic)
            throw new InvalidDataException("bad fork snapshot");
        var t = new GuestThread(p, (int)Host.Syscall(186));
        var c = t.Cpu;
        for (int i = 0; i < 16; i++)
            c.R[i] = r.ReadUInt64();
        c.Rip = r.ReadUInt64();
        c.Flags = r.ReadUInt64();
        c.FsBase = r.ReadUInt64();
        c.GsBase = r.ReadUInt64();
        c.Mxcsr = r.ReadUInt32();
        for (int i = 0; i < 16; i++)
            c.Xmm[i] = System.Runtime.Intrinsics.Vector128.Create(r.ReadUInt64(), r.ReadUInt64());
        p.BrkStart = r.ReadUInt64();
        p.Brk = r.ReadUInt64();
        p.SetExePath(r.ReadString());
        t.SignalMask = r.ReadUInt64();
        ulong altSp = r.ReadUInt64(), altSize = r.ReadUInt64();
        uint altFlags = r.ReadUInt32();
        // fork keeps the alternate signal stack (the child's stack pointer is not on it yet).
        if (altSize != 0)
            t.AltStack.Set(altSp, altFlags, altSize, currentSp: 0);
        for (int i = 0; i < p.Signals.Actions.Length; i++)
            p.Signals.Actions[i] = new SigAction(r.ReadUInt64(), r.ReadUInt64(), r.ReadUInt64(), r.ReadUInt64());
        int count = r.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            ulong start = r.ReadUInt64(), end = r.ReadUInt64();
            int prot = r.ReadInt32();
            string name = r.ReadString();
            ulong offset = r.ReadUInt64();
            ulong len = end - start;
            nint host = Host.Mmap(0, len, Host.PROT_READ | Host.PROT_WRITE, Host.MAP_PRIVATE | Host.MAP_ANONYMOUS | Host.MAP_NORESERVE, -1, 0);
            if (Host.IsError(host))
                throw new InvalidDataException("cannot allocate memory for the forked process");
            r.BaseStream.ReadExactly(new Span<byte>((void*)host, checked((int)len)));
            p.Space.Insert(start, len, prot, host, false, name, offset);
        }
        return t;
    }
}

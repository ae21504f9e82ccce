namespace QemuSharp.LinuxUser.Signals;

/// <summary>A thread's alternate signal stack (sigaltstack), with Linux's rules for changing it.</summary>
internal sealed class AltStack
{
    public const int SS_ONSTACK = 1, SS_DISABLE = 2;
    public const uint SS_AUTODISARM = 1u << 31;
    private const ulong MinSize = 2048; // MINSIGSTKSZ

    public ulong Sp { get; private set; }
    public ulong Size { get; private set; }
    public uint Flags { get; private set; }

    public bool Contains(ulong sp) => sp > Sp && sp - Sp <= Size;

    /// <summary>ss_flags as sigaltstack reports it for a thread whose stack pointer is <paramref name="sp"/>.</summary>
    public int StateFlags(ulong sp) => Size == 0 ? SS_DISABLE : Contains(sp) ? SS_ONSTACK : 0;

    /// <summary>The ss_flags word of stack_t (SS_AUTODISARM is reported alongside the state).</summary>
    public uint ReportedFlags(ulong sp) => (uint)StateFlags(sp) | (Flags & SS_AUTODISARM);

    /// <summary>Installs a new stack; returns 0 or -errno (EPERM while running on the stack, EINVAL, ENOMEM).</summary>
    public long Set(ulong sp, uint flags, ulong size, ulong currentSp)
    {
        if (sp == Sp && size == Size && flags == Flags)
            return 0;
        if (Contains(currentSp))
            return -1;
        uint mode = flags & ~SS_AUTODISARM;
        if (mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK)
            return -22;
        if (mode == SS_DISABLE)
        {
            Sp = 0;
            Size = 0;
            Flags = flags & SS_AUTODISARM;
            return 0;
        }
        if (size < MinSize)
            return -12;
        Sp = sp;
        Size = size;
        Flags = flags & SS_AUTODISARM;
        return 0;
    }

    /// <summary>SS_AUTODISARM: the stack is given up while a handler runs on it.</summary>
    public void DisarmIfAuto()
    {
        if ((Flags & SS_AUTODISARM) != 0)
        {
            Sp = 0;
            Size = 0;
            Flags = 0;
        }
    }
}

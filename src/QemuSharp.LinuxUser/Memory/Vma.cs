namespace QemuSharp.LinuxUser.Memory;

/// <summary>One guest mapping, as /proc/self/maps lists it.</summary>
internal sealed class Vma
{
    public ulong Start, End;
    public int Prot;
    public bool Shared;

    /// <summary>Host address that <see cref="Start"/> maps to; the host range is contiguous.</summary>
    public nint HostStart;

    public ulong FileOffset;
    public string Name = "";

    public Vma Clone() => (Vma)MemberwiseClone();
}

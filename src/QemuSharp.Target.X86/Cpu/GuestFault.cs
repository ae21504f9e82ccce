namespace QemuSharp.Target.X86.Cpu;

/// <summary>x86 exception vectors.</summary>
public enum Vector : byte
{
    DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, DF = 8,
    TS = 10, NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, MC = 18, XM = 19,
}

/// <summary>
/// A guest exception raised by an instruction (design.md #7). It unwinds to the CPU loop, which
/// leaves RIP at the faulting instruction; one preallocated instance per CPU avoids allocation.
/// </summary>
public sealed class GuestFault : Exception
{
    public Vector Vector { get; private set; }
    public uint ErrorCode { get; private set; }

    /// <summary>For #PF, the faulting linear address (CR2).</summary>
    public ulong Address { get; private set; }

    /// <summary>For #PF in user mode: true when the page is mapped but the access not allowed.</summary>
    public bool ProtectionViolation { get; private set; }

    public GuestFault Set(Vector vector, uint errorCode = 0, ulong address = 0, bool protection = false)
    {
        Vector = vector;
        ErrorCode = errorCode;
        Address = address;
        ProtectionViolation = protection;
        return this;
    }

    public override string Message => $"guest exception {Vector} (error {ErrorCode:x}, address {Address:x})";
}

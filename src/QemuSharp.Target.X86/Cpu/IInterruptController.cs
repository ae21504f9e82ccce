namespace QemuSharp.Target.X86.Cpu;

/// <summary>
/// The interrupt inputs of one CPU as its local APIC presents them (in system mode). The CPU
/// polls <see cref="HasInterrupt"/> between blocks while EFLAGS.IF allows and no STI/MOV SS
/// shadow is active, and acknowledges (the INTA cycle) when it delivers.
/// </summary>
public interface IInterruptController
{
    /// <summary>A maskable interrupt is ready to be delivered (the INTR line, or the APIC's IRR above its PPR).</summary>
    bool HasInterrupt { get; }

    /// <summary>The CPU takes the highest-priority interrupt; returns its vector.</summary>
    byte Acknowledge();

    /// <summary>A non-maskable interrupt is waiting; reading it does not clear it.</summary>
    bool HasNmi { get; }

    void AcknowledgeNmi();
}

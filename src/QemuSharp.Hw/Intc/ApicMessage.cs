namespace QemuSharp.Hw.Intc;

/// <summary>Delivery modes of LVT entries, the ICR and IOAPIC redirection entries (bits 8-10).</summary>
public enum ApicDeliveryMode : byte
{
    Fixed = 0,
    LowestPriority = 1,
    Smi = 2,
    Nmi = 4,
    Init = 5,
    StartUp = 6,
    ExtInt = 7,
}

/// <summary>
/// An interrupt message on the APIC bus: what an IOAPIC redirection entry or an ICR write sends
/// to the local APICs whose destination matches.
/// </summary>
public readonly record struct ApicMessage(
    byte Vector,
    ApicDeliveryMode Mode,
    bool LevelTriggered,
    byte Destination,
    bool LogicalDestination);

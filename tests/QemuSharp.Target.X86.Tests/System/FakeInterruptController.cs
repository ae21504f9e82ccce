using QemuSharp.Target.X86.Cpu;

namespace QemuSharp.Target.X86.Tests.System;

/// <summary>An interrupt line the test raises by hand.</summary>
public sealed class FakeInterruptController : IInterruptController
{
    private readonly Queue<byte> _pending = new();

    public void Raise(byte vector) => _pending.Enqueue(vector);

    public bool HasInterrupt => _pending.Count > 0;

    public byte Acknowledge() => _pending.Dequeue();

    public bool HasNmi => false;

    public void AcknowledgeNmi() { }
}

namespace QemuSharp.Common.Irq;

/// <summary>
/// An interrupt wire from a device to an interrupt controller input (QEMU's qemu_irq). Edge-
/// triggered inputs see a rising edge when a line goes from low to high.
/// </summary>
public interface IIrqLine
{
    void Set(bool level);
}

public static class IrqLineExtensions
{
    public static void Raise(this IIrqLine line) => line.Set(true);

    public static void Lower(this IIrqLine line) => line.Set(false);

    /// <summary>A rising edge followed by a return to low, as an edge-triggered source gives.</summary>
    public static void Pulse(this IIrqLine line)
    {
        line.Set(true);
        line.Set(false);
    }
}

/// <summary>A line that calls a delegate with its level: the input of a controller, or a test probe.</summary>
public sealed class IrqLine(Action<bool> onChange) : IIrqLine
{
    public bool Level { get; private set; }

    public void Set(bool level)
    {
        Level = level;
        onChange(level);
    }
}

/// <summary>A line that goes nowhere (an unconnected output).</summary>
public sealed class NullIrqLine : IIrqLine
{
    public static readonly NullIrqLine Instance = new();

    public void Set(bool level)
    {
    }
}

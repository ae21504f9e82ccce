namespace QemuSharp.Hw;

/// <summary>
/// What <c>info qtree</c> shows for a device: its QOM type name (as QEMU 7.2 names it, printed
/// as <c>dev: NAME, id ""</c>), its properties in QEMU's order with values already formatted as
/// QEMU prints them (<c>name = value</c>), and any further lines QEMU adds (a PCI function's
/// class line).
/// </summary>
public interface IDeviceInfo
{
    string TypeName { get; }

    IReadOnlyDictionary<string, string> Properties { get; }

    IEnumerable<string> Details => [];
}

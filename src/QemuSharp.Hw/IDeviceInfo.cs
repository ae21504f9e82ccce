namespace QemuSharp.Hw;

/// <summary>
/// What <c>info qtree</c> shows for a device: its QOM type name (as QEMU 7.2 names it) and its
/// properties with their current values, already formatted as QEMU prints them.
/// </summary>
public interface IDeviceInfo
{
    string TypeName { get; }

    IReadOnlyDictionary<string, string> Properties { get; }
}

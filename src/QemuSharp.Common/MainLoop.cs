namespace QemuSharp.Common;

/// <summary>
/// The emulator-wide lock (QEMU's big lock): I/O threads take it before they touch monitor,
/// device or machine state.
/// </summary>
public static class MainLoop
{
    public static readonly object Lock = new();
}

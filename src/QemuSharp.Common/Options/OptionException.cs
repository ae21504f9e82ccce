namespace QemuSharp.Common.Options;

/// <summary>
/// A user error in an option or a monitor argument. <see cref="Exception.Message"/> is QEMU's
/// text without the program name or location prefix; it may span several lines.
/// </summary>
public sealed class OptionException(string message) : Exception(message);

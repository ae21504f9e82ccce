namespace QemuSharp.Common.Options;

/// <summary>
/// Writes errors and warnings as QEMU's <c>error_report</c> does:
/// <c>program: [location: ][warning: ]text</c>, further lines of the text unprefixed.
/// </summary>
public sealed class ErrorReporter(string program, TextWriter writer)
{
    public void Error(string? location, string message) => Write(location, "", message);

    public void Warning(string? location, string message) => Write(location, "warning: ", message);

    private void Write(string? location, string kind, string message)
    {
        string prefix = location is null ? $"{program}: " : $"{program}: {location}: ";
        writer.Write(prefix + kind + message.Replace("\r", "") + "\n");
        writer.Flush();
    }
}

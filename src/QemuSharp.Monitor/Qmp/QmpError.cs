namespace QemuSharp.Monitor.Qmp;

/// <summary>A QMP error reply: <c>{"error": {"class": ..., "desc": ...}}</c>.</summary>
public sealed class QmpError(string errorClass, string desc) : Exception(desc)
{
    public string ErrorClass { get; } = errorClass;

    public static QmpError Generic(string desc) => new("GenericError", desc);

    public static QmpError CommandNotFound(string desc) => new("CommandNotFound", desc);
}

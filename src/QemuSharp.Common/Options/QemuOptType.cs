namespace QemuSharp.Common.Options;

/// <summary>The value types of QEMU's QemuOpts lists.</summary>
public enum QemuOptType
{
    String,
    Bool,
    Number,
    Size,
}

/// <summary>One accepted key of an option list, with the help text shown by <c>,help</c> and its default.</summary>
public sealed record QemuOptDesc(string Name, QemuOptType Type, string? Help = null, string? Default = null)
{
    public string HelpLine()
    {
        string type = Type switch
        {
            QemuOptType.Bool => "bool (on/off)",
            QemuOptType.Number => "num",
            QemuOptType.Size => "size",
            _ => "str",
        };
        return Help is null ? $"  {Name}=<{type}>" : $"  {Name}=<{type}>{new string(' ', Math.Max(1, 24 - Name.Length - type.Length))}- {Help}";
    }
}

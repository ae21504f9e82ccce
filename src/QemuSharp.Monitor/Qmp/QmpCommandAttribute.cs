namespace QemuSharp.Monitor.Qmp;

/// <summary>
/// Declares a QMP command: the method's parameters (after the <see cref="QmpContext"/>) are its
/// arguments, named in kebab-case, optional when they have a default; its return type is the
/// reply. Argument checking, <c>query-commands</c> and <c>query-qmp-schema</c> come from here.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class QmpCommandAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    public bool AllowOob { get; init; }
}

/// <summary>Names a member on the wire when kebab-case of the C# name is not it.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
public sealed class QmpNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>Declares a QMP event and the type of its data (null for none).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class QmpEventAttribute(string name, Type? data) : Attribute
{
    public string Name { get; } = name;

    public Type? Data { get; } = data;
}

/// <summary>Declares that a string member takes one of an enum's wire names.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
public sealed class QmpEnumAttribute(Type enumType) : Attribute
{
    public Type EnumType { get; } = enumType;
}

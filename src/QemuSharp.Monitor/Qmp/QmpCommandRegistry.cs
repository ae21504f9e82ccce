using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using QemuSharp.Common.Options;
using QemuSharp.Monitor.Machine;

namespace QemuSharp.Monitor.Qmp;

/// <summary>One declared argument of a command.</summary>
public sealed record QmpArgument(string Name, Type Type, bool Optional, Type? EnumType);

/// <summary>One command, read from its <see cref="QmpCommandAttribute"/> declaration.</summary>
public sealed class QmpCommandInfo
{
    private readonly MethodInfo _method;

    internal QmpCommandInfo(QmpCommandAttribute attribute, MethodInfo method)
    {
        Name = attribute.Name;
        AllowOob = attribute.AllowOob;
        _method = method;
        Arguments = method.GetParameters().Skip(1).Select(p => new QmpArgument(
            p.GetCustomAttribute<QmpNameAttribute>()?.Name ?? QmpTypes.WireName(p.Name!),
            p.ParameterType,
            p.HasDefaultValue,
            p.GetCustomAttribute<QmpEnumAttribute>()?.EnumType)).ToArray();
        ReturnType = method.ReturnType == typeof(void) ? null : method.ReturnType;
    }

    public string Name { get; }

    public bool AllowOob { get; }

    public IReadOnlyList<QmpArgument> Arguments { get; }

    /// <summary>The reply's type; null for commands that return <c>{}</c>.</summary>
    public Type? ReturnType { get; }

    /// <summary>Checks the arguments as QEMU's input visitor does, then runs the handler.</summary>
    public JsonNode? Invoke(QmpContext context, JsonObject? arguments)
    {
        var values = new object?[Arguments.Count + 1];
        values[0] = context;
        for (int i = 0; i < Arguments.Count; i++)
        {
            var arg = Arguments[i];
            if (arguments is null || !arguments.TryGetPropertyValue(arg.Name, out var node))
            {
                if (!arg.Optional)
                    throw QmpError.Generic($"Parameter '{arg.Name}' is missing");
                values[i + 1] = _method.GetParameters()[i + 1].DefaultValue;
                continue;
            }
            values[i + 1] = Convert(arg.Name, arg.Type, arg.EnumType, node);
        }
        if (arguments is not null)
            foreach (var pair in arguments)
                if (Arguments.All(a => a.Name != pair.Key))
                    throw QmpError.Generic($"Parameter '{pair.Key}' is unexpected");
        object? result;
        try
        {
            result = _method.Invoke(null, values);
        }
        catch (TargetInvocationException e) when (e.InnerException is OptionException oe)
        {
            throw QmpError.Generic(oe.Message);
        }
        catch (TargetInvocationException e) when (e.InnerException is QmpError qe)
        {
            throw qe;
        }
        return ReturnType is null ? new JsonObject() : JsonSerializer.SerializeToNode(result, result?.GetType() ?? ReturnType, QmpTypes.JsonOptions);
    }

    private static object? Convert(string name, Type type, Type? enumType, JsonNode? node)
    {
        var element = node is null ? default : JsonSerializer.SerializeToElement(node);
        var kind = node is null ? JsonValueKind.Null : element.ValueKind;
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(JsonNode))
            return node;
        if (t == typeof(string))
        {
            if (kind != JsonValueKind.String)
                throw Mismatch(name, "string");
            string s = element.GetString()!;
            if (enumType is not null && !QmpTypes.EnumNames(enumType).Contains(s))
                throw QmpError.Generic($"Parameter '{name}' does not accept value '{s}'");
            return s;
        }
        if (t == typeof(bool))
            return kind is JsonValueKind.True or JsonValueKind.False ? element.GetBoolean() : throw Mismatch(name, "boolean");
        if (t == typeof(long))
            return kind == JsonValueKind.Number && element.TryGetInt64(out long l) ? l : throw Mismatch(name, "integer");
        if (t == typeof(string[]))
        {
            if (kind != JsonValueKind.Array)
                throw Mismatch(name, "array");
            // QEMU names list elements 'null' in these messages.
            return element.EnumerateArray().Select(e => (string)Convert("null", typeof(string), enumType, JsonNode.Parse(e.GetRawText()))!).ToArray();
        }
        throw new InvalidOperationException($"QMP argument type {t} is not supported");
    }

    private static QmpError Mismatch(string name, string expected) =>
        QmpError.Generic($"Invalid parameter type for '{name}', expected: {expected}");
}

/// <summary>The commands of the process, found by reflection on the declaring classes.</summary>
public sealed class QmpCommandRegistry
{
    private readonly Dictionary<string, QmpCommandInfo> _commands = new();
    private readonly List<QmpEventAttribute> _events = [];

    public QmpCommandRegistry(params Type[] declaringTypes)
    {
        foreach (var type in declaringTypes)
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Static))
                if (method.GetCustomAttribute<QmpCommandAttribute>() is { } attribute)
                    _commands.Add(attribute.Name, new QmpCommandInfo(attribute, method));
            _events.AddRange(type.GetCustomAttributes<QmpEventAttribute>());
        }
    }

    public IEnumerable<QmpCommandInfo> Commands => _commands.Values;

    public IReadOnlyList<QmpEventAttribute> Events => _events;

    public QmpCommandInfo? Find(string name) => _commands.GetValueOrDefault(name);
}

/// <summary>Naming and serialisation rules shared by commands, events and the schema.</summary>
public static class QmpTypes
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.KebabCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>"fdsetId" becomes "fdset-id".</summary>
    public static string WireName(string csharpName) => JsonNamingPolicy.KebabCaseLower.ConvertName(csharpName);

    public static string[] EnumNames(Type enumType) =>
        Enum.GetValues(enumType).Cast<Enum>().Select(v => enumType == typeof(QmpCapability) ? v.ToString().ToLowerInvariant() : NameOf(v)).ToArray();

    private static string NameOf(Enum v) => v switch
    {
        RunState r => RunStates.Name(r),
        ShutdownCause c => RunStates.Name(c),
        _ => WireName(v.ToString()),
    };
}

/// <summary>QMP capabilities a client may enable.</summary>
public enum QmpCapability
{
    Oob,
}

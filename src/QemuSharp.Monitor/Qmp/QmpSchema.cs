using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace QemuSharp.Monitor.Qmp;

/// <summary>
/// Builds <c>query-qmp-schema</c> from the command and event declarations: a flat list of
/// entities in which every non-builtin type name is masked as a number ("0" is the empty
/// object) and arrays are named "[element]", as QEMU does.
/// </summary>
public sealed class QmpSchema
{
    private readonly JsonArray _entities = [];
    private readonly Dictionary<string, string> _names = new();
    private readonly HashSet<string> _builtins = [];
    private readonly NullabilityInfoContext _nullability = new();
    private int _next;

    private QmpSchema()
    {
    }

    public static JsonArray Build(QmpCommandRegistry registry)
    {
        var schema = new QmpSchema();
        schema.Register("object:empty", () => new JsonObject { ["members"] = new JsonArray(), ["meta-type"] = "object" });
        foreach (var command in registry.Commands.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            string argType = command.Arguments.Count == 0
                ? "0"
                : schema.ObjectType(command.Name + ":args", command.Arguments.Select(a =>
                    (a.Name, schema.TypeName(a.Type, a.EnumType), a.Optional)));
            string retType = command.ReturnType is null ? "0" : schema.TypeName(command.ReturnType, null);
            var entity = new JsonObject
            {
                ["name"] = command.Name,
                ["ret-type"] = retType,
                ["meta-type"] = "command",
                ["arg-type"] = argType,
            };
            if (command.AllowOob)
                entity["allow-oob"] = true;
            schema._entities.Add(entity);
        }
        foreach (var ev in registry.Events)
        {
            string argType = ev.Data is null ? "0" : schema.TypeName(ev.Data, null);
            schema._entities.Add(new JsonObject { ["name"] = ev.Name, ["meta-type"] = "event", ["arg-type"] = argType });
        }
        return schema._entities;
    }

    private string Register(string key, Func<JsonObject> make)
    {
        if (_names.TryGetValue(key, out var name))
            return name;
        name = (_next++).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _names[key] = name;
        var entity = make();
        var ordered = new JsonObject { ["name"] = name };
        foreach (var pair in entity.ToList())
        {
            entity.Remove(pair.Key);
            ordered[pair.Key] = pair.Value;
        }
        _entities.Add(ordered);
        return name;
    }

    private string ObjectType(string key, IEnumerable<(string Name, string Type, bool Optional)> members)
    {
        var list = members.ToList();
        return Register("object:" + key, () =>
        {
            var array = new JsonArray();
            foreach (var m in list)
            {
                var member = new JsonObject { ["name"] = m.Name };
                if (m.Optional)
                    member["default"] = null;
                member["type"] = m.Type;
                array.Add(member);
            }
            return new JsonObject { ["members"] = array, ["meta-type"] = "object" };
        });
    }

    private string TypeName(Type type, Type? enumType)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        if (enumType is not null)
        {
            var names = QmpTypes.EnumNames(enumType);
            string e = Register("enum:" + enumType.FullName, () => new JsonObject
            {
                ["meta-type"] = "enum",
                ["members"] = new JsonArray(names.Select(n => (JsonNode)new JsonObject { ["name"] = n }).ToArray()),
                ["values"] = new JsonArray(names.Select(n => (JsonNode)JsonValue.Create(n)).ToArray()),
            });
            return t == typeof(string[]) ? ArrayOf(e) : e;
        }
        if (t == typeof(string))
            return Builtin("str", "string");
        if (t == typeof(bool))
            return Builtin("bool", "boolean");
        if (t == typeof(long) || t == typeof(int))
            return Builtin("int", "int");
        if (t == typeof(double))
            return Builtin("number", "number");
        if (t == typeof(JsonNode) || t == typeof(JsonElement) || t == typeof(object))
            return Builtin("any", "value");
        if (t.IsArray)
            return ArrayOf(TypeName(t.GetElementType()!, null));
        if (t.IsGenericType && t.GetGenericTypeDefinition() is var g && (g == typeof(List<>) || g == typeof(IReadOnlyList<>)))
            return ArrayOf(TypeName(t.GetGenericArguments()[0], null));
        var properties = t.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        return ObjectType(t.FullName!, properties.Select(p => (
            p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? QmpTypes.WireName(p.Name),
            TypeName(p.PropertyType, p.GetCustomAttribute<QmpEnumAttribute>()?.EnumType),
            _nullability.Create(p).ReadState == NullabilityState.Nullable)));
    }

    private string ArrayOf(string element)
    {
        string name = $"[{element}]";
        if (_builtins.Add(name))
            _entities.Add(new JsonObject { ["name"] = name, ["element-type"] = element, ["meta-type"] = "array" });
        return name;
    }

    private string Builtin(string name, string jsonType)
    {
        if (_builtins.Add(name))
            _entities.Add(new JsonObject { ["name"] = name, ["json-type"] = jsonType, ["meta-type"] = "builtin" });
        return name;
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QemuSharp.Monitor.Json;

/// <summary>
/// Writes JSON as QEMU's monitor does: ASCII only (other characters as upper-case \uXXXX),
/// <c>", "</c> and <c>": "</c> separators on one line, or the pretty form indented by four
/// spaces (an empty object as "{", newline, indent, "}"). Line ends are CR LF.
/// </summary>
public static class QmpJsonWriter
{
    public static string Write(JsonNode? node, bool pretty)
    {
        var sb = new StringBuilder();
        Append(sb, node, pretty, 0);
        sb.Append('\n');
        return sb.ToString().Replace("\n", "\r\n");
    }

    private static void Append(StringBuilder sb, JsonNode? node, bool pretty, int level)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                AppendContainer(sb, '{', '}', obj.Select(p => ((string?)p.Key, p.Value)).ToList(), pretty, level);
                break;
            case JsonArray arr:
                AppendContainer(sb, '[', ']', arr.Select(v => ((string?)null, v)).ToList(), pretty, level);
                break;
            case JsonValue value:
                AppendValue(sb, value);
                break;
        }
    }

    private static void AppendContainer(StringBuilder sb, char open, char close, List<(string? Key, JsonNode? Value)> items, bool pretty, int level)
    {
        sb.Append(open);
        for (int i = 0; i < items.Count; i++)
        {
            if (i > 0)
                sb.Append(pretty ? "," : ", ");
            if (pretty)
                sb.Append('\n').Append(' ', (level + 1) * 4);
            if (items[i].Key is { } key)
            {
                AppendString(sb, key);
                sb.Append(": ");
            }
            Append(sb, items[i].Value, pretty, level + 1);
        }
        if (pretty)
            sb.Append('\n').Append(' ', level * 4);
        sb.Append(close);
    }

    private static void AppendValue(StringBuilder sb, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                AppendString(sb, value.GetValue<string>());
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            case JsonValueKind.Null:
                sb.Append("null");
                break;
            default:
                sb.Append(value.ToJsonString());
                break;
        }
    }

    public static void AppendString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                default:
                    if (c < 0x20 || c >= 0x7f)
                        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    else
                        sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QemuSharp.Block.Tools;

/// <summary>QEMU's pretty JSON: four-space indent, "key": value, keys in the order given.</summary>
internal static class QemuJson
{
    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        IndentSize = 4,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Format(JsonNode node) => node.ToJsonString(Pretty);
}

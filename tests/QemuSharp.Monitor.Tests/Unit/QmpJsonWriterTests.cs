using System.Text.Json.Nodes;
using QemuSharp.Monitor.Json;

namespace QemuSharp.Monitor.Tests.Unit;

public class QmpJsonWriterTests
{
    [Fact]
    public void ShouldWriteQemuCompactForm()
    {
        var node = JsonNode.Parse("{\"return\":{\"a\":[1,true,null],\"b\":\"x\"},\"id\":{}}");
        Assert.Equal("{\"return\": {\"a\": [1, true, null], \"b\": \"x\"}, \"id\": {}}\r\n", QmpJsonWriter.Write(node, false));
    }

    [Fact]
    public void ShouldWriteQemuPrettyForm()
    {
        var node = JsonNode.Parse("{\"return\":{},\"id\":[1,2]}");
        Assert.Equal("{\r\n    \"return\": {\r\n    },\r\n    \"id\": [\r\n        1,\r\n        2\r\n    ]\r\n}\r\n", QmpJsonWriter.Write(node, true));
    }

    [Fact]
    public void ShouldEscapeEverythingOutsidePrintableAscii()
    {
        var node = JsonValue.Create("é\u0001😀\t");
        Assert.Equal("\"\\u00E9\\u0001\\uD83D\\uDE00\\t\"\r\n", QmpJsonWriter.Write(node, false));
    }
}

using System.Text.Json.Nodes;
using QemuSharp.Chardev;

namespace QemuSharp.Monitor.Tests.Unit;

public class QmpSchemaTests
{
    private static readonly JsonArray Schema = new MonitorHost(new EmulatorInfo(), new ChardevRegistry()).Schema;

    private static JsonObject Entity(string name) =>
        Schema.OfType<JsonObject>().Single(e => (string?)e["name"] == name);

    [Fact]
    public void ShouldDescribeGetfdAsTakingOneStringNamedFdname()
    {
        var getfd = Entity("getfd");
        Assert.Equal("command", (string?)getfd["meta-type"]);
        Assert.Equal("0", (string?)getfd["ret-type"]);
        var args = Entity((string)getfd["arg-type"]!);
        Assert.Equal("[{\"name\":\"fdname\",\"type\":\"str\"}]", args["members"]!.ToJsonString());
    }

    [Fact]
    public void ShouldMaskTypeNamesAsNumbersWithZeroTheEmptyObject()
    {
        Assert.Equal("{\"name\":\"0\",\"members\":[],\"meta-type\":\"object\"}", Entity("0").ToJsonString());
        Assert.All(Schema.OfType<JsonObject>().Where(e => (string?)e["meta-type"] == "object"),
            e => Assert.True(int.TryParse((string?)e["name"], out _)));
    }

    [Fact]
    public void ShouldMarkOptionalMembersWithANullDefault()
    {
        var args = Entity((string)Entity("add-fd")["arg-type"]!);
        Assert.Equal("[{\"name\":\"fdset-id\",\"default\":null,\"type\":\"int\"},{\"name\":\"opaque\",\"default\":null,\"type\":\"str\"}]",
            args["members"]!.ToJsonString());
    }

    [Fact]
    public void ShouldListTheLifeCycleEvents()
    {
        var events = Schema.OfType<JsonObject>().Where(e => (string?)e["meta-type"] == "event").Select(e => (string?)e["name"]);
        Assert.Equal(["POWERDOWN", "RESET", "RESUME", "SHUTDOWN", "STOP"], events.Order());
    }

    [Fact]
    public void ShouldDescribeRunStateAsAnEnum()
    {
        var status = Entity((string)Entity("query-status")["ret-type"]!);
        string statusType = (string)status["members"]!.AsArray().Single(m => (string?)m!["name"] == "status")!["type"]!;
        Assert.Contains("\"prelaunch\"", Entity(statusType)["values"]!.ToJsonString());
    }
}

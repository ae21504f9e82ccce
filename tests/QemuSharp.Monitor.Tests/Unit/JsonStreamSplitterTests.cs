using System.Text;
using QemuSharp.Monitor.Json;

namespace QemuSharp.Monitor.Tests.Unit;

public class JsonStreamSplitterTests
{
    private static List<JsonStreamSplitter.Item> Feed(params string[] chunks)
    {
        var splitter = new JsonStreamSplitter();
        return chunks.SelectMany(c => splitter.Feed(Encoding.UTF8.GetBytes(c))).ToList();
    }

    [Fact]
    public void ShouldCutValuesWrittenBackToBack()
    {
        var items = Feed("{\"a\":1}{\"b\":[2,\"}\"]}");
        Assert.Equal(["{\"a\":1}", "{\"b\":[2,\"}\"]}"], items.Select(i => i.Json));
    }

    [Fact]
    public void ShouldJoinAValueSplitAcrossReads()
    {
        Assert.Equal(["{\"execute\":\"stop\"}"], Feed("{\"exec", "ute\":\"st", "op\"}").Select(i => i.Json));
    }

    [Fact]
    public void ShouldRewriteSingleQuotedStrings()
    {
        Assert.Equal(["{\"execute\":\"it's \\\"x\\\"\"}"], Feed("{'execute':'it\\'s \"x\"'}").Select(i => i.Json));
    }

    [Fact]
    public void ShouldReportAControlCharacterInAStringAsAStrayToken()
    {
        var items = Feed("{\"execute\": \"query-st\u001b{\"execute\":\"stop\"}");
        Assert.Equal("JSON parse error, stray '\"query-st\u001b'", items[0].Error);
        Assert.Equal("{\"execute\":\"stop\"}", items[1].Json);
    }

    [Fact]
    public void ShouldLimitNesting()
    {
        var items = Feed(new string('[', 1100) + new string(']', 1100));
        Assert.Equal("JSON nesting depth limit exceeded", Assert.Single(items).Error);
    }

    [Fact]
    public void ShouldLimitTheNumberOfTokens()
    {
        var items = Feed("[" + string.Concat(Enumerable.Repeat("1,", 3 << 20)) + "1]");
        Assert.Equal("JSON token count limit exceeded", Assert.Single(items).Error);
    }
}

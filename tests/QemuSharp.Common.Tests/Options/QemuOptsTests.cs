using QemuSharp.Common.Options;

namespace QemuSharp.Common.Tests.Options;

public class QemuOptsTests
{
    private static readonly QemuOptDesc[] ChardevLike =
    [
        new("backend", QemuOptType.String),
        new("path", QemuOptType.String),
        new("server", QemuOptType.Bool),
        new("wait", QemuOptType.Bool),
        new("reconnect", QemuOptType.Number),
        new("size", QemuOptType.Size),
    ];

    [Fact]
    public void ShouldGiveTheFirstBareItemToTheImpliedKey()
    {
        var opts = QemuOpts.Parse("socket,id=mon,path=/tmp/a", "backend");
        Assert.Equal("socket", opts.GetString("backend"));
        Assert.Equal("mon", opts.GetString("id"));
        Assert.Equal(["backend", "id", "path"], opts.Select(i => i.Key));
    }

    [Theory]
    [InlineData("path=/tmp/we,,ird.sock", "/tmp/we,ird.sock")]
    [InlineData("path=a,,,,b", "a,,b")]
    [InlineData("path=,,", ",")]
    public void ShouldReadDoubledCommasAsOneLiteralComma(string text, string expected)
    {
        Assert.Equal(expected, QemuOpts.Parse(text, null).GetString("path"));
    }

    [Fact]
    public void ShouldLetTheLastRepeatedKeyWin()
    {
        Assert.Equal("b", QemuOpts.Parse("path=a,path=b", null).GetString("path"));
    }

    [Theory]
    [InlineData("on", true)]
    [InlineData("yes", true)]
    [InlineData("true", true)]
    [InlineData("y", true)]
    [InlineData("off", false)]
    [InlineData("no", false)]
    [InlineData("false", false)]
    [InlineData("n", false)]
    public void ShouldAcceptQemuBooleanSpellings(string value, bool expected)
    {
        Assert.Equal(expected, QemuOpts.Parse($"server={value}", null).GetBool("server"));
    }

    [Theory]
    [InlineData("server=maybe")]
    [InlineData("server=")]
    [InlineData("server=ON")]
    public void ShouldRejectOtherBooleanValuesWithQemuMessage(string text)
    {
        var e = Assert.Throws<OptionException>(() => QemuOpts.Parse(text, null, ChardevLike));
        Assert.Equal("Parameter 'server' expects 'on' or 'off'", e.Message);
    }

    [Fact]
    public void ShouldTreatBareFlagsAsDeprecatedBooleans()
    {
        var opts = QemuOpts.Parse("socket,server,nowait", "backend", ChardevLike);
        Assert.True(opts.GetBool("server"));
        Assert.False(opts.GetBool("wait"));
        Assert.Equal(
            ["short-form boolean option 'server' deprecated\nPlease use server=on instead",
             "short-form boolean option 'nowait' deprecated\nPlease use wait=off instead"],
            opts.Warnings);
    }

    [Fact]
    public void ShouldRejectUnknownKeysWithQemuMessage()
    {
        var e = Assert.Throws<OptionException>(() => QemuOpts.Parse("ringbuf,id=a,foo=3", "backend", ChardevLike));
        Assert.Equal("Invalid parameter 'foo'", e.Message);
    }

    [Fact]
    public void ShouldRejectUnknownKeysOnRequest()
    {
        var opts = QemuOpts.Parse("none,accel=tcg,bogus=1", "type");
        var e = Assert.Throws<OptionException>(() => opts.RejectUnknown(["type", "accel"]));
        Assert.Equal("Invalid parameter 'bogus'", e.Message);
    }

    [Theory]
    [InlineData("a,,b")]
    [InlineData("1abc")]
    [InlineData("")]
    public void ShouldRejectMalformedIds(string id)
    {
        var e = Assert.Throws<OptionException>(() => QemuOpts.Parse($"null,id={id}", "backend", ChardevLike));
        Assert.StartsWith("Parameter 'id' expects an identifier\n", e.Message);
    }

    [Fact]
    public void ShouldNoticeHelpRequests()
    {
        Assert.True(QemuOpts.Parse("socket,help", "backend").HelpWanted);
    }

    [Fact]
    public void ShouldRejectNonNumbersWithQemuMessage()
    {
        var e = Assert.Throws<OptionException>(() => QemuOpts.Parse("reconnect=abc", null, ChardevLike));
        Assert.Equal("Parameter 'reconnect' expects a number", e.Message);
    }

    [Fact]
    public void ShouldRejectNumbersAbove64BitsWithQemuMessage()
    {
        var e = Assert.Throws<OptionException>(() => QemuOpts.Parse("reconnect=99999999999999999999", null, ChardevLike));
        Assert.Equal("Value '99999999999999999999' is too large for parameter 'reconnect'", e.Message);
    }

    [Fact]
    public void ShouldRoundTripThroughToString()
    {
        var opts = QemuOpts.Parse("socket,path=a,,b", "backend");
        Assert.Equal("backend=socket,path=a,,b", opts.ToString());
    }

    [Fact]
    public void ShouldReportWarningsBeforeALaterError()
    {
        var heard = new List<string>();
        Assert.Throws<OptionException>(() => QemuOpts.Parse("socket,server,foo", "backend", ChardevLike, heard.Add));
        Assert.Equal(2, heard.Count);
    }
}

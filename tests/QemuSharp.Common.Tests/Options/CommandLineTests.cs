using QemuSharp.Common.Options;

namespace QemuSharp.Common.Tests.Options;

public class CommandLineTests
{
    private static readonly CommandLineOption[] Table =
    [
        new("S", false),
        new("name", true),
        new("chardev", true),
    ];

    [Fact]
    public void ShouldPairOptionsWithTheirArguments()
    {
        var items = CommandLine.Split(["-S", "-name", "vm", "--chardev", "null,id=n", "disk.img"], Table);
        Assert.Equal(
            [new ParsedOption("S", null, "-S"), new ParsedOption("name", "vm", "-name vm"),
             new ParsedOption("chardev", "null,id=n", "--chardev null,id=n"), new ParsedOption("", "disk.img", "disk.img")],
            items);
    }

    [Theory]
    [InlineData("-foo")]
    [InlineData("--foo")]
    public void ShouldRejectUnknownOptionsWithQemuMessage(string word)
    {
        var e = Assert.Throws<CommandLineException>(() => CommandLine.Split([word], Table));
        Assert.Equal(word, e.Location);
        Assert.Equal("invalid option", e.Message);
    }

    [Fact]
    public void ShouldRejectAMissingArgumentWithQemuMessage()
    {
        var e = Assert.Throws<CommandLineException>(() => CommandLine.Split(["-name"], Table));
        Assert.Equal("-name", e.Location);
        Assert.Equal("requires an argument", e.Message);
    }

    [Fact]
    public void ShouldFormatErrorsAsQemuErrorReport()
    {
        var writer = new StringWriter();
        new ErrorReporter("qemu-system-x86_64", writer).Warning("-chardev x", "one\ntwo");
        Assert.Equal("qemu-system-x86_64: -chardev x: warning: one\ntwo\n", writer.ToString());
    }
}

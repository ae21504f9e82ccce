using QemuSharp.Common.Options;

namespace QemuSharp.Chardev.Tests;

public class ChardevRegistryTests
{
    [Fact]
    public void ShouldRefuseADuplicateId()
    {
        var registry = new ChardevRegistry();
        registry.Create(new ChardevConfig("n", "null"));
        var e = Assert.Throws<OptionException>(() => registry.Create(new ChardevConfig("n", "null")));
        Assert.Equal("Chardev with id 'n' already exists", e.Message);
    }

    [Fact]
    public void ShouldListAMuxBackendAsIdBase()
    {
        var registry = new ChardevRegistry();
        registry.Create(new ChardevConfig("s", "null") { Mux = true });
        Assert.Equal(["s-base", "s"], registry.All.Select(c => c.Id));
    }

    [Fact]
    public void ShouldRefuseToRemoveAChardevInUse()
    {
        var registry = new ChardevRegistry();
        var chardev = registry.Create(new ChardevConfig("n", "null"));
        chardev.Attach(new NoFrontend());
        Assert.Equal("Chardev 'n' is busy", Assert.Throws<OptionException>(() => registry.Remove("n")).Message);
        Assert.Equal("Chardev 'x' not found", Assert.Throws<OptionException>(() => registry.Remove("x")).Message);
    }

    private sealed class NoFrontend : IChardevFrontend
    {
        public void OnOpened()
        {
        }

        public void OnClosed()
        {
        }

        public void Receive(ReadOnlySpan<byte> data)
        {
        }
    }
}

using System.Text;

namespace QemuSharp.Chardev.Tests;

public class MuxChardevTests
{
    private sealed class Recorder : IChardevFrontend
    {
        public StringBuilder Input { get; } = new();

        public List<bool> Focus { get; } = [];

        public void OnOpened()
        {
        }

        public void OnClosed()
        {
        }

        public void Receive(ReadOnlySpan<byte> data) => Input.Append(Encoding.Latin1.GetString(data));

        public void OnMuxFocus(bool focused) => Focus.Add(focused);
    }

    private static (MuxChardev Mux, RingbufChardev Backend, Recorder First, Recorder Second) Build()
    {
        var backend = new RingbufChardev("m-base", 1024);
        var mux = new MuxChardev("m", backend);
        var first = new Recorder();
        var second = new Recorder();
        mux.Attach(first);
        mux.Attach(second);
        mux.FocusFirst();
        return (mux, backend, first, second);
    }

    private static void Type(MuxChardev mux, string text) => ((IChardevFrontend)mux).Receive(Encoding.Latin1.GetBytes(text));

    [Fact]
    public void ShouldSendInputToTheFocusedFrontendOnly()
    {
        var (mux, _, first, second) = Build();
        Type(mux, "abc");
        Assert.Equal("abc", first.Input.ToString());
        Assert.Equal("", second.Input.ToString());
    }

    [Fact]
    public void ShouldSwitchFocusOnCtrlAC()
    {
        var (mux, _, first, second) = Build();
        Type(mux, "a\u0001cb");
        Assert.Equal("a", first.Input.ToString());
        Assert.Equal("b", second.Input.ToString());
        Assert.Equal([true], second.Focus);
    }

    [Fact]
    public void ShouldPassALiteralCtrlAOnCtrlACtrlA()
    {
        var (mux, _, first, _) = Build();
        Type(mux, "\u0001\u0001x");
        Assert.Equal("\u0001x", first.Input.ToString());
    }

    [Fact]
    public void ShouldPrintHelpOnCtrlAH()
    {
        var (mux, backend, _, _) = Build();
        Type(mux, "\u0001h");
        Assert.StartsWith("\n\rC-a h    print this help\n\rC-a x    exit emulator\n\r", Encoding.ASCII.GetString(backend.Contents()));
    }

    [Fact]
    public void ShouldAnnounceTerminationAndRequestQuitOnCtrlAX()
    {
        var (mux, backend, _, _) = Build();
        bool quit = false;
        mux.QuitRequested += () => quit = true;
        Type(mux, "\u0001x");
        Assert.True(quit);
        Assert.Equal("QEMU: Terminated\n\r", Encoding.ASCII.GetString(backend.Contents()));
    }
}

using System.Text;

namespace QemuSharp.Monitor.Hmp;

/// <summary>
/// An HMP monitor (readline mode): banner, the <c>(qemu) </c> prompt, echo with QEMU's
/// redraw sequences, backspace, and history on the up and down arrows.
/// </summary>
public sealed class HmpMonitor(MonitorHost host, Chardev.Chardev chardev, bool onMux) : MonitorSession(host, chardev)
{
    private const string Prompt = "(qemu) ";
    private readonly StringBuilder _line = new();
    private readonly List<string> _history = [];
    private int _historyIndex;
    private int _shownCursor;
    private int _escape;
    private bool _lastWasCr;
    private bool _bannerShown;
    private bool _focused = !onMux;

    public override void OnOpened()
    {
        if (!_focused)
            return;
        ShowBanner();
    }

    private void ShowBanner()
    {
        _bannerShown = true;
        _line.Clear();
        _shownCursor = 0;
        WriteText($"QEMU {Host.Info.Major}.{Host.Info.Minor}.{Host.Info.Micro} monitor - type 'help' for more information\r\n{Prompt}");
    }

    public override void OnClosed()
    {
        _line.Clear();
        _shownCursor = 0;
    }

    public override void OnMuxFocus(bool focused)
    {
        _focused = focused;
        if (!focused)
            return;
        if (!_bannerShown)
            ShowBanner();
        else
            WriteText(Prompt + _line);
    }

    public override void Receive(ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
            Step((char)b);
    }

    private void Step(char c)
    {
        if (_escape == 1)
        {
            _escape = c == '[' ? 2 : 0;
            return;
        }
        if (_escape == 2)
        {
            _escape = 0;
            if (c == 'A')
                Recall(-1);
            else if (c == 'B')
                Recall(+1);
            return;
        }
        bool wasCr = _lastWasCr;
        _lastWasCr = c == '\r';
        switch (c)
        {
            case '\x1b':
                _escape = 1;
                return;
            case '\r':
                Enter();
                return;
            case '\n':
                if (!wasCr)
                    Enter();
                return;
            case '\x7f' or '\b':
                if (_line.Length > 0)
                {
                    _line.Length--;
                    Redraw();
                }
                return;
        }
        if (c >= ' ' && c < '\x7f')
        {
            _line.Append(c);
            Redraw();
        }
    }

    private void Redraw()
    {
        WriteText(new StringBuilder().Insert(0, "\x1b[D", _shownCursor).Append(_line).Append("\x1b[K").ToString());
        _shownCursor = _line.Length;
    }

    private void Recall(int direction)
    {
        int index = _historyIndex + direction;
        if (index < 0 || index > _history.Count)
            return;
        _historyIndex = index;
        _line.Clear().Append(index < _history.Count ? _history[index] : "");
        Redraw();
    }

    private void Enter()
    {
        string line = _line.ToString();
        _line.Clear();
        _shownCursor = 0;
        WriteText("\r\n");
        if (line.Trim().Length > 0)
            _history.Add(line);
        _historyIndex = _history.Count;
        WriteText(HmpInterpreter.Execute(Host, this, line));
        if (Host.Lifecycle.ExitCause is null)
            WriteText(Prompt);
    }
}

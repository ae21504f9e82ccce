using System.Text;

namespace QemuSharp.Chardev;

/// <summary>
/// <c>mux=on</c>: several frontends share one backend. Input goes to the focused frontend;
/// Ctrl-A starts an escape (h help, x quit, c switch focus, s flush, t timestamps, b break,
/// Ctrl-A a literal Ctrl-A).
/// </summary>
public sealed class MuxChardev : Chardev, IChardevFrontend
{
    private const byte EscapeChar = 0x01;
    private readonly List<IChardevFrontend> _frontends = [];
    private int _focus = -1;
    private bool _escapePending;

    public MuxChardev(string id, Chardev backend) : base(id)
    {
        Backend = backend;
    }

    public Chardev Backend { get; }

    /// <summary>Raised for Ctrl-A x, after "QEMU: Terminated" has been written.</summary>
    public event Action? QuitRequested;

    public override string Driver => "mux";

    public override string Filename => "mux";

    public override bool IsBusy => false;

    public override void Attach(IChardevFrontend frontend)
    {
        _frontends.Add(frontend);
        if (_frontends.Count == 1)
        {
            Backend.Attach(this);
            return;
        }
        if (Backend.IsConnected)
            frontend.OnOpened();
    }

    public override void Detach(IChardevFrontend frontend)
    {
        int index = _frontends.IndexOf(frontend);
        if (index < 0)
            return;
        _frontends.RemoveAt(index);
        if (_focus >= _frontends.Count)
            _focus = _frontends.Count - 1;
    }

    /// <summary>Gives the input to the first frontend, as QEMU does once the machine is built.</summary>
    public void FocusFirst() => SetFocus(0);

    /// <summary>Gives the input to <paramref name="frontend"/> (a guest serial port takes it at machine start).</summary>
    public void Focus(IChardevFrontend frontend)
    {
        int index = _frontends.IndexOf(frontend);
        if (index >= 0)
            SetFocus(index);
    }

    private void SetFocus(int index)
    {
        if (_frontends.Count == 0)
            return;
        if (_focus >= 0 && _focus < _frontends.Count)
            _frontends[_focus].OnMuxFocus(false);
        _focus = index % _frontends.Count;
        _frontends[_focus].OnMuxFocus(true);
    }

    public override void Start() => Backend.Start();

    public override void Write(ReadOnlySpan<byte> data) => Backend.Write(data);

    void IChardevFrontend.OnOpened()
    {
        foreach (var f in _frontends)
            f.OnOpened();
    }

    void IChardevFrontend.OnClosed()
    {
        foreach (var f in _frontends)
            f.OnClosed();
    }

    void IChardevFrontend.Receive(ReadOnlySpan<byte> data)
    {
        int start = 0;
        for (int i = 0; i < data.Length; i++)
        {
            byte b = data[i];
            if (_escapePending)
            {
                _escapePending = false;
                start = i + 1;
                HandleEscape(b);
            }
            else if (b == EscapeChar)
            {
                Forward(data[start..i]);
                _escapePending = true;
                start = i + 1;
            }
        }
        Forward(data[start..]);
    }

    private void Forward(ReadOnlySpan<byte> data)
    {
        if (data.Length > 0 && _focus >= 0 && _focus < _frontends.Count)
            _frontends[_focus].Receive(data);
    }

    private void HandleEscape(byte b)
    {
        switch (b)
        {
            case EscapeChar:
                Forward([EscapeChar]);
                break;
            case (byte)'h' or (byte)'?':
                Write(Encoding.ASCII.GetBytes(
                    "\n\rC-a h    print this help\n\rC-a x    exit emulator\n\r" +
                    "C-a s    save disk data back to file (if -snapshot)\n\rC-a t    toggle console timestamps\n\r" +
                    "C-a b    send break (magic sysrq)\n\rC-a c    switch between console and monitor\n\r" +
                    "C-a C-a  sends C-a\n\r"));
                break;
            case (byte)'x':
                Write("QEMU: Terminated\n\r"u8);
                QuitRequested?.Invoke();
                break;
            case (byte)'c':
                SetFocus(_focus + 1);
                break;
        }
    }

    public override void Dispose()
    {
        Backend.Dispose();
        base.Dispose();
    }
}

using QemuSharp.Common.Irq;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Input;

/// <summary>
/// The 8042 keyboard controller of the PC/AT (data port 0x60, status and command port 0x64)
/// with a PS/2 keyboard on its first port (IRQ 1) and a PS/2 mouse on its auxiliary port
/// (IRQ 12). The devices answer the commands a driver probes with; no keys are pressed. Output
/// port bit 0 is the CPU reset line and bit 1 the A20 gate.
/// </summary>
public sealed class I8042 : IDeviceInfo
{
    public enum Register
    {
        /// <summary>Port 0x60: output buffer (read), input buffer for data (write).</summary>
        Data = 0x60,

        /// <summary>Port 0x64: status (read), controller command (write).</summary>
        StatusCommand = 0x64,
    }

    [Flags]
    public enum Status
    {
        OutputFull = 0x01,
        InputFull = 0x02,
        SystemFlag = 0x04,

        /// <summary>A2: the last write went to the command port.</summary>
        Command = 0x08,

        /// <summary>The keyboard lock switch is open (not inhibited).</summary>
        Unlocked = 0x10,
        AuxOutputFull = 0x20,
        Timeout = 0x40,
        ParityError = 0x80,
    }

    /// <summary>The controller command byte (internal RAM byte 0).</summary>
    [Flags]
    public enum CommandByte
    {
        KeyboardInterrupt = 0x01,
        AuxInterrupt = 0x02,
        SystemFlag = 0x04,
        KeyboardDisabled = 0x10,
        AuxDisabled = 0x20,
        Translate = 0x40,
    }

    private const int OutResetLine = 0x01, OutA20 = 0x02, OutKbdFull = 0x10, OutAuxFull = 0x20;

    /// <summary>The keyboard's reset value is the AT's: keyboard and mouse interrupts enabled.</summary>
    private const int CommandByteAtReset = (int)(CommandByte.KeyboardInterrupt | CommandByte.AuxInterrupt);

    private readonly IIrqLine _kbdIrq;
    private readonly IIrqLine _auxIrq;
    private readonly Action _resetRequest;
    private readonly Action<bool> _setA20;
    private readonly byte[] _ram = new byte[32];
    private readonly Queue<(byte Value, bool Aux)> _controllerOut = new();
    private readonly Queue<byte> _kbdOut = new();
    private readonly Queue<byte> _auxOut = new();
    private int _status;
    private int _outputPort;
    private byte _outputValue;
    private bool _outputAux;
    private int _pendingCommand;
    private int _kbdPendingCommand;
    private int _auxPendingCommand;
    private int _scanCodeSet;
    private bool _auxStreaming;
    private int _auxRate;
    private int _auxResolution;
    private byte _lastKbdByte;

    public I8042(IIrqLine keyboardIrq, IIrqLine mouseIrq, Action resetRequest, Action<bool> setA20)
    {
        _kbdIrq = keyboardIrq;
        _auxIrq = mouseIrq;
        _resetRequest = resetRequest;
        _setA20 = setA20;
        Reset();
    }

    public string TypeName => "i8042";

    public IReadOnlyDictionary<string, string> Properties => new Dictionary<string, string>
    {
        ["extended-state"] = "true",
        ["kbd-throttle"] = "false",
        ["kbd-irq"] = "1 (0x1)",
        ["mouse-irq"] = "12 (0xc)",
    };

    private int Ctr
    {
        get => _ram[0];
        set => _ram[0] = (byte)value;
    }

    public void Attach(IoPortSpace io)
    {
        io.Map(0x60, 1, new IoHandler((_, _) => ReadData(), (_, _, v) => WriteData((byte)v)), "i8042-data");
        io.Map(0x64, 1, new IoHandler((_, _) => (ulong)_status, (_, _, v) => WriteCommand((byte)v)), "i8042-cmd");
    }

    public void Reset()
    {
        Array.Clear(_ram);
        Ctr = CommandByteAtReset;
        _status = (int)(Status.Command | Status.Unlocked);
        _outputPort = OutResetLine | OutA20 | 0xcc;
        _pendingCommand = _kbdPendingCommand = _auxPendingCommand = 0;
        _controllerOut.Clear();
        _kbdOut.Clear();
        _auxOut.Clear();
        _scanCodeSet = 2;
        ResetMouse();
        UpdateInterrupts();
    }

    public ulong ReadData()
    {
        byte value = _outputValue;
        _status &= ~(int)(Status.OutputFull | Status.AuxOutputFull);
        // Lowering both lines first gives an edge for the next byte.
        _kbdIrq.Set(false);
        _auxIrq.Set(false);
        UpdateInterrupts();
        return value;
    }

    public void WriteCommand(byte cmd)
    {
        _status |= (int)Status.Command;
        _pendingCommand = 0;
        switch (cmd)
        {
            case >= 0x20 and <= 0x3f:
                Reply(_ram[cmd & 0x1f]);
                break;
            case >= 0x60 and <= 0x7f:
            case 0xd1:
            case 0xd2:
            case 0xd3:
            case 0xd4:
                _pendingCommand = cmd;
                break;
            case 0xa7:
                Ctr |= (int)CommandByte.AuxDisabled;
                break;
            case 0xa8:
                Ctr &= ~(int)CommandByte.AuxDisabled;
                break;
            case 0xa9:
            case 0xab:
                // Interface tests: 0x00 means no clock or data line is stuck.
                Reply(0x00);
                break;
            case 0xaa:
                _status |= (int)Status.SystemFlag;
                Reply(0x55);
                break;
            case 0xad:
                Ctr |= (int)CommandByte.KeyboardDisabled;
                break;
            case 0xae:
                Ctr &= ~(int)CommandByte.KeyboardDisabled;
                break;
            case 0xc0:
                // Input port: bit 7 high means the keyboard is not inhibited.
                Reply(0x80);
                break;
            case 0xd0:
                int port = _outputPort & ~(OutKbdFull | OutAuxFull);
                if ((_status & (int)Status.OutputFull) != 0)
                    port |= _outputAux ? OutAuxFull : OutKbdFull;
                Reply((byte)port);
                break;
            case 0xdd:
                SetOutputPort(_outputPort & ~OutA20);
                break;
            case 0xdf:
                SetOutputPort(_outputPort | OutA20);
                break;
            case 0xe0:
                Reply(0x00);
                break;
            case >= 0xf0:
                // Pulse output port bits 3-0 low for 6 µs where the command's bit is 0: 0xfe resets the CPU.
                if ((cmd & 1) == 0)
                    _resetRequest();
                break;
        }
        UpdateInterrupts();
    }

    public void WriteData(byte value)
    {
        _status &= ~(int)Status.Command;
        int command = _pendingCommand;
        _pendingCommand = 0;
        switch (command)
        {
            case >= 0x60 and <= 0x7f:
                _ram[command & 0x1f] = value;
                if (command == 0x60)
                    _status = (_status & ~(int)Status.SystemFlag) | (value & (int)CommandByte.SystemFlag);
                break;
            case 0xd1:
                SetOutputPort(value);
                break;
            case 0xd2:
                _controllerOut.Enqueue((value, false));
                break;
            case 0xd3:
                _controllerOut.Enqueue((value, true));
                break;
            case 0xd4:
                MouseCommand(value);
                break;
            default:
                // Data for the keyboard also re-enables its interface.
                Ctr &= ~(int)CommandByte.KeyboardDisabled;
                KeyboardCommand(value);
                break;
        }
        UpdateInterrupts();
    }

    private void SetOutputPort(int value)
    {
        bool a20Changed = ((value ^ _outputPort) & OutA20) != 0;
        _outputPort = value;
        if (a20Changed)
            _setA20((value & OutA20) != 0);
        if ((value & OutResetLine) == 0)
            _resetRequest();
    }

    private void Reply(byte value) => _controllerOut.Enqueue((value, false));

    private void KeyboardCommand(byte b)
    {
        int pending = _kbdPendingCommand;
        _kbdPendingCommand = 0;
        if (pending == 0xf0)
        {
            Keyboard(0xfa);
            if (b == 0)
                Keyboard((byte)_scanCodeSet);
            else if (b <= 3)
                _scanCodeSet = b;
            return;
        }
        if (pending is 0xed or 0xf3)
        {
            Keyboard(0xfa);
            return;
        }
        switch (b)
        {
            case 0xed:
            case 0xf0:
            case 0xf3:
                _kbdPendingCommand = b;
                Keyboard(0xfa);
                break;
            case 0xee:
                Keyboard(0xee);
                break;
            case 0xf2:
                // MF2 keyboard identification.
                Keyboard(0xfa, 0xab, 0x83);
                break;
            case 0xfe:
                Keyboard(_lastKbdByte);
                break;
            case 0xff:
                _scanCodeSet = 2;
                Keyboard(0xfa, 0xaa);
                break;
            case >= 0xf4:
                Keyboard(0xfa);
                break;
            default:
                Keyboard(0xfe);
                break;
        }
    }

    private void Keyboard(params byte[] bytes)
    {
        foreach (byte b in bytes)
            _kbdOut.Enqueue(b);
        _lastKbdByte = bytes[^1];
    }

    private void Mouse(params byte[] bytes)
    {
        foreach (byte b in bytes)
            _auxOut.Enqueue(b);
    }

    private void ResetMouse()
    {
        _auxPendingCommand = 0;
        _auxStreaming = false;
        _auxRate = 100;
        _auxResolution = 2;
    }

    private void MouseCommand(byte b)
    {
        int pending = _auxPendingCommand;
        _auxPendingCommand = 0;
        if (pending is 0xe8 or 0xf3)
        {
            if (pending == 0xe8)
                _auxResolution = b & 3;
            else
                _auxRate = b;
            Mouse(0xfa);
            return;
        }
        switch (b)
        {
            case 0xe8:
            case 0xf3:
                _auxPendingCommand = b;
                Mouse(0xfa);
                break;
            case 0xe9:
                Mouse(0xfa, (byte)(_auxStreaming ? 0x20 : 0x00), (byte)_auxResolution, (byte)_auxRate);
                break;
            case 0xeb:
                // Read data: a packet with no movement and no buttons (bit 3 is always set).
                Mouse(0xfa, 0x08, 0x00, 0x00);
                break;
            case 0xf2:
                Mouse(0xfa, 0x00);
                break;
            case 0xf4:
                _auxStreaming = true;
                Mouse(0xfa);
                break;
            case 0xf5:
            case 0xf6:
                ResetMouse();
                Mouse(0xfa);
                break;
            case 0xff:
                ResetMouse();
                Mouse(0xfa, 0xaa, 0x00);
                break;
            case 0xe6 or 0xe7 or 0xea or 0xec or 0xf0:
                Mouse(0xfa);
                break;
            default:
                Mouse(0xfe);
                break;
        }
    }

    /// <summary>
    /// Fills an empty output buffer (controller replies first, then an enabled device) and sets
    /// IRQ 1 or IRQ 12 for its byte when the command byte enables that interrupt.
    /// </summary>
    private void UpdateInterrupts()
    {
        if ((_status & (int)Status.OutputFull) == 0)
        {
            if (_controllerOut.TryDequeue(out var reply))
                Load(reply.Value, reply.Aux);
            else if ((Ctr & (int)CommandByte.KeyboardDisabled) == 0 && _kbdOut.TryDequeue(out byte k))
                Load(Translate(k), false);
            else if ((Ctr & (int)CommandByte.AuxDisabled) == 0 && _auxOut.TryDequeue(out byte a))
                Load(a, true);
        }
        bool full = (_status & (int)Status.OutputFull) != 0;
        _kbdIrq.Set(full && !_outputAux && (Ctr & (int)CommandByte.KeyboardInterrupt) != 0);
        _auxIrq.Set(full && _outputAux && (Ctr & (int)CommandByte.AuxInterrupt) != 0);
    }

    private void Load(byte value, bool aux)
    {
        _outputValue = value;
        _outputAux = aux;
        _status |= (int)Status.OutputFull | (aux ? (int)Status.AuxOutputFull : 0);
    }

    /// <summary>
    /// With translation on, the controller turns set 2 codes into set 1. The keyboard sends only
    /// replies here; of those, the second ID byte 0x83 is the one the table changes (to 0x41).
    /// </summary>
    private byte Translate(byte b) => (Ctr & (int)CommandByte.Translate) != 0 && b == 0x83 ? (byte)0x41 : b;
}

using QemuSharp.Chardev;
using QemuSharp.Common.Irq;
using QemuSharp.Common.Time;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Char;

/// <summary>
/// A National Semiconductor 16550A UART on the ISA bus (QEMU's isa-serial): eight registers,
/// 16-byte FIFOs, a 1.8432 MHz baud clock. Transmitted bytes go to the character backend at
/// once; bytes from the backend wait in an unbounded queue until the receiver has room, so none
/// is lost however slowly the guest reads. On a PC, OUT2 of the modem control register gates
/// the interrupt onto the ISA line.
/// </summary>
public sealed class Uart16550 : IIoHandler, IChardevFrontend, IDeviceInfo
{
    /// <summary>Register offsets; with DLAB (LCR bit 7) set, offsets 0 and 1 are the divisor latch.</summary>
    public enum Register
    {
        /// <summary>RBR (read), THR (write), DLL with DLAB.</summary>
        Data = 0,

        /// <summary>IER, DLM with DLAB.</summary>
        InterruptEnable = 1,

        /// <summary>IIR (read), FCR (write).</summary>
        InterruptIdentification = 2,
        LineControl = 3,
        ModemControl = 4,
        LineStatus = 5,
        ModemStatus = 6,
        Scratch = 7,
    }

    /// <summary>The PC's four COM ports: base port and ISA IRQ.</summary>
    public static readonly (ushort Port, int Irq)[] IsaPorts = [(0x3f8, 4), (0x2f8, 3), (0x3e8, 4), (0x2e8, 3)];

    private const int IerRx = 0x01, IerThre = 0x02, IerLineStatus = 0x04, IerModemStatus = 0x08;
    private const int IirNone = 0x01, IirModemStatus = 0x00, IirThre = 0x02, IirRx = 0x04;
    private const int IirLineStatus = 0x06, IirTimeout = 0x0c, IirFifoEnabled = 0xc0;
    private const int FcrEnable = 0x01, FcrClearRx = 0x02, FcrClearTx = 0x04;
    private const int LcrDlab = 0x80;
    private const int McrDtr = 0x01, McrRts = 0x02, McrOut1 = 0x04, McrOut2 = 0x08, McrLoop = 0x10;
    private const int LsrDr = 0x01, LsrOe = 0x02, LsrErrors = 0x1e, LsrThre = 0x20, LsrTemt = 0x40;
    private const int MsrCts = 0x10, MsrDsr = 0x20, MsrRi = 0x40, MsrDcd = 0x80, MsrTeri = 0x04;
    private const int FifoSize = 16;
    private const long BaudClock = 1_843_200;

    private static readonly int[] TriggerLevels = [1, 4, 8, 14];

    private readonly IIrqLine _irq;
    private readonly IClock _clock;
    private readonly DeviceTimer _timeoutTimer;
    private readonly Action<Action> _runLocked;
    private readonly Queue<byte> _rxFifo = new();
    private readonly Queue<byte> _incoming = new();
    private Chardev.Chardev? _backend;
    private ushort _iobase;
    private int _divisor;
    private int _ier;
    private int _fcr;
    private int _lcr;
    private int _mcr;
    private int _lsr;
    private int _msr;
    private int _scr;
    private bool _threPending;
    private bool _timeoutPending;

    /// <param name="runLocked">Runs an action under the machine lock; backend input arrives on I/O threads.</param>
    public Uart16550(TimerQueue timers, IIrqLine irq, Action<Action> runLocked, int index = 0)
    {
        _irq = irq;
        _clock = timers.Clock;
        _runLocked = runLocked;
        _timeoutTimer = timers.Create("serial-timeout", OnCharacterTimeout);
        Index = index;
        Reset();
    }

    public int Index { get; }

    public string TypeName => "isa-serial";

    public IReadOnlyDictionary<string, string> Properties => new Dictionary<string, string>
    {
        ["index"] = $"{Index} (0x{Index:x})",
        ["iobase"] = $"{_iobase} (0x{_iobase:x})",
        ["irq"] = Index < IsaPorts.Length ? $"{IsaPorts[Index].Irq} (0x{IsaPorts[Index].Irq:x})" : "0 (0x0)",
    };

    public bool InterruptLevel { get; private set; }

    public void Attach(IoPortSpace io, ushort iobase)
    {
        _iobase = iobase;
        io.Map(iobase, 8, new ByteWideIo(this), "serial");
    }

    /// <summary>Makes this UART the frontend of <paramref name="backend"/> (QEMU's chardev property).</summary>
    public void Connect(Chardev.Chardev backend)
    {
        _backend = backend;
        backend.Attach(this);
    }

    /// <summary>
    /// Master reset: registers as the data sheet gives them, except that QEMU leaves OUT2 set
    /// in MCR and the divisor at 12 (9600 baud). Input not yet taken by the receiver stays queued.
    /// </summary>
    public void Reset()
    {
        _divisor = 12;
        _ier = 0;
        _fcr = 0;
        _lcr = 0;
        _mcr = McrOut2;
        _lsr = LsrThre | LsrTemt;
        _msr = ModemInputs();
        _scr = 0;
        _threPending = false;
        _timeoutPending = false;
        _rxFifo.Clear();
        _timeoutTimer.Cancel();
        FillReceiver();
        UpdateInterrupts();
    }

    public ulong Read(ulong offset, int size)
    {
        ulong value = ReadRegister((Register)offset);
        UpdateInterrupts();
        return value;
    }

    private ulong ReadRegister(Register register)
    {
        bool dlab = (_lcr & LcrDlab) != 0;
        switch (register)
        {
            case Register.Data when dlab:
                return (ulong)(_divisor & 0xff);
            case Register.Data:
                if (_rxFifo.Count == 0)
                    return 0;
                byte b = _rxFifo.Dequeue();
                _timeoutPending = false;
                FillReceiver();
                RestartTimeout();
                return b;
            case Register.InterruptEnable when dlab:
                return (ulong)(_divisor >> 8);
            case Register.InterruptEnable:
                return (ulong)_ier;
            case Register.InterruptIdentification:
                int iir = Identify();
                // Reading IIR while it reports THRE clears that source.
                if (iir == IirThre)
                    _threPending = false;
                return (ulong)(iir | (FifoEnabled ? IirFifoEnabled : 0));
            case Register.LineControl:
                return (ulong)_lcr;
            case Register.ModemControl:
                return (ulong)_mcr;
            case Register.LineStatus:
                int lsr = _lsr;
                _lsr &= ~LsrErrors;
                return (ulong)lsr;
            case Register.ModemStatus:
                int msr = _msr;
                _msr &= 0xf0;
                return (ulong)msr;
            default:
                return (ulong)_scr;
        }
    }

    public void Write(ulong offset, int size, ulong value)
    {
        int v = (int)(value & 0xff);
        bool dlab = (_lcr & LcrDlab) != 0;
        switch ((Register)offset)
        {
            case Register.Data when dlab:
                _divisor = (_divisor & 0xff00) | v;
                break;
            case Register.Data:
                Transmit((byte)v);
                break;
            case Register.InterruptEnable when dlab:
                _divisor = (_divisor & 0xff) | v << 8;
                break;
            case Register.InterruptEnable:
                // Enabling ETBEI while THR is empty raises the THRE interrupt (Linux probes this).
                if ((v & IerThre) != 0 && (_ier & IerThre) == 0 && (_lsr & LsrThre) != 0)
                    _threPending = true;
                _ier = v & 0x0f;
                break;
            case Register.InterruptIdentification:
                WriteFifoControl(v);
                break;
            case Register.LineControl:
                _lcr = v;
                break;
            case Register.ModemControl:
                bool wasLoop = (_mcr & McrLoop) != 0;
                _mcr = v & 0x1f;
                SetModemInputs(ModemInputs());
                if (wasLoop && (_mcr & McrLoop) == 0)
                    FillReceiver();
                break;
            case Register.LineStatus:
            case Register.ModemStatus:
                break;
            default:
                _scr = v;
                break;
        }
        UpdateInterrupts();
    }

    private bool FifoEnabled => (_fcr & FcrEnable) != 0;

    private bool Loopback => (_mcr & McrLoop) != 0;

    private void WriteFifoControl(int v)
    {
        // Changing FCR0 empties both FIFOs; the other bits only take effect with FCR0 set.
        if (((v ^ _fcr) & FcrEnable) != 0 || (v & FcrClearRx) != 0)
        {
            _rxFifo.Clear();
            _lsr &= ~LsrDr;
            _timeoutPending = false;
            _timeoutTimer.Cancel();
        }
        _fcr = (v & FcrEnable) != 0 ? v & ~(FcrClearRx | FcrClearTx) : 0;
        FillReceiver();
    }

    /// <summary>The shift register empties at once: the byte reaches the backend, or the receiver in loopback.</summary>
    private void Transmit(byte b)
    {
        if (Loopback)
        {
            if (_rxFifo.Count < (FifoEnabled ? FifoSize : 1))
                _rxFifo.Enqueue(b);
            else
                _lsr |= LsrOe;
            _lsr |= LsrDr;
            RestartTimeout();
        }
        else
        {
            _backend?.Write([b]);
        }
        _lsr |= LsrThre | LsrTemt;
        _threPending = true;
    }

    /// <summary>Moves queued backend input into the receiver while it has room (none in loopback).</summary>
    private void FillReceiver()
    {
        int room = FifoEnabled ? FifoSize : 1;
        bool took = false;
        while (!Loopback && _incoming.Count > 0 && _rxFifo.Count < room)
        {
            _rxFifo.Enqueue(_incoming.Dequeue());
            took = true;
        }
        if (_rxFifo.Count > 0)
            _lsr |= LsrDr;
        else
            _lsr &= ~LsrDr;
        if (took)
            RestartTimeout();
    }

    /// <summary>The character timeout: four character times with no FIFO activity and data waiting.</summary>
    private void RestartTimeout()
    {
        if (!FifoEnabled || _rxFifo.Count == 0)
        {
            _timeoutTimer.Cancel();
            return;
        }
        int dataBits = 5 + (_lcr & 3);
        double stopBits = (_lcr & 4) == 0 ? 1 : dataBits == 5 ? 1.5 : 2;
        double bits = 1 + dataBits + ((_lcr & 8) != 0 ? 1 : 0) + stopBits;
        long characterNs = (long)(bits * Math.Max(_divisor, 1) * 16 * 1e9 / BaudClock);
        _timeoutTimer.Arm(_clock.NowNs + 4 * characterNs);
    }

    private void OnCharacterTimeout()
    {
        if (FifoEnabled && _rxFifo.Count > 0)
            _timeoutPending = true;
        UpdateInterrupts();
    }

    /// <summary>CTS, DSR, RI, DCD: looped from RTS, DTR, OUT1, OUT2, or a connected peer (all but RI).</summary>
    private int ModemInputs()
    {
        if (!Loopback)
            return MsrCts | MsrDsr | MsrDcd;
        return ((_mcr & McrRts) != 0 ? MsrCts : 0) | ((_mcr & McrDtr) != 0 ? MsrDsr : 0)
            | ((_mcr & McrOut1) != 0 ? MsrRi : 0) | ((_mcr & McrOut2) != 0 ? MsrDcd : 0);
    }

    /// <summary>Delta bits record changes of CTS, DSR and DCD, and RI's trailing edge (TERI).</summary>
    private void SetModemInputs(int inputs)
    {
        int changed = (_msr ^ inputs) & 0xf0;
        int deltas = (changed >> 4) & 0x0b;
        if ((_msr & MsrRi) != 0 && (inputs & MsrRi) == 0)
            deltas |= MsrTeri;
        _msr = inputs | (_msr & 0x0f) | deltas;
    }

    /// <summary>The highest-priority pending source, as IIR bits 3-0.</summary>
    private int Identify()
    {
        if ((_ier & IerLineStatus) != 0 && (_lsr & LsrErrors) != 0)
            return IirLineStatus;
        if ((_ier & IerRx) != 0)
        {
            if (FifoEnabled ? _rxFifo.Count >= TriggerLevels[_fcr >> 6] : _rxFifo.Count > 0)
                return IirRx;
            if (_timeoutPending)
                return IirTimeout;
        }
        if ((_ier & IerThre) != 0 && _threPending)
            return IirThre;
        if ((_ier & IerModemStatus) != 0 && (_msr & 0x0f) != 0)
            return IirModemStatus;
        return IirNone;
    }

    /// <summary>INTRPT follows IIR; the PC's ISA line sees it only while OUT2 is set and loopback is off.</summary>
    private void UpdateInterrupts()
    {
        bool level = Identify() != IirNone && (_mcr & (McrOut2 | McrLoop)) == McrOut2;
        if (level != InterruptLevel)
        {
            InterruptLevel = level;
            _irq.Set(level);
        }
    }

    void IChardevFrontend.OnOpened()
    {
    }

    void IChardevFrontend.OnClosed()
    {
    }

    void IChardevFrontend.Receive(ReadOnlySpan<byte> data)
    {
        byte[] copy = data.ToArray();
        _runLocked(() =>
        {
            foreach (byte b in copy)
                _incoming.Enqueue(b);
            FillReceiver();
            UpdateInterrupts();
        });
    }
}

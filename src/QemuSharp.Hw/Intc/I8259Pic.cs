using QemuSharp.Common.Irq;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Intc;

/// <summary>
/// The PC's two cascaded Intel 8259A programmable interrupt controllers: the master at 0x20-0x21
/// takes ISA IRQ 0-7, the slave at 0xa0-0xa1 takes IRQ 8-15 and signals the master on IRQ2. The
/// PIIX edge/level control registers (ELCR) at 0x4d0-0x4d1 choose the trigger mode per input.
/// The master's INT output goes to the CPU (LINT0 of the local APIC, in virtual-wire mode).
/// </summary>
public sealed class I8259Pic : IIoHandler
{
    /// <summary>Port offsets within each chip's two-port window (A0 line).</summary>
    public enum Register
    {
        /// <summary>Write: ICW1 (bit 4 set), OCW2 (bits 4-3 = 00) or OCW3 (bits 4-3 = 01); read: IRR, ISR or poll.</summary>
        Command = 0,

        /// <summary>Write: ICW2-ICW4 during initialisation, OCW1 (the mask) after; read: IMR.</summary>
        Data = 1,
    }

    private const int Icw1Init = 0x10;
    private const int Icw1Ic4 = 0x01;
    private const int Icw1Single = 0x02;
    private const int Icw1Ltim = 0x08;
    private const int Ocw3Select = 0x08;
    private const int Ocw3Poll = 0x04;
    private const int Ocw3ReadRegister = 0x02;
    private const int Ocw3SpecialMask = 0x40;

    private readonly Chip _master;
    private readonly Chip _slave;
    private readonly IIrqLine _output;
    private readonly IIrqLine[] _inputs = new IIrqLine[16];

    public I8259Pic(IIrqLine output)
    {
        _output = output;
        _master = new Chip(this, isMaster: true);
        _slave = new Chip(this, isMaster: false);
        for (int i = 0; i < 16; i++)
        {
            int irq = i;
            _inputs[i] = new IrqLine(level => SetIrq(irq, level));
        }
    }

    public IDeviceInfo Master => _master;

    public IDeviceInfo Slave => _slave;

    /// <summary>True while the master drives INT high (an unmasked request beats the one in service).</summary>
    public bool OutputLevel { get; private set; }

    /// <summary>The wire of ISA IRQ <paramref name="irq"/> (0-15) into the controllers.</summary>
    public IIrqLine Input(int irq) => _inputs[irq];

    /// <summary>Maps both chips and the ELCR pair.</summary>
    public void Attach(IoPortSpace io)
    {
        io.Map(0x20, 2, new ByteWideIo(_master), "pic");
        io.Map(0xa0, 2, new ByteWideIo(_slave), "pic");
        io.Map(0x4d0, 1, this, "elcr");
        io.Map(0x4d1, 1, new OffsetIo(this, 1), "elcr");
    }

    public void SetIrq(int irq, bool level)
    {
        Chip chip = irq < 8 ? _master : _slave;
        chip.SetInput(irq & 7, level);
    }

    /// <summary>
    /// The two INTA cycles: the vector of the highest-priority request, with the request moved
    /// from IRR to ISR. With nothing left to deliver (the request went away before INTA), the
    /// chip answers with its IRQ7 vector, and the slave's spurious IRQ15 via the master's IRQ2.
    /// </summary>
    public int Acknowledge()
    {
        int vector;
        int irq = _master.HighestRequest();
        if (irq < 0)
        {
            vector = _master.VectorBase + 7;
        }
        else
        {
            if (irq == 2)
            {
                int slaveIrq = _slave.HighestRequest();
                if (slaveIrq >= 0)
                    _slave.Acknowledge(slaveIrq);
                else
                    slaveIrq = 7;
                vector = _slave.VectorBase + slaveIrq;
            }
            else
            {
                vector = _master.VectorBase + irq;
            }
            _master.Acknowledge(irq);
        }
        UpdateInterrupts();
        return vector;
    }

    /// <summary>The lines of HMP <c>info pic</c>, slave (pic1) first as QEMU lists them.</summary>
    public IEnumerable<string> InfoPic() => [_slave.Describe(1), _master.Describe(0)];

    public void Reset()
    {
        _master.Reset();
        _slave.Reset();
        UpdateInterrupts();
    }

    /// <summary>The slave's INT drives the master's IR2; the master's INT drives the CPU.</summary>
    private void UpdateInterrupts()
    {
        _master.SetInput(2, _slave.HighestRequest() >= 0, propagate: false);
        bool level = _master.HighestRequest() >= 0;
        if (level != OutputLevel)
        {
            OutputLevel = level;
            _output.Set(level);
        }
    }

    ulong IIoHandler.Read(ulong offset, int size) => (offset == 0 ? _master : _slave).Elcr;

    void IIoHandler.Write(ulong offset, int size, ulong value)
    {
        Chip chip = offset == 0 ? _master : _slave;
        chip.Elcr = (byte)(value & chip.ElcrMask);
        UpdateInterrupts();
    }

    private sealed class Chip(I8259Pic pair, bool isMaster) : IIoHandler, IDeviceInfo
    {
        private byte _irr;
        private byte _isr;
        private byte _imr;
        private byte _lastInput;
        private int _lowestPriority = 7;
        private int _initStep;
        private bool _needIcw4;
        private bool _single;
        private bool _levelAll;
        private bool _autoEoi;
        private bool _rotateOnAutoEoi;
        private bool _specialFullyNested;
        private bool _specialMask;
        private bool _poll;
        private bool _readIsr;

        /// <summary>PIIX: IRQ0-2 (master) and IRQ8 and IRQ13 (slave) are always edge-triggered.</summary>
        public byte ElcrMask { get; } = isMaster ? (byte)0xf8 : (byte)0xde;

        public byte Elcr { get; set; }

        public int VectorBase { get; private set; }

        public string TypeName => "isa-i8259";

        public IReadOnlyDictionary<string, string> Properties => new Dictionary<string, string>
        {
            ["iobase"] = isMaster ? "32 (0x20)" : "160 (0xa0)",
            ["elcr_addr"] = isMaster ? "1232 (0x4d0)" : "1233 (0x4d1)",
            ["elcr_mask"] = $"{ElcrMask} (0x{ElcrMask:x})",
            ["master"] = isMaster ? "true" : "false",
        };

        /// <summary>hprio is the IRQ with the highest priority; rr_sel is 1 when OCW3 selected the ISR.</summary>
        public string Describe(int index) =>
            $"pic{index}: irr={_irr:x2} imr={_imr:x2} isr={_isr:x2} hprio={(_lowestPriority + 1) & 7} " +
            $"irq_base={VectorBase:x2} rr_sel={(_readIsr ? 1 : 0)} elcr={Elcr:x2} fnm={(_specialFullyNested ? 1 : 0)}";

        public void Reset()
        {
            Elcr = 0;
            _irr = 0;
            Initialise();
        }

        /// <summary>ICW1 clears everything the init sequence sets, keeping the ELCR and pending levels.</summary>
        private void Initialise()
        {
            _lastInput = 0;
            _irr &= Elcr;
            _isr = 0;
            _imr = 0;
            _lowestPriority = 7;
            VectorBase = 0;
            _initStep = 0;
            _needIcw4 = _single = _levelAll = false;
            _autoEoi = _rotateOnAutoEoi = _specialFullyNested = false;
            _specialMask = _poll = _readIsr = false;
        }

        public void SetInput(int irq, bool level, bool propagate = true)
        {
            byte bit = (byte)(1 << irq);
            if (_levelAll || (Elcr & bit) != 0)
            {
                _irr = level ? (byte)(_irr | bit) : (byte)(_irr & ~bit);
            }
            else if (level && (_lastInput & bit) == 0)
            {
                _irr |= bit;
            }
            _lastInput = level ? (byte)(_lastInput | bit) : (byte)(_lastInput & ~bit);
            if (propagate)
                pair.UpdateInterrupts();
        }

        /// <summary>Position 0 is the highest priority; after a rotation it follows the last IRQ served.</summary>
        private int Priority(byte bits)
        {
            if (bits == 0)
                return 8;
            int p = 0;
            while ((bits & (1 << ((p + _lowestPriority + 1) & 7))) == 0)
                p++;
            return p;
        }

        /// <summary>The IRQ that would be delivered now, or -1.</summary>
        public int HighestRequest()
        {
            int request = Priority((byte)(_irr & ~_imr));
            if (request == 8)
                return -1;
            byte inService = _isr;
            if (_specialMask)
                inService &= (byte)~_imr;
            // Special fully nested mode lets a second slave request through while IR2 is in service.
            if (_specialFullyNested && isMaster)
                inService &= unchecked((byte)~(1 << 2));
            return request < Priority(inService) ? (request + _lowestPriority + 1) & 7 : -1;
        }

        public void Acknowledge(int irq)
        {
            byte bit = (byte)(1 << irq);
            if (_autoEoi)
            {
                if (_rotateOnAutoEoi)
                    _lowestPriority = irq;
            }
            else
            {
                _isr |= bit;
            }
            if (!_levelAll && (Elcr & bit) == 0)
                _irr &= (byte)~bit;
        }

        public ulong Read(ulong offset, int size)
        {
            if (_poll)
            {
                _poll = false;
                int irq = HighestRequest();
                if (irq < 0)
                    return 0;
                Acknowledge(irq);
                pair.UpdateInterrupts();
                return (ulong)(irq | 0x80);
            }
            if (offset == (ulong)Register.Command)
                return _readIsr ? _isr : _irr;
            return _imr;
        }

        public void Write(ulong offset, int size, ulong value)
        {
            int v = (int)(value & 0xff);
            if (offset == (ulong)Register.Command)
                WriteCommand(v);
            else
                WriteData(v);
            pair.UpdateInterrupts();
        }

        private void WriteCommand(int v)
        {
            if ((v & Icw1Init) != 0)
            {
                Initialise();
                _initStep = 1;
                _needIcw4 = (v & Icw1Ic4) != 0;
                _single = (v & Icw1Single) != 0;
                _levelAll = (v & Icw1Ltim) != 0;
                return;
            }
            if ((v & Ocw3Select) != 0)
            {
                _poll = (v & Ocw3Poll) != 0;
                if ((v & Ocw3ReadRegister) != 0)
                    _readIsr = (v & 1) != 0;
                if ((v & Ocw3SpecialMask) != 0)
                    _specialMask = (v & 0x20) != 0;
                return;
            }
            // OCW2: bits 7-5 are R, SL, EOI; bits 2-0 name the level for the specific forms.
            int level = v & 7;
            switch (v >> 5)
            {
                case 0b000:
                case 0b100:
                    _rotateOnAutoEoi = (v >> 7) != 0;
                    break;
                case 0b001:
                case 0b101:
                    int p = Priority(_isr);
                    if (p != 8)
                    {
                        int irq = (p + _lowestPriority + 1) & 7;
                        _isr &= (byte)~(1 << irq);
                        if ((v >> 5) == 0b101)
                            _lowestPriority = irq;
                    }
                    break;
                case 0b011:
                    _isr &= (byte)~(1 << level);
                    break;
                case 0b110:
                    _lowestPriority = level;
                    break;
                case 0b111:
                    _isr &= (byte)~(1 << level);
                    _lowestPriority = level;
                    break;
            }
        }

        private void WriteData(int v)
        {
            switch (_initStep)
            {
                case 0:
                    _imr = (byte)v;
                    break;
                case 1:
                    // ICW2: in 8086 mode the low three bits come from the IRQ number.
                    VectorBase = v & 0xf8;
                    _initStep = _single ? (_needIcw4 ? 3 : 0) : 2;
                    break;
                case 2:
                    // ICW3: the cascade wiring is fixed on a PC (slave on IR2, slave ID 2).
                    _initStep = _needIcw4 ? 3 : 0;
                    break;
                case 3:
                    _specialFullyNested = (v & 0x10) != 0;
                    _autoEoi = (v & 0x02) != 0;
                    _initStep = 0;
                    break;
            }
        }
    }
}

using QemuSharp.Common;
using System.Runtime.InteropServices;
using QemuSharp.Chardev;
using QemuSharp.Common.Options;
using QemuSharp.Monitor;
using QemuSharp.Monitor.Hmp;
using QemuSharp.Monitor.Machine;
using QemuSharp.Monitor.Qmp;

namespace QemuSharp.Cli.System;

/// <summary>
/// Start-up of <c>qemu-system-x86_64</c> after the first pass over the options: chardevs,
/// monitors, pid file, machine, readiness for -daemonize, then the wait for the end.
/// </summary>
internal sealed class SystemEmulator(SystemOptions options, ErrorReporter report)
{
    private static readonly string[] Accelerators = ["kvm", "xen", "hax", "hvf", "nvmm", "whpx", "tcg", "qtest"];
    private static readonly string[] Displays = ["gtk", "sdl", "egl-headless", "curses", "cocoa", "dbus", "spice-app", "vnc"];
    private readonly ChardevRegistry _chardevs = new();
    private readonly ManualResetEventSlim _muxQuit = new();
    private readonly List<(string Location, Action Create)> _monitorPlan = [];
    private int _compatMonitors;
    private int _serials;
    private readonly List<Chardev.Chardev?> _serialChardevs = [];
    private string _machineType = "pc";
    private PosixSignalRegistration[] _signals = [];

    public int Run()
    {
        Validate(out string? name, out Guid uuid);
        var host = new MonitorHost(new EmulatorInfo
        {
            Name = name,
            Uuid = uuid,
            Machines = [PcMachineHost.Info, NoneMachine.Info],
            CommandLineOptions =
            [
                ("chardev", ChardevConfig.Schema), ("mon", SystemOptions.MonSchema), ("name", SystemOptions.NameSchema),
            ],
        }, _chardevs);
        _chardevs.QuitRequested += _muxQuit.Set;
        bool daemon = options.Has("daemonize");
        foreach (var item in options.All("chardev"))
        {
            At(item.Location, () =>
            {
                var opts = QemuOpts.Parse(item.Argument!, "backend", ChardevConfig.Schema);
                var config = ChardevConfig.FromOpts(opts, ChardevConfig.ParseFdNumber);
                CreateChardev(config, daemon);
            });
        }
        PlanLegacyMonitors(host, daemon);
        foreach (var item in options.All("mon"))
        {
            At(item.Location, () =>
            {
                var opts = QemuOpts.Parse(item.Argument!, "chardev", SystemOptions.MonSchema);
                string mode = opts.GetString("mode") ?? "readline";
                if (mode is not ("readline" or "control"))
                    throw new OptionException($"Parameter 'mode' does not accept value '{mode}'");
                bool pretty = opts.GetBool("pretty", false);
                if (pretty && mode == "readline")
                    throw new OptionException("'pretty' is not compatible with HMP monitors");
                string chardevId = opts.GetString("chardev") ?? throw new OptionException("Parameter 'chardev' is missing");
                var chardev = _chardevs.Find(chardevId) ?? throw new OptionException($"chardev \"{chardevId}\" not found");
                AddMonitor(host, chardev, mode == "control", pretty, opts.GetString("id"));
            });
        }
        using var pidFile = options.Last("pidfile") is { } pidPath ? At(null, () => PidFile.Create(pidPath)) : null;
        using var pc = _machineType == "pc" ? PcMachineHost.Create(PcOptions.From(options), _serialChardevs) : null;
        var lifecycle = new VmLifecycle(pc is null ? new NoneMachine() : pc, host, options.Has("no-shutdown"), options.Has("no-reboot"));
        host.Lifecycle = lifecycle;
        pc?.Connect(lifecycle);
        lock (MainLoop.Lock)
            lifecycle.Boot(options.Has("S"));
        foreach (var chardev in _chardevs.All.ToList())
            chardev.Start();
        _signals = CatchSignals(lifecycle);
        Daemonizer.SignalReady();
        WaitHandle.WaitAny([lifecycle.ExitRequested, _muxQuit.WaitHandle]);
        lock (MainLoop.Lock)
        {
            foreach (var chardev in _chardevs.All.ToList())
                chardev.Dispose();
        }
        Terminal.Restore(0);
        foreach (var registration in _signals)
            registration.Dispose();
        return 0;
    }

    private void Validate(out string? name, out Guid uuid)
    {
        if (options.Has("nographic") && options.Has("daemonize"))
            throw new CommandLineException(null, "-nographic cannot be used with -daemonize");
        var ids = new HashSet<string>();
        foreach (var item in options.All("chardev"))
        {
            var opts = At(item.Location, () => QemuOpts.Parse(item.Argument!, "backend", ChardevConfig.Schema, w => report.Warning(item.Location, w)));
            if (opts.GetString("backend") == "help" || opts.HelpWanted)
                throw new HelpShown(opts.GetString("backend") == "help"
                    ? "Available chardev backend types: \n" + string.Concat(ChardevConfig.Backends.Select(b => $"  {b}\n"))
                    : "chardev options:\n" + string.Join("\n", ChardevConfig.Schema.OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => d.HelpLine())) + "\n");
            if (opts.GetString("id") is { } id && !ids.Add(id))
                throw new CommandLineException(item.Location, $"Duplicate ID '{id}' for chardev");
        }
        foreach (var item in options.All("mon"))
            At(item.Location, () => QemuOpts.Parse(item.Argument!, "chardev", SystemOptions.MonSchema));
        ValidateMachine();
        name = null;
        if (options.All("name").LastOrDefault() is { Name: not null } nameItem && nameItem.Argument is { } nameArg)
            name = At(nameItem.Location, () => QemuOpts.Parse(nameArg, "guest", SystemOptions.NameSchema).GetString("guest"));
        uuid = Guid.Empty;
        if (options.All("uuid").LastOrDefault() is { Name: not null } uuidItem)
        {
            if (!Guid.TryParseExact(uuidItem.Argument, "D", out uuid))
                throw new CommandLineException(uuidItem.Location, "failed to parse UUID string: wrong format");
        }
        foreach (var item in options.All("display"))
        {
            string type = At(item.Location, () => QemuOpts.Parse(item.Argument!, "type")).GetString("type") ?? "";
            if (Displays.Contains(type))
                throw new CommandLineException(null, $"Display '{type}' is not available.");
            if (type != "none")
                throw new CommandLineException(item.Location, $"Parameter 'type' does not accept value '{type}'");
        }
    }

    private void ValidateMachine()
    {
        string? type = null;
        string? machineAccel = null;
        foreach (var item in options.All("machine", "M"))
        {
            var opts = At(item.Location, () => QemuOpts.Parse(item.Argument!, "type"));
            if (opts.GetString("type") == "help" || opts.HelpWanted)
                throw new HelpShown(PcMachineHost.HelpText);
            string typeName = opts.GetString("type") ?? type ?? PcMachineHost.TypeName;
            string qomType = typeName == "none" ? "none-machine" : "pc-i440fx-7.2-machine";
            foreach (var pair in opts)
                if (SystemOptions.MachineKeys.All(k => k.Name != pair.Key))
                    throw new CommandLineException(null, $"Property '{qomType}.{pair.Key}' not found");
            type = opts.GetString("type") ?? type;
            machineAccel = opts.GetString("accel") ?? machineAccel;
        }
        type ??= "pc";
        if (type is "pc" or PcMachineHost.TypeName)
            _machineType = "pc";
        else if (type == "none")
            _machineType = "none";
        else
            throw new CommandLineException(null, "unsupported machine type\nUse -machine help to list supported machines");
        var accelItems = options.All("accel").ToList();
        if (accelItems.Count > 0 && machineAccel is not null)
            throw new CommandLineException(null, "The -accel and \"-machine accel=\" options are incompatible");
        List<(string? Location, string Accel)> candidates = accelItems.Count > 0
            ? accelItems.Select(i => ((string?)i.Location, QemuOpts.Parse(i.Argument!, "accel").GetString("accel") ?? "")).ToList()
            : (machineAccel ?? "tcg").Split(':').Select(a => ((string?)null, a)).ToList();
        if (options.Has("enable-kvm"))
            candidates.Insert(0, (null, "kvm"));
        foreach (var (location, accel) in candidates)
        {
            if (!Accelerators.Contains(accel))
                throw new CommandLineException(location, $"invalid accelerator {accel}");
            if (accel == "tcg")
                return;
            report.Error(null, $"failed to initialize {accel}: No such file or directory");
        }
        throw new CommandLineException(null, "no accelerator found");
    }

    private Chardev.Chardev CreateChardev(ChardevConfig config, bool daemon)
    {
        if (daemon && config.Backend == "stdio")
            throw new OptionException("cannot use stdio with -daemonize");
        var chardev = _chardevs.Create(config, start: false);
        var backend = chardev is MuxChardev mux ? mux.Backend : chardev;
        if (backend is PtyChardev pty)
            Console.Error.WriteLine($"char device redirected to {pty.SlavePath} (label {chardev.Id})");
        return chardev;
    }

    private void PlanLegacyMonitors(MonitorHost host, bool daemon)
    {
        bool anyMonitor = options.Has("qmp") || options.Has("qmp-pretty") || options.Has("monitor") || options.Has("mon");
        bool defaults = !options.Has("nodefaults");
        var serials = options.All("serial").ToList();
        // QEMU's -nographic: the first serial port and the monitor share stdio through a mux,
        // unless the command line chose either of them.
        if (options.Has("nographic") && defaults && _machineType == "pc" && serials.Count == 0)
        {
            serials.Add(new ParsedOption("serial", anyMonitor ? "stdio" : "mon:stdio", "-serial"));
            anyMonitor = true;
        }
        foreach (var item in serials)
            At(item.Location, () => _serialChardevs.Add(Legacy(host, item, $"serial{_serials++}", daemon, control: false, pretty: false, monitorOnlyWithMux: true)));
        foreach (var item in options.All("monitor", "qmp", "qmp-pretty"))
        {
            bool control = item.Name != "monitor";
            At(item.Location, () => Legacy(host, item, $"compat_monitor{_compatMonitors++}", daemon, control, item.Name == "qmp-pretty", monitorOnlyWithMux: false));
        }
        if (options.Has("nographic") && !anyMonitor && defaults)
            Legacy(host, new ParsedOption("monitor", "stdio", "-monitor stdio"), $"compat_monitor{_compatMonitors++}", daemon, false, false, false);
    }

    private Chardev.Chardev? Legacy(MonitorHost host, ParsedOption item, string label, bool daemon, bool control, bool pretty, bool monitorOnlyWithMux)
    {
        var spec = LegacyChardev.Parse(item.Argument!, label);
        if (spec is null)
            return null;
        foreach (string w in spec.Warnings)
            report.Warning(item.Location, w);
        Chardev.Chardev chardev = spec.ExistingId is { } id
            ? _chardevs.Find(id) ?? throw new OptionException($"chardev \"{id}\" not found")
            : CreateChardev(spec.Config!, daemon);
        // A guest serial port on the same mux takes the input when the machine attaches it.
        if (!monitorOnlyWithMux || spec.WithMonitor)
            AddMonitor(host, chardev, control, pretty, null, focus: !(monitorOnlyWithMux && _machineType == "pc"));
        return chardev;
    }

    private static void AddMonitor(MonitorHost host, Chardev.Chardev chardev, bool control, bool pretty, string? id, bool focus = true)
    {
        MonitorSession monitor = control
            ? new QmpMonitor(host, chardev, pretty) { Id = id }
            : new HmpMonitor(host, chardev, chardev is MuxChardev) { Id = id };
        lock (MainLoop.Lock)
            host.AddMonitor(monitor);
        if (focus && chardev is MuxChardev mux)
            mux.FocusFirst();
    }

    private PosixSignalRegistration[] CatchSignals(VmLifecycle lifecycle)
    {
        void Handle(PosixSignalContext context, int number)
        {
            context.Cancel = true;
            lock (MainLoop.Lock)
            {
                report.Error(null, $"terminating on signal {number}");
                lifecycle.RequestShutdown(ShutdownCause.HostSignal);
            }
        }
        return
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Handle(c, 15)),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Handle(c, 2)),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => Handle(c, 1)),
        ];
    }

    private static T At<T>(string? location, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (OptionException e)
        {
            throw new CommandLineException(location, e.Message);
        }
    }

    private static void At(string? location, Action action) => At(location, () =>
    {
        action();
        return 0;
    });
}

/// <summary>A help text was asked for (<c>-chardev help</c>, <c>-M help</c>): print it, exit 0.</summary>
internal sealed class HelpShown(string text) : Exception(text);

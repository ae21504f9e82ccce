using QemuSharp.Common.Options;

namespace QemuSharp.Cli.System;

/// <summary>The system emulator's command line, read in one pass as QEMU's first pass does.</summary>
internal sealed class SystemOptions
{
    private static readonly string[] Flags =
    [
        "S", "no-shutdown", "no-reboot", "nodefaults", "no-user-config", "nographic", "daemonize",
        "version", "h", "help", "enable-kvm", "no-acpi", "no-hpet", "snapshot",
    ];

    private static readonly string[] WithArgument =
    [
        "machine", "M", "accel", "name", "uuid", "display", "pidfile", "chardev", "mon", "qmp", "qmp-pretty",
        "monitor", "serial", "m", "smp", "cpu", "rtc", "boot", "msg", "sandbox", "overcommit", "vga",
        "kernel", "initrd", "append", "d", "D",
    ];

    public static readonly CommandLineOption[] Table =
        [.. Flags.Select(f => new CommandLineOption(f, false)), .. WithArgument.Select(a => new CommandLineOption(a, true))];

    public static readonly QemuOptDesc[] MonSchema =
    [
        new("mode", QemuOptType.String), new("chardev", QemuOptType.String), new("pretty", QemuOptType.Bool),
    ];

    public static readonly QemuOptDesc[] NameSchema =
    [
        new("guest", QemuOptType.String, "Sets the name of the guest.\nThis name will be displayed in the SDL window caption.\nThe name will also be used for the websocket, monitor, and logging messages"),
        new("process", QemuOptType.String, "Sets the name of the QEMU process, as shown in top etc"),
        new("debug-threads", QemuOptType.Bool, "When enabled, name the individual threads; defaults off.\nNOTE: The thread names are for debugging and not a\nstable API."),
    ];

    public static readonly QemuOptDesc[] MachineKeys =
    [
        new("type", QemuOptType.String), new("accel", QemuOptType.String), new("usb", QemuOptType.Bool),
        new("dump-guest-core", QemuOptType.Bool), new("mem-merge", QemuOptType.Bool), new("memory-backend", QemuOptType.String),
        new("graphics", QemuOptType.Bool), new("suppress-vmdesc", QemuOptType.Bool),
    ];

    public IReadOnlyList<ParsedOption> Items { get; private init; } = [];

    public bool Has(string name) => Items.Any(i => i.Name == name);

    public string? Last(string name) => Items.LastOrDefault(i => i.Name == name).Argument;

    public IEnumerable<ParsedOption> All(params string[] names) => Items.Where(i => names.Contains(i.Name));

    public static SystemOptions Parse(string[] args) => new() { Items = CommandLine.Split(args, Table) };
}

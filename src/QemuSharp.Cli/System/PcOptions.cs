using QemuSharp.Common.Options;

namespace QemuSharp.Cli.System;

/// <summary>What the PC machine takes from the command line: memory, CPUs and direct kernel boot.</summary>
internal sealed record PcOptions(ulong RamSize, int Cpus, string? Kernel, string? Initrd, string? Append, IReadOnlyList<string> LogItems, string? LogFile)
{
    /// <summary>QEMU's default RAM size for x86 machines: 128 MiB.</summary>
    public const ulong DefaultRamSize = 128UL << 20;

    public static readonly QemuOptDesc[] MemorySchema =
    [
        new("size", QemuOptType.String), new("slots", QemuOptType.Number), new("maxmem", QemuOptType.Size),
    ];

    public static readonly QemuOptDesc[] SmpSchema =
    [
        new("cpus", QemuOptType.Number), new("maxcpus", QemuOptType.Number), new("sockets", QemuOptType.Number),
        new("dies", QemuOptType.Number), new("cores", QemuOptType.Number), new("threads", QemuOptType.Number),
    ];

    public static PcOptions From(SystemOptions options)
    {
        ulong ram = DefaultRamSize;
        foreach (var item in options.All("m"))
            ram = At(item, () => ParseMemory(item.Argument!));
        int cpus = 1;
        foreach (var item in options.All("smp"))
            cpus = At(item, () => ParseSmp(item.Argument!));
        string? kernel = options.Last("kernel");
        string? initrd = options.Last("initrd");
        string? append = options.Last("append");
        if (kernel is null && append is not null)
            throw new CommandLineException(null, "-append only allowed with -kernel option");
        if (kernel is null && initrd is not null)
            throw new CommandLineException(null, "-initrd only allowed with -kernel option");
        string[] log = [.. options.All("d").SelectMany(i => i.Argument!.Split(','))];
        return new PcOptions(ram, cpus, kernel, initrd, append, log, options.Last("D"));
    }

    /// <summary>A bare number is in MiB, as QEMU's <c>-m</c> reads it; RAM is rounded up to 8 KiB as QEMU does.</summary>
    private static ulong ParseMemory(string text)
    {
        var opts = QemuOpts.Parse(text, "size", MemorySchema);
        string? size = opts.GetString("size");
        if (size is null)
            return DefaultRamSize;
        ulong bytes = size.All(char.IsAsciiDigit) && size.Length > 0
            ? QemuValueParser.ParseNumber("size", size) << 20
            : QemuValueParser.ParseSize("size", size);
        if (bytes == 0)
            return DefaultRamSize;
        return (bytes + 8191) & ~8191UL;
    }

    private static int ParseSmp(string text)
    {
        var opts = QemuOpts.Parse(text, "cpus", SmpSchema);
        ulong cpus = opts.GetString("cpus") is { } c ? QemuValueParser.ParseNumber("cpus", c) : 1;
        if (cpus > 255)
            throw new OptionException($"Invalid SMP CPUs {cpus}. The max CPUs supported by machine 'pc-i440fx-7.2' is 255");
        if (cpus > 1)
            throw new OptionException($"Invalid SMP CPUs {cpus}. QemuSharp's pc machine runs 1 CPU for now");
        return 1;
    }

    private static T At<T>(ParsedOption item, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (OptionException e)
        {
            throw new CommandLineException(item.Location, e.Message);
        }
    }
}

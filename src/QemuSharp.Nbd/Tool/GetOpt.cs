namespace QemuSharp.Nbd.Tool;

/// <summary>
/// GNU getopt_long as qemu-nbd uses it: options may follow operands, "-rt" groups flags,
/// "-xname" and "--name=value" carry arguments, unambiguous long prefixes are accepted,
/// "--" ends the options.
/// </summary>
internal sealed class GetOpt(string shortSpec, IReadOnlyDictionary<string, bool> longOptions)
{
    public (List<(string Name, string? Arg)> Options, List<string> Operands) Parse(IReadOnlyList<string> args)
    {
        var options = new List<(string, string?)>();
        var operands = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a == "--")
            {
                operands.AddRange(args.Skip(i + 1));
                break;
            }
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                string name = a[2..];
                string? value = null;
                int eq = name.IndexOf('=');
                if (eq >= 0)
                {
                    value = name[(eq + 1)..];
                    name = name[..eq];
                }
                name = LongName(name, a);
                bool hasArg = longOptions[name];
                if (hasArg && value == null)
                {
                    if (++i >= args.Count)
                        throw new UsageException($"option '--{name}' requires an argument");
                    value = args[i];
                }
                else if (!hasArg && value != null)
                {
                    throw new UsageException($"option '--{name}' doesn't allow an argument");
                }
                options.Add((name, value));
                continue;
            }
            if (a.Length < 2 || a[0] != '-')
            {
                operands.Add(a);
                continue;
            }
            for (int j = 1; j < a.Length; j++)
            {
                char c = a[j];
                int at = shortSpec.IndexOf(c);
                if (at < 0 || c == ':')
                    throw new UsageException($"invalid option -- '{c}'");
                if (at + 1 >= shortSpec.Length || shortSpec[at + 1] != ':')
                {
                    options.Add((c.ToString(), null));
                    continue;
                }
                string? value = j + 1 < a.Length ? a[(j + 1)..] : (++i < args.Count ? args[i] : null);
                options.Add((c.ToString(), value ?? throw new UsageException($"option requires an argument -- '{c}'")));
                break;
            }
        }
        return (options, operands);
    }

    private string LongName(string name, string arg)
    {
        if (longOptions.ContainsKey(name))
            return name;
        var matches = longOptions.Keys.Where(k => k.StartsWith(name, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new UsageException($"unrecognized option '{arg}'"),
            _ => throw new UsageException($"option '{arg}' is ambiguous"),
        };
    }
}

/// <summary>A command-line mistake; qemu-nbd prints it and "Try `qemu-nbd --help' ...".</summary>
internal sealed class UsageException(string message, bool fromGetOpt = true) : Exception(message)
{
    /// <summary>getopt's own complaints; qemu-nbd then prefixes its "Try" line with the program name.</summary>
    public bool FromGetOpt { get; } = fromGetOpt;
}

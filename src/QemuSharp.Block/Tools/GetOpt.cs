namespace QemuSharp.Block.Tools;

/// <summary>
/// GNU getopt_long as qemu-img uses it: options may follow operands, "-abc" groups flags,
/// "-ovalue" and "--name=value" carry arguments, "--" ends the options.
/// </summary>
internal sealed class GetOpt
{
    private readonly Dictionary<char, bool> _short = [];
    private readonly Dictionary<string, (string Key, bool HasArg)> _long;

    /// <param name="shortSpec">Letters, each followed by ':' when it takes an argument.</param>
    /// <param name="longOptions">Long name to (key reported, takes argument).</param>
    public GetOpt(string shortSpec, Dictionary<string, (string Key, bool HasArg)>? longOptions = null)
    {
        for (int i = 0; i < shortSpec.Length; i++)
        {
            if (shortSpec[i] == ':')
                continue;
            _short[shortSpec[i]] = i + 1 < shortSpec.Length && shortSpec[i + 1] == ':';
        }
        _long = longOptions ?? [];
    }

    /// <summary>Options in order as (key, argument) and the operands.</summary>
    public (List<(string Key, string? Arg)> Options, List<string> Operands) Parse(IReadOnlyList<string> args)
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
                if (!_long.TryGetValue(name, out var spec))
                    throw new UsageException($"unrecognized option '{a}'");
                if (spec.HasArg && value == null)
                {
                    if (++i >= args.Count)
                        throw new UsageException($"option '--{name}' requires an argument");
                    value = args[i];
                }
                else if (!spec.HasArg && value != null)
                {
                    throw new UsageException($"option '--{name}' doesn't allow an argument");
                }
                options.Add((spec.Key, value));
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
                if (!_short.TryGetValue(c, out bool hasArg))
                    throw new UsageException($"invalid option -- '{c}'");
                if (!hasArg)
                {
                    options.Add((c.ToString(), null));
                    continue;
                }
                string? value = j + 1 < a.Length ? a[(j + 1)..] : (++i < args.Count ? args[i] : null);
                if (value == null)
                    throw new UsageException($"option requires an argument -- '{c}'");
                options.Add((c.ToString(), value));
                break;
            }
        }
        return (options, operands);
    }
}

/// <summary>A command-line mistake; qemu-img prints it and "Try 'qemu-img --help' ...".</summary>
internal sealed class UsageException(string message) : Exception(message);

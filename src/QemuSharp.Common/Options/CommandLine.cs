namespace QemuSharp.Common.Options;

/// <summary>One option a program accepts: <c>-name</c>, with or without a following argument.</summary>
public sealed record CommandLineOption(string Name, bool HasArgument);

/// <summary>
/// One item of a split command line. <see cref="Name"/> is empty for a positional argument
/// (QEMU treats it as a disk image). <see cref="Location"/> is how QEMU names the item in an
/// error: <c>-chardev socket,id=x</c>.
/// </summary>
public readonly record struct ParsedOption(string Name, string? Argument, string Location);

/// <summary>A command-line error: printed as <c>program: location: message</c>, exit status 1.</summary>
public sealed class CommandLineException(string? location, string message) : Exception(message)
{
    public string? Location { get; } = location;
}

/// <summary>
/// QEMU's system-emulator option syntax: options start with one or two dashes, an option that
/// takes an argument consumes the next word whole, and anything not starting with a dash is
/// a positional argument.
/// </summary>
public static class CommandLine
{
    public static IReadOnlyList<ParsedOption> Split(IReadOnlyList<string> args, IEnumerable<CommandLineOption> table)
    {
        var byName = table.ToDictionary(o => o.Name);
        var result = new List<ParsedOption>();
        for (int i = 0; i < args.Count; i++)
        {
            string word = args[i];
            if (word.Length < 2 || word[0] != '-')
            {
                result.Add(new ParsedOption("", word, word));
                continue;
            }
            string name = word.StartsWith("--", StringComparison.Ordinal) ? word[2..] : word[1..];
            if (!byName.TryGetValue(name, out var option))
                throw new CommandLineException(word, "invalid option");
            if (!option.HasArgument)
            {
                result.Add(new ParsedOption(name, null, word));
                continue;
            }
            if (i + 1 >= args.Count)
                throw new CommandLineException(word, "requires an argument");
            string argument = args[++i];
            result.Add(new ParsedOption(name, argument, $"{word} {argument}"));
        }
        return result;
    }
}

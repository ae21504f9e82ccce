using System.Collections;
using System.Text;

namespace QemuSharp.Common.Options;

/// <summary>
/// One parsed <c>[implied,]key=value,...</c> option list as QEMU reads it: <c>,,</c> is a literal
/// comma, the first item without <c>=</c> belongs to the implied key, a later bare <c>key</c>
/// means <c>key=on</c> and <c>nokey</c> means <c>key=off</c> (deprecated, with a warning).
/// Items keep their order; when a key repeats, the last one wins.
/// </summary>
public sealed class QemuOpts : IReadOnlyList<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _items = [];
    private readonly List<string> _warnings = [];

    private QemuOpts()
    {
    }

    /// <summary>Deprecation warnings met while parsing, each "text\nadvice".</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>True when a bare <c>help</c> or <c>?</c> item was given.</summary>
    public bool HelpWanted { get; private set; }

    public int Count => _items.Count;

    public KeyValuePair<string, string> this[int index] => _items[index];

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Splits <paramref name="text"/>. With <paramref name="schema"/>, each item is checked in
    /// order as QEMU does: an unknown key gives "Invalid parameter 'k'", a bad value its
    /// type's message. A well-formed <c>id</c> is required when present.
    /// <paramref name="onWarning"/> hears each deprecation warning as it is met, before any
    /// later error (QEMU prints them in that order).
    /// </summary>
    public static QemuOpts Parse(string text, string? impliedKey, IEnumerable<QemuOptDesc>? schema = null, Action<string>? onWarning = null)
    {
        var opts = new QemuOpts();
        Dictionary<string, QemuOptDesc>? known = schema?.ToDictionary(d => d.Name);
        int pos = 0;
        bool first = true;
        while (pos < text.Length)
        {
            int nameEnd = pos;
            while (nameEnd < text.Length && text[nameEnd] != '=' && text[nameEnd] != ',')
                nameEnd++;
            string name;
            string value;
            if (nameEnd < text.Length && text[nameEnd] == '=')
            {
                name = text[pos..nameEnd];
                pos = ReadValue(text, nameEnd + 1, out value);
            }
            else if (first && impliedKey is not null)
            {
                name = impliedKey;
                pos = ReadValue(text, pos, out value);
            }
            else
            {
                string flag = text[pos..nameEnd];
                pos = nameEnd < text.Length ? nameEnd + 1 : nameEnd;
                bool negated = flag.StartsWith("no", StringComparison.Ordinal);
                name = negated ? flag[2..] : flag;
                value = negated ? "off" : "on";
                if (flag is "help" or "?")
                {
                    opts.HelpWanted = true;
                    first = false;
                    continue;
                }
                string warning = $"short-form boolean option '{flag}' deprecated\nPlease use {name}={value} instead";
                opts._warnings.Add(warning);
                onWarning?.Invoke(warning);
            }
            first = false;
            if (known is not null)
                Check(known, name, value);
            opts._items.Add(new(name, value));
        }
        return opts;
    }

    private static void Check(Dictionary<string, QemuOptDesc> known, string name, string value)
    {
        if (name == "id")
        {
            if (!IsWellFormedId(value))
                throw new OptionException("Parameter 'id' expects an identifier\nIdentifiers consist of letters, digits, '-', '.', '_', starting with a letter.");
            return;
        }
        if (!known.TryGetValue(name, out var desc))
            throw new OptionException($"Invalid parameter '{name}'");
        switch (desc.Type)
        {
            case QemuOptType.Bool:
                QemuValueParser.ParseBool(name, value);
                break;
            case QemuOptType.Number:
                QemuValueParser.ParseNumber(name, value);
                break;
            case QemuOptType.Size:
                QemuValueParser.ParseSize(name, value);
                break;
        }
    }

    /// <summary>QEMU's identifier rule: a letter, then letters, digits, '-', '.' or '_'.</summary>
    public static bool IsWellFormedId(string id) =>
        id.Length > 0 && char.IsAsciiLetter(id[0]) && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');

    private static int ReadValue(string text, int pos, out string value)
    {
        var sb = new StringBuilder();
        while (pos < text.Length)
        {
            if (text[pos] == ',')
            {
                if (pos + 1 < text.Length && text[pos + 1] == ',')
                {
                    sb.Append(',');
                    pos += 2;
                    continue;
                }
                pos++;
                break;
            }
            sb.Append(text[pos++]);
        }
        value = sb.ToString();
        return pos;
    }

    /// <summary>Throws QEMU's "Invalid parameter 'k'" for the first key not in <paramref name="known"/>.</summary>
    public void RejectUnknown(IEnumerable<string> known)
    {
        var set = known as ISet<string> ?? new HashSet<string>(known);
        foreach (var item in _items)
            if (!set.Contains(item.Key))
                throw new OptionException($"Invalid parameter '{item.Key}'");
    }

    public bool Has(string key) => _items.Any(i => i.Key == key);

    /// <summary>The last value given for <paramref name="key"/>, or null.</summary>
    public string? GetString(string key)
    {
        for (int i = _items.Count - 1; i >= 0; i--)
            if (_items[i].Key == key)
                return _items[i].Value;
        return null;
    }

    public bool? GetBool(string key) =>
        GetString(key) is { } v ? QemuValueParser.ParseBool(key, v) : null;

    public bool GetBool(string key, bool defaultValue) => GetBool(key) ?? defaultValue;

    public ulong? GetNumber(string key) =>
        GetString(key) is { } v ? QemuValueParser.ParseNumber(key, v) : null;

    public ulong? GetSize(string key) =>
        GetString(key) is { } v ? QemuValueParser.ParseSize(key, v) : null;

    /// <summary>Adds or replaces <paramref name="key"/> (used when legacy forms are translated).</summary>
    public void Set(string key, string value)
    {
        _items.RemoveAll(i => i.Key == key);
        _items.Add(new(key, value));
    }

    /// <summary>The list written back in QEMU's syntax, commas in values doubled.</summary>
    public override string ToString() =>
        string.Join(",", _items.Select(i => $"{i.Key}={i.Value.Replace(",", ",,")}"));
}

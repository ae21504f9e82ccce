using System.Text;

namespace QemuSharp.Monitor.Json;

/// <summary>
/// Cuts QMP input (a stream of JSON values with no separator) into whole values, as QEMU's
/// JSON streamer does. Single-quoted strings are rewritten as double-quoted ones. A lexical
/// error (a control character other than TAB, CR, LF outside a string, any control character
/// inside one, invalid UTF-8) gives "stray 'TOKEN'" and throws away the partial value; the
/// limits are QEMU's (64 MiB, 2 Mi tokens, 1024 levels of nesting).
/// </summary>
public sealed class JsonStreamSplitter
{
    public const long MaxSize = 64L << 20;
    public const long MaxTokens = 2L << 20;
    public const int MaxNesting = 1024;

    private readonly StringBuilder _current = new();
    private readonly StringBuilder _rawString = new();
    private readonly Decoder _utf8 = new UTF8Encoding(false, false).GetDecoder();
    private int _depth;
    private char _quote;
    private bool _escape;
    private bool _inScalar;
    private long _tokens;
    private string? _failure;

    /// <summary>A complete value's text, or a parse error's message (<see cref="Item.Error"/>).</summary>
    public readonly record struct Item(string? Json, string? Error);

    public IEnumerable<Item> Feed(ReadOnlySpan<byte> data)
    {
        var items = new List<Item>();
        var chars = new char[_utf8.GetCharCount(data, false)];
        _utf8.GetChars(data, chars, false);
        foreach (char c in chars)
            Step(c, items);
        return items;
    }

    private void Step(char c, List<Item> items)
    {
        if (_quote != '\0')
        {
            if (c < 0x20 || c == '\uFFFD')
            {
                Stray(items, _rawString.Append(c).ToString());
                return;
            }
            _rawString.Append(c);
            StepInString(c);
            Check(items);
            return;
        }
        if (_inScalar && (char.IsWhiteSpace(c) || c is '{' or '}' or '[' or ']' or ',' or ':' or '"' or '\''))
        {
            _inScalar = false;
            if (_depth == 0)
                Emit(items);
        }
        if (c < 0x20 && c is not ('\t' or '\r' or '\n') || c == '\uFFFD')
        {
            Stray(items, c.ToString());
            return;
        }
        switch (c)
        {
            case ' ' or '\t' or '\r' or '\n':
                if (_depth > 0)
                    _current.Append(c);
                return;
            case '"' or '\'':
                _quote = c;
                _rawString.Clear().Append(c);
                _tokens++;
                _current.Append('"');
                return;
            case '{' or '[':
                _depth++;
                _tokens++;
                _current.Append(c);
                if (_depth > MaxNesting)
                    _failure ??= "JSON nesting depth limit exceeded";
                break;
            case '}' or ']':
                _depth--;
                _tokens++;
                _current.Append(c);
                if (_depth <= 0)
                {
                    Emit(items);
                    return;
                }
                break;
            case ',' or ':':
                _tokens++;
                _current.Append(c);
                break;
            default:
                if (!_inScalar)
                    _tokens++;
                _inScalar = true;
                _current.Append(c);
                break;
        }
        Check(items);
    }

    private void StepInString(char c)
    {
        if (_escape)
        {
            _escape = false;
            _current.Append(c == '\'' ? "'" : "\\" + c);
            return;
        }
        if (c == '\\')
        {
            _escape = true;
            return;
        }
        if (c == _quote)
        {
            _quote = '\0';
            _current.Append('"');
            if (_depth == 0)
                _inScalar = true;
            return;
        }
        if (c == '"')
            _current.Append("\\\"");
        else
            _current.Append(c);
    }

    private void Check(List<Item> items)
    {
        if (_current.Length > MaxSize)
            _failure ??= "JSON token size limit exceeded";
        else if (_tokens > MaxTokens)
            _failure ??= "JSON token count limit exceeded";
        if (_failure is not null && _depth > 0)
        {
            _current.Clear();
        }
        if (_failure is not null && _quote == '\0' && _depth <= 0)
            Emit(items);
    }

    private void Stray(List<Item> items, string token)
    {
        items.Add(new Item(null, $"JSON parse error, stray '{token}'"));
        Reset();
    }

    private void Emit(List<Item> items)
    {
        if (_failure is not null)
            items.Add(new Item(null, _failure));
        else if (_depth < 0)
            items.Add(new Item(null, "JSON parse error, expecting value"));
        else if (_current.Length > 0)
            items.Add(new Item(_current.ToString(), null));
        Reset();
    }

    private void Reset()
    {
        _current.Clear();
        _depth = 0;
        _quote = '\0';
        _escape = false;
        _inScalar = false;
        _tokens = 0;
        _failure = null;
    }
}

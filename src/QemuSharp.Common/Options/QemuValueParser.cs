using System.Globalization;

namespace QemuSharp.Common.Options;

/// <summary>QEMU's parsers for boolean, number and size option values, with its error texts.</summary>
public static class QemuValueParser
{
    private const string SizeHint =
        "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\nand exabytes, respectively.";

    /// <summary>on/yes/true/y and off/no/false/n, as QEMU's <c>qapi_bool_parse</c>.</summary>
    public static bool TryParseBool(string value, out bool result)
    {
        switch (value)
        {
            case "on" or "yes" or "true" or "y":
                result = true;
                return true;
            case "off" or "no" or "false" or "n":
                result = false;
                return true;
            default:
                result = false;
                return false;
        }
    }

    public static bool ParseBool(string name, string value) =>
        TryParseBool(value, out bool b) ? b : throw new OptionException($"Parameter '{name}' expects 'on' or 'off'");

    /// <summary>An unsigned number in C notation (decimal, 0x hex, 0 octal), as QEMU's <c>qemu_strtou64</c>.</summary>
    public static ulong ParseNumber(string name, string value)
    {
        return TryParseUnsigned(value, out ulong n, out bool overflow)
            ? n
            : throw new OptionException(overflow
                ? $"Value '{value}' is too large for parameter '{name}'"
                : $"Parameter '{name}' expects a number");
    }

    /// <summary>
    /// A byte count with an optional suffix B, k/K, M/m, G/g, T/t, P/p, E/e (powers of 1024), and
    /// a decimal fraction only when a suffix other than B follows, as QEMU's <c>qemu_strtosz</c>.
    /// </summary>
    public static ulong ParseSize(string name, string value)
    {
        var r = TryParseSize(value, out ulong size);
        return r switch
        {
            SizeResult.Ok => size,
            SizeResult.OutOfRange => throw new OptionException($"Value '{value}' is out of range for parameter '{name}'"),
            _ => throw new OptionException($"Parameter '{name}' expects a non-negative number below 2^64\n{SizeHint}"),
        };
    }

    public enum SizeResult
    {
        Ok,
        Invalid,
        OutOfRange,
    }

    public static SizeResult TryParseSize(string value, out ulong size)
    {
        size = 0;
        int i = 0;
        while (i < value.Length && char.IsAsciiDigit(value[i]))
            i++;
        if (i == 0)
            return SizeResult.Invalid;
        bool hex = i == 1 && value[0] == '0' && value.Length > 2 && (value[1] is 'x' or 'X');
        string integer;
        string fraction = "";
        if (hex)
        {
            i = 2;
            while (i < value.Length && char.IsAsciiHexDigit(value[i]))
                i++;
            integer = value[..i];
        }
        else
        {
            integer = value[..i];
            if (i < value.Length && value[i] == '.')
            {
                int start = ++i;
                while (i < value.Length && char.IsAsciiDigit(value[i]))
                    i++;
                fraction = value[start..i];
                if (fraction.Length == 0)
                    return SizeResult.Invalid;
            }
        }
        string suffix = value[i..];
        int shift;
        switch (suffix)
        {
            case "":
            case "B" or "b":
                shift = 0;
                break;
            case "K" or "k":
                shift = 10;
                break;
            case "M" or "m":
                shift = 20;
                break;
            case "G" or "g":
                shift = 30;
                break;
            case "T" or "t":
                shift = 40;
                break;
            case "P" or "p":
                shift = 50;
                break;
            case "E" or "e":
                shift = 60;
                break;
            default:
                return SizeResult.Invalid;
        }
        if (fraction.Length > 0 && shift == 0)
            return SizeResult.Invalid;
        if (hex && fraction.Length > 0)
            return SizeResult.Invalid;
        if (!TryParseUnsigned(integer, out ulong whole, out bool overflow))
            return overflow ? SizeResult.OutOfRange : SizeResult.Invalid;
        UInt128 total = (UInt128)whole << shift;
        if (fraction.Length > 0)
        {
            decimal frac = decimal.Parse("0." + fraction, CultureInfo.InvariantCulture);
            total += (UInt128)(ulong)decimal.Truncate(frac * (decimal)Math.Pow(2, shift));
        }
        if (total > ulong.MaxValue)
            return SizeResult.OutOfRange;
        size = (ulong)total;
        return SizeResult.Ok;
    }

    private static bool TryParseUnsigned(string value, out ulong result, out bool overflow)
    {
        result = 0;
        overflow = false;
        string s = value;
        bool negative = false;
        if (s.StartsWith('-'))
        {
            negative = true;
            s = s[1..];
        }
        else if (s.StartsWith('+'))
        {
            s = s[1..];
        }
        int radix = 10;
        if (s.Length > 2 && s[0] == '0' && (s[1] is 'x' or 'X'))
        {
            radix = 16;
            s = s[2..];
        }
        else if (s.Length > 1 && s[0] == '0')
        {
            radix = 8;
            s = s[1..];
        }
        if (s.Length == 0)
            return false;
        UInt128 acc = 0;
        foreach (char c in s)
        {
            int digit = char.IsAsciiDigit(c) ? c - '0'
                : c is >= 'a' and <= 'f' ? c - 'a' + 10
                : c is >= 'A' and <= 'F' ? c - 'A' + 10
                : 99;
            if (digit >= radix)
                return false;
            acc = acc * (uint)radix + (uint)digit;
            if (acc > ulong.MaxValue)
            {
                overflow = true;
                return false;
            }
        }
        result = negative ? unchecked(0 - (ulong)acc) : (ulong)acc;
        return true;
    }
}

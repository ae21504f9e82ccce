using System.Globalization;

namespace QemuSharp.Block.Tools;

/// <summary>QEMU's size syntax (k, M, G, T, P, E; powers of 1024) and its human size text.</summary>
internal static class Sizes
{
    /// <summary>Parses "10G", "512", "1.5M"; a bare number is bytes (or <paramref name="defaultUnit"/>).</summary>
    public static bool TryParse(string text, out long value, char defaultUnit = 'B')
    {
        value = 0;
        if (string.IsNullOrEmpty(text))
            return false;
        int end = 0;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] == '.'))
            end++;
        if (end == 0 || !double.TryParse(text[..end], NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
            return false;
        string suffix = text[end..];
        char unit = suffix.Length == 0 ? defaultUnit : suffix.Length == 1 ? suffix[0] : '?';
        int shift = char.ToLowerInvariant(unit) switch
        {
            'b' => 0,
            'k' => 10,
            'm' => 20,
            'g' => 30,
            't' => 40,
            'p' => 50,
            'e' => 60,
            _ => -1,
        };
        if (shift < 0)
            return false;
        double bytes = number * Math.Pow(2, shift);
        if (bytes >= 9.2e18 || (text.Contains('.') && shift == 0))
            return false;
        value = (long)bytes;
        return true;
    }

    /// <summary>QEMU's size_to_str: three significant digits and a binary prefix.</summary>
    public static string Human(long bytes)
    {
        double val = bytes;
        int exponent = val == 0 ? 0 : (int)Math.Floor(Math.Log2(val / (1000.0 / 1024.0))) + 1;
        int i = Math.Max(0, (exponent - 1) / 10);
        string[] suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
        i = Math.Min(i, suffixes.Length - 1);
        return FormatG3(val / Math.Pow(2, i * 10)) + " " + suffixes[i] + "B";
    }

    /// <summary>C's "%0.3g".</summary>
    public static string FormatG3(double value)
    {
        if (value == 0)
            return "0";
        string s = value.ToString("G3", CultureInfo.InvariantCulture);
        if (s.Contains('E'))
        {
            int e = s.IndexOf('E');
            int exp = int.Parse(s[(e + 1)..], CultureInfo.InvariantCulture);
            s = s[..e] + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        }
        return s;
    }
}

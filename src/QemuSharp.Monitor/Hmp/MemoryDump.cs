using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using QemuSharp.Monitor.Machine;

namespace QemuSharp.Monitor.Hmp;

/// <summary>
/// HMP's <c>x /fmt addr</c> and <c>xp /fmt addr</c>: /[count][format][size] with formats x, d, u,
/// o, c and sizes b, h, w, g (default /1xw), 16 bytes a line (8 for bytes), as QEMU prints them.
/// </summary>
internal static class MemoryDump
{
    public static string Run(IMachineInspection machine, string? arg, bool physical)
    {
        string text = (arg ?? "").Trim();
        int count = 1, size = 4;
        char format = 'x';
        if (text.StartsWith('/'))
        {
            int end = text.IndexOfAny([' ', '\t']);
            string spec = end < 0 ? text[1..] : text[1..end];
            text = end < 0 ? "" : text[end..].Trim();
            int digits = 0;
            while (digits < spec.Length && char.IsAsciiDigit(spec[digits]))
                digits++;
            // A count too large to read is refused rather than allowed to overflow.
            if (digits > 0 && (!int.TryParse(spec[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out count) || count > 1 << 20))
                return $"invalid count in format: '{spec[..digits]}'\r\n";
            foreach (char c in spec[digits..])
            {
                switch (c)
                {
                    case 'x' or 'd' or 'u' or 'o' or 'c': format = c; break;
                    case 'b': size = 1; break;
                    case 'h': size = 2; break;
                    case 'w': size = 4; break;
                    case 'g': size = 8; break;
                    default: return $"invalid char in format: '{c}'\r\n";
                }
            }
        }
        if (text.Length == 0)
            return "Parameter 'addr' is missing\r\n";
        if (!TryParseAddress(text, out ulong address))
            return $"invalid char '{text[0]}' in expression\r\n";
        if (format == 'c')
            size = 1;
        int digitsWide = format switch
        {
            'o' => (size * 8 + 2) / 3,
            'u' or 'd' => (size * 8 * 10 + 32) / 33,
            _ => size * 2,
        };
        int lineSize = size == 1 ? 8 : 16;
        var sb = new StringBuilder();
        int length = size * count;
        var buffer = new byte[lineSize];
        while (length > 0)
        {
            int n = Math.Min(length, lineSize);
            bool ok = physical ? machine.ReadPhysical(address, buffer.AsSpan(0, n)) : machine.ReadVirtual(address, buffer.AsSpan(0, n));
            if (!ok)
                return sb.Append($"Cannot access memory\r\n").ToString();
            sb.Append(address.ToString("x16")).Append(':');
            for (int i = 0; i < n; i += size)
            {
                ulong v = size switch
                {
                    1 => buffer[i],
                    2 => BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(i)),
                    4 => BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i)),
                    _ => BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(i)),
                };
                sb.Append(' ').Append(Value(v, format, digitsWide));
            }
            sb.Append("\r\n");
            address += (ulong)n;
            length -= n;
        }
        return sb.ToString();
    }

    private static string Value(ulong v, char format, int width) => format switch
    {
        'x' => "0x" + v.ToString("x" + width, CultureInfo.InvariantCulture),
        'u' => v.ToString(CultureInfo.InvariantCulture).PadLeft(width),
        // QEMU loads narrower values unsigned, so only a whole quadword prints negative.
        'd' => ((long)v).ToString(CultureInfo.InvariantCulture).PadLeft(width),
        'o' => (v == 0 ? "0" : "0" + Convert.ToString((long)v, 8)).PadLeft(width),
        _ => v is >= 32 and < 127 ? $"'{(char)v}'" : $"'\\x{v:x2}'",
    };


    private static bool TryParseAddress(string text, out ulong address)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return ulong.TryParse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out address);
        return ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out address);
    }
}

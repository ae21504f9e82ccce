namespace QemuSharp.Block.Tools;

/// <summary>
/// The "key=value,key2=value2" lists of qemu-img's -o (",," stands for a literal comma).
/// Kept private to qemu-img until the shared option grammar in QemuSharp.Common lands.
/// </summary>
internal static class OptionString
{
    public static List<KeyValuePair<string, string>> Parse(string text)
    {
        var result = new List<KeyValuePair<string, string>>();
        int i = 0;
        while (i < text.Length)
        {
            string key = ReadPart(text, ref i, '=', ',');
            string value = "on";
            if (i < text.Length && text[i] == '=')
            {
                i++;
                value = ReadPart(text, ref i, ',', '\0');
            }
            if (i < text.Length && text[i] == ',')
                i++;
            if (key.Length > 0)
                result.Add(new(key, value));
        }
        return result;
    }

    private static string ReadPart(string text, ref int i, char stop1, char stop2)
    {
        var sb = new System.Text.StringBuilder();
        while (i < text.Length)
        {
            char c = text[i];
            if (c == ',' && i + 1 < text.Length && text[i + 1] == ',')
            {
                sb.Append(',');
                i += 2;
                continue;
            }
            if (c == stop1 || c == stop2)
                break;
            sb.Append(c);
            i++;
        }
        return sb.ToString();
    }
}

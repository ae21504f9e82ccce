namespace QemuSharp.LinuxUser;

/// <summary>Guest path handling: <c>-L prefix</c> redirects absolute paths that exist under the prefix.</summary>
internal static class Paths
{
    public static string Resolve(string? prefix, string path)
    {
        if (prefix == null || !path.StartsWith('/'))
            return path;
        string candidate = prefix.TrimEnd('/') + path;
        return File.Exists(candidate) || Directory.Exists(candidate) ? candidate : path;
    }
}

using QemuSharp.Nbd.Client;

namespace QemuSharp.Nbd.Tool;

/// <summary>qemu-nbd -L: another server's exports, printed as qemu-nbd 7.2 prints them.</summary>
internal static class ExportList
{
    private static readonly string[] FlagNames =
        ["readonly", "flush", "fua", "rotational", "trim", "zeroes", "df", "multi", "resize", "cache", "fast-zero"];

    public static void Print(IReadOnlyList<NbdExportInfo> exports, TextWriter stdout)
    {
        stdout.WriteLine($"exports available: {exports.Count}");
        foreach (var e in exports)
        {
            stdout.WriteLine($" export: '{e.Name}'");
            if (!string.IsNullOrEmpty(e.Description))
                stdout.WriteLine($"  description: {e.Description}");
            stdout.WriteLine($"  size:  {e.Size}");
            string names = string.Concat(FlagNames.Where((_, bit) => ((int)e.Flags & (2 << bit)) != 0).Select(n => " " + n));
            stdout.WriteLine($"  flags: 0x{(int)e.Flags:x} ({names} )");
            stdout.WriteLine($"  min block: {e.MinBlock}");
            stdout.WriteLine($"  opt block: {e.PreferredBlock}");
            stdout.WriteLine($"  max block: {e.MaxBlock}");
            if (e.Contexts.Count > 0)
            {
                stdout.WriteLine($"  available meta contexts: {e.Contexts.Count}");
                foreach (string c in e.Contexts)
                    stdout.WriteLine($"   {c}");
            }
        }
    }
}

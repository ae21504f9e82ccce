using QemuSharp.Chardev;
using QemuSharp.Common.Options;

namespace QemuSharp.Cli.System;

/// <summary>
/// The short chardev forms of <c>-serial</c>, <c>-monitor</c> and <c>-qmp</c> (QEMU's
/// <c>qemu_chr_parse_compat</c>): stdio, null, pty, file:P, pipe:P, unix:P[,opts],
/// tcp:H:P[,opts], telnet:H:P[,opts], chardev:ID, and mon:SPEC (a mux shared with HMP).
/// </summary>
internal static class LegacyChardev
{
    /// <summary>The result: a chardev to create, or the id of an existing one.</summary>
    public sealed record Spec(ChardevConfig? Config, string? ExistingId, bool WithMonitor, IReadOnlyList<string> Warnings);

    public static Spec? Parse(string text, string label)
    {
        if (text == "none")
            return null;
        if (text.StartsWith("chardev:", StringComparison.Ordinal))
            return new Spec(null, text["chardev:".Length..], false, []);
        bool mon = text.StartsWith("mon:", StringComparison.Ordinal);
        string spec = mon ? text[4..] : text;
        QemuOpts opts = ToOpts(spec, text);
        opts.Set("id", label);
        if (mon)
            opts.Set("mux", "on");
        var config = ChardevConfig.FromOpts(opts, ChardevConfig.ParseFdNumber);
        return new Spec(config, null, mon, opts.Warnings);
    }

    private static QemuOpts ToOpts(string spec, string whole)
    {
        if (spec is "null" or "stdio" or "pty" || spec.StartsWith("vc", StringComparison.Ordinal))
            return QemuOpts.Parse(spec.StartsWith("vc", StringComparison.Ordinal) ? "null" : spec, "backend");
        int colon = spec.IndexOf(':');
        string prefix = colon < 0 ? spec : spec[..colon];
        string rest = colon < 0 ? "" : spec[(colon + 1)..];
        switch (prefix)
        {
            case "file" or "pipe" when colon >= 0:
            {
                var opts = QemuOpts.Parse(prefix, "backend");
                opts.Set("path", rest);
                return opts;
            }
            case "unix" when colon >= 0:
            {
                var opts = QemuOpts.Parse(rest, "path", ChardevConfig.Schema);
                opts.Set("backend", "socket");
                return opts;
            }
            case "tcp" or "telnet" when colon >= 0:
            {
                int comma = rest.IndexOf(',');
                string hostPort = comma < 0 ? rest : rest[..comma];
                var opts = QemuOpts.Parse(comma < 0 ? "" : rest[(comma + 1)..], null, ChardevConfig.Schema);
                int last = hostPort.LastIndexOf(':');
                if (last < 0)
                    throw new OptionException($"'{whole}' is not a valid char driver\nparse error: {whole}");
                opts.Set("backend", "socket");
                opts.Set("host", hostPort[..last]);
                opts.Set("port", hostPort[(last + 1)..]);
                if (prefix == "telnet")
                    opts.Set("telnet", "on");
                return opts;
            }
        }
        throw new OptionException($"'{whole}' is not a valid char driver\nparse error: {whole}");
    }
}

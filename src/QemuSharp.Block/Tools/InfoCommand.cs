using System.Globalization;
using System.Text.Json.Nodes;
using QemuSharp.Block.Formats.Qcow2;

namespace QemuSharp.Block.Tools;

/// <summary>qemu-img info [-f fmt] [--output=human|json] [--backing-chain] [-U] filename</summary>
internal static class InfoCommand
{
    public static int Run(ImgContext ctx, string[] args)
    {
        var (options, operands) = new GetOpt("f:hU", new()
        {
            ["output"] = ("output", true), ["backing-chain"] = ("chain", false), ["force-share"] = ("U", false),
            ["help"] = ("h", false),
        }).Parse(args);
        string? format = null;
        string output = "human";
        bool chain = false;
        bool share = false;
        foreach (var (key, arg) in options)
        {
            switch (key)
            {
                case "f": format = arg; break;
                case "output": output = arg!; break;
                case "chain": chain = true; break;
                case "U": share = true; break;
            }
        }
        if (output is not ("human" or "json"))
        {
            ctx.Error("--output must be used with human or json as argument.");
            return 1;
        }
        if (operands.Count != 1)
            throw new UsageException(operands.Count == 0 ? "Expecting one image file name" : "Unexpected argument: " + operands[1]);
        using var top = ImgMain.OpenImage(operands[0], new OpenOptions { Format = format, ShareAll = share });
        var nodes = chain ? ImageOpener.Chain(top).ToList() : [top];
        if (output == "json")
        {
            if (chain)
                ctx.Out.WriteLine(QemuJson.Format(new JsonArray(nodes.Select(n => (JsonNode)ToJson(n)).ToArray())));
            else
                ctx.Out.WriteLine(QemuJson.Format(ToJson(top)));
            return 0;
        }
        for (int i = 0; i < nodes.Count; i++)
        {
            if (i > 0)
                ctx.Out.WriteLine();
            WriteHuman(ctx.Out, nodes[i]);
        }
        return 0;
    }

    internal static JsonObject ToJson(BlockDriver node)
    {
        var o = new JsonObject();
        var qcow2 = node as Qcow2Image;
        string? backing = qcow2?.Header.BackingFile;
        if (qcow2?.Header.BackingFormat is { } bf && backing != null)
            o["backing-filename-format"] = bf;
        if (qcow2 is { Snapshots.Count: > 0 })
            o["snapshots"] = new JsonArray(qcow2.Snapshots.Select(s => (JsonNode)SnapshotJson(s)).ToArray());
        o["virtual-size"] = node.Length;
        o["filename"] = node.FileName;
        if (qcow2 != null)
            o["cluster-size"] = qcow2.ClusterSize;
        o["format"] = node.FormatName;
        long actual = node.AllocatedSize;
        if (actual >= 0)
            o["actual-size"] = actual;
        if (qcow2 != null)
        {
            if (qcow2.Header.CryptMethod != 0)
                o["encrypted"] = true;
            o["format-specific"] = new JsonObject { ["type"] = "qcow2", ["data"] = FormatSpecific(qcow2) };
        }
        if (backing != null)
        {
            o["full-backing-filename"] = ImageOpener.FullBackingName(node.FileName, backing);
            o["backing-filename"] = backing;
        }
        o["dirty-flag"] = qcow2 != null && (qcow2.Header.Incompatible & Qcow2Header.IncompatDirty) != 0;
        return o;
    }

    private static JsonObject SnapshotJson(Qcow2Snapshot s)
    {
        var o = new JsonObject();
        if (s.Icount != ulong.MaxValue)
            o["icount"] = s.Icount;
        o["vm-clock-nsec"] = (long)(s.VmClockNanoseconds % 1_000_000_000);
        o["name"] = s.Name;
        o["date-sec"] = s.DateSeconds;
        o["date-nsec"] = s.DateNanoseconds;
        o["vm-clock-sec"] = (long)(s.VmClockNanoseconds / 1_000_000_000);
        o["id"] = s.Id;
        o["vm-state-size"] = s.VmStateSize;
        return o;
    }

    private static JsonObject FormatSpecific(Qcow2Image image)
    {
        var h = image.Header;
        var d = new JsonObject
        {
            ["compat"] = h.Version >= 3 ? "1.1" : "0.10",
            ["compression-type"] = h.CompressionType == 1 ? "zstd" : "zlib",
        };
        if (h.Version < 3)
        {
            d["refcount-bits"] = 1 << h.RefcountOrder;
            return d;
        }
        d["lazy-refcounts"] = h.LazyRefcounts;
        if (h.Extensions.Any(e => e.Type == Qcow2Header.ExtBitmaps))
        {
            var bitmaps = new JsonArray();
            foreach (var b in Qcow2Bitmap.ReadDirectory(image))
            {
                var flags = new JsonArray();
                if ((b.Flags & Qcow2Bitmap.InUse) != 0)
                    flags.Add("in-use");
                if ((b.Flags & Qcow2Bitmap.Auto) != 0)
                    flags.Add("auto");
                bitmaps.Add(new JsonObject { ["flags"] = flags, ["name"] = b.Name, ["granularity"] = 1L << b.GranularityBits });
            }
            d["bitmaps"] = bitmaps;
        }
        d["refcount-bits"] = 1 << h.RefcountOrder;
        d["corrupt"] = (h.Incompatible & Qcow2Header.IncompatCorrupt) != 0;
        d["extended-l2"] = h.ExtendedL2;
        return d;
    }

    private static void WriteHuman(TextWriter w, BlockDriver node)
    {
        var qcow2 = node as Qcow2Image;
        w.WriteLine($"image: {node.FileName}");
        w.WriteLine($"file format: {node.FormatName}");
        w.WriteLine($"virtual size: {Sizes.Human(node.Length)} ({node.Length} bytes)");
        long actual = node.AllocatedSize;
        w.WriteLine($"disk size: {(actual >= 0 ? Sizes.Human(actual) : "unavailable")}");
        if (qcow2 == null)
            return;
        w.WriteLine($"cluster_size: {qcow2.ClusterSize}");
        if (qcow2.Header.CryptMethod != 0)
            w.WriteLine("encrypted: yes");
        if ((qcow2.Header.Incompatible & Qcow2Header.IncompatDirty) != 0)
            w.WriteLine("cleanly shut down: no");
        if (qcow2.Header.BackingFile is { } backing)
        {
            string full = ImageOpener.FullBackingName(node.FileName, backing);
            w.WriteLine(full == backing ? $"backing file: {backing}" : $"backing file: {backing} (actual path: {full})");
            if (qcow2.Header.BackingFormat is { } bf)
                w.WriteLine($"backing file format: {bf}");
        }
        if (qcow2.Snapshots.Count > 0)
            WriteSnapshotList(w, qcow2.Snapshots);
        w.WriteLine("Format specific information:");
        Dump(w, FormatSpecific(qcow2), 1);
    }

    internal static void WriteSnapshotList(TextWriter w, IReadOnlyList<Qcow2Snapshot> snapshots)
    {
        w.WriteLine("Snapshot list:");
        w.WriteLine($"{"ID",-10}{"TAG",-17}{"VM SIZE",8}{"DATE",20}{"VM CLOCK",13}{"ICOUNT",11}");
        foreach (var s in snapshots)
        {
            string date = DateTimeOffset.FromUnixTimeSeconds(s.DateSeconds).ToLocalTime()
                .ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            ulong secs = s.VmClockNanoseconds / 1_000_000_000;
            string clock = $"{secs / 3600:00}:{secs / 60 % 60:00}:{secs % 60:00}.{s.VmClockNanoseconds / 1_000_000 % 1000:000}";
            string icount = s.Icount == ulong.MaxValue ? "" : s.Icount.ToString(CultureInfo.InvariantCulture);
            w.WriteLine($"{s.Id,-9} {s.Name,-16} {Sizes.Human((long)s.VmStateSize),8}{date,20}{clock,13}{icount,11}");
        }
    }

    /// <summary>QEMU's dump of a QObject tree: "key: value", nested levels indented by four.</summary>
    private static void Dump(TextWriter w, JsonNode node, int level)
    {
        string pad = new(' ', level * 4);
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj)
                DumpEntry(w, pad, key.Replace('-', ' '), value!, level);
        }
        else if (node is JsonArray array)
        {
            for (int i = 0; i < array.Count; i++)
                DumpEntry(w, pad, $"[{i}]", array[i]!, level);
        }
    }

    private static void DumpEntry(TextWriter w, string pad, string key, JsonNode value, int level)
    {
        if (value is JsonObject or JsonArray)
        {
            w.WriteLine($"{pad}{key}:");
            Dump(w, value, level + 1);
            return;
        }
        string text = value.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.True => "true",
            System.Text.Json.JsonValueKind.False => "false",
            System.Text.Json.JsonValueKind.String => value.GetValue<string>(),
            _ => value.ToJsonString(),
        };
        w.WriteLine($"{pad}{key}: {text}");
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using QemuSharp.Block.Formats.Qcow2;

namespace QemuSharp.Block.Tools;

/// <summary>qemu-img check [-f fmt] [--output=human|json] [-r leaks|all] [-q] [-U] filename</summary>
internal static class CheckCommand
{
    public static int Run(ImgContext ctx, string[] args)
    {
        var (options, operands) = new GetOpt("hf:r:T:qU", new()
        {
            ["output"] = ("output", true), ["repair"] = ("r", true), ["force-share"] = ("U", false), ["help"] = ("h", false),
        }).Parse(args);
        string? format = null;
        string output = "human";
        bool quiet = false;
        bool share = false;
        var fix = Qcow2Checker.Fix.None;
        foreach (var (key, arg) in options)
        {
            switch (key)
            {
                case "f": format = arg; break;
                case "output": output = arg!; break;
                case "q": quiet = true; break;
                case "U": share = true; break;
                case "r":
                    fix = arg switch
                    {
                        "leaks" => Qcow2Checker.Fix.Leaks,
                        "all" => Qcow2Checker.Fix.All,
                        _ => throw new UsageException($"Unknown option value for -r (expecting 'leaks' or 'all'): {arg}"),
                    };
                    break;
            }
        }
        if (output is not ("human" or "json"))
        {
            ctx.Error("--output must be used with human or json as argument.");
            return 1;
        }
        if (operands.Count != 1)
            throw new UsageException(operands.Count == 0 ? "Expecting one image file name" : "Unexpected argument: " + operands[1]);
        string fileName = operands[0];
        using var node = ImgMain.OpenImage(fileName, new OpenOptions
        {
            Format = format, ReadOnly = fix == Qcow2Checker.Fix.None, ShareAll = share, OpenBacking = false, ForCheck = true,
        });
        if (node is not Qcow2Image image)
        {
            ctx.Error("This image format does not support checks");
            return 63;
        }
        var result = Qcow2Checker.Check(image, fix, ctx.Err);
        if (result.FailureMessage != null)
        {
            ctx.Error("Check failed: " + result.FailureMessage);
            return 1;
        }
        if (result.LeaksFixed != 0 || result.CorruptionsFixed != 0)
        {
            if (output == "human" && !quiet)
            {
                ctx.Out.Write("The following inconsistencies were found and repaired:\n\n"
                    + $"    {result.LeaksFixed} leaked clusters\n    {result.CorruptionsFixed} corruptions\n\n"
                    + "Double checking the fixed image now...\n");
            }
            var again = Qcow2Checker.Check(image, Qcow2Checker.Fix.None, ctx.Err);
            again.LeaksFixed = result.LeaksFixed;
            again.CorruptionsFixed = result.CorruptionsFixed;
            result = again;
        }
        if (output == "json")
            ctx.Out.WriteLine(QemuJson.Format(ToJson(result, fileName)));
        else if (!quiet)
            WriteHuman(ctx.Out, result);
        return result.CheckErrors != 0 ? 1 : result.Corruptions != 0 ? 2 : result.Leaks != 0 ? 3 : 0;
    }

    private static JsonObject ToJson(Qcow2CheckResult r, string fileName)
    {
        var o = new JsonObject { ["image-end-offset"] = r.ImageEndOffset };
        if (r.CompressedClusters != 0)
            o["compressed-clusters"] = r.CompressedClusters;
        o["total-clusters"] = r.TotalClusters;
        if (r.Corruptions != 0)
            o["corruptions"] = r.Corruptions;
        if (r.CorruptionsFixed != 0)
            o["corruptions-fixed"] = r.CorruptionsFixed;
        o["check-errors"] = r.CheckErrors;
        if (r.Leaks != 0)
            o["leaks"] = r.Leaks;
        if (r.LeaksFixed != 0)
            o["leaks-fixed"] = r.LeaksFixed;
        if (r.AllocatedClusters != 0)
            o["allocated-clusters"] = r.AllocatedClusters;
        o["filename"] = fileName;
        o["format"] = "qcow2";
        if (r.FragmentedClusters != 0)
            o["fragmented-clusters"] = r.FragmentedClusters;
        return o;
    }

    private static void WriteHuman(TextWriter w, Qcow2CheckResult r)
    {
        if (r.Corruptions == 0 && r.Leaks == 0 && r.CheckErrors == 0)
        {
            w.WriteLine("No errors were found on the image.");
        }
        else
        {
            if (r.Corruptions != 0)
                w.Write($"\n{r.Corruptions} errors were found on the image.\nData may be corrupted, or further writes to the image may corrupt it.\n");
            if (r.Leaks != 0)
                w.Write($"\n{r.Leaks} leaked clusters were found on the image.\nThis means waste of disk space, but no harm to data.\n");
            if (r.CheckErrors != 0)
                w.Write($"\n{r.CheckErrors} internal errors have occurred during the check.\n");
        }
        if (r.TotalClusters != 0 && r.AllocatedClusters != 0)
        {
            string P(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
            w.WriteLine($"{r.AllocatedClusters}/{r.TotalClusters} = {P(r.AllocatedClusters * 100.0 / r.TotalClusters)}% allocated, "
                + $"{P(r.FragmentedClusters * 100.0 / r.AllocatedClusters)}% fragmented, "
                + $"{P(r.CompressedClusters * 100.0 / r.AllocatedClusters)}% compressed clusters");
        }
        w.WriteLine($"Image end offset: {r.ImageEndOffset}");
    }
}

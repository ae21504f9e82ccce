using QemuSharp.Block.Formats.Qcow2;

namespace QemuSharp.Block.Tools;

/// <summary>qemu-img snapshot [-l | -a SNAPSHOT | -c SNAPSHOT | -d SNAPSHOT] [-f fmt] [-q] [-U] filename</summary>
internal static class SnapshotCommand
{
    public static int Run(ImgContext ctx, string[] args)
    {
        var (options, operands) = new GetOpt("la:c:d:f:hqU", new()
        {
            ["force-share"] = ("U", false), ["help"] = ("h", false),
        }).Parse(args);
        string? format = null;
        string action = "l";
        string? name = null;
        bool share = false;
        foreach (var (key, arg) in options)
        {
            switch (key)
            {
                case "f": format = arg; break;
                case "U": share = true; break;
                case "l": action = "l"; break;
                case "a" or "c" or "d":
                    action = key;
                    name = arg;
                    break;
            }
        }
        if (operands.Count != 1)
            throw new UsageException(operands.Count == 0 ? "Expecting one image file name" : "Unexpected argument: " + operands[1]);
        using var node = ImgMain.OpenImage(operands[0], new OpenOptions
        {
            Format = format, ReadOnly = action == "l", ShareAll = share && action == "l", OpenBacking = false,
        });
        var image = node as Qcow2Image;
        switch (action)
        {
            case "l":
                if (image is { Snapshots.Count: > 0 })
                    InfoCommand.WriteSnapshotList(ctx.Out, image.Snapshots);
                return 0;
            case "c":
                if (image == null)
                    return Fail(ctx, $"Could not create snapshot '{name}': -95 (Operation not supported)");
                image.CreateSnapshot(name!);
                return 0;
            case "a":
                var toApply = image?.FindSnapshot(name!);
                if (toApply == null)
                    return Fail(ctx, $"Could not apply snapshot '{name}': -2 (No such file or directory)");
                image!.ApplySnapshot(toApply);
                return 0;
            default:
                var toDelete = image?.FindSnapshot(name!);
                if (toDelete == null)
                    return Fail(ctx, $"Could not delete snapshot '{name}': snapshot not found");
                image!.DeleteSnapshot(toDelete);
                return 0;
        }
    }

    private static int Fail(ImgContext ctx, string message)
    {
        ctx.Error(message);
        return 1;
    }
}

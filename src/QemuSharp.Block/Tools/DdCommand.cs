using QemuSharp.Block.Formats.Qcow2;
using QemuSharp.Block.Protocols;

namespace QemuSharp.Block.Tools;

/// <summary>qemu-img dd [-f fmt] [-O output_fmt] [bs=size] [count=blocks] [skip=blocks] if=input of=output</summary>
internal static class DdCommand
{
    public static int Run(ImgContext ctx, string[] args)
    {
        var (options, operands) = new GetOpt("hf:O:U", new() { ["help"] = ("h", false), ["force-share"] = ("U", false) }).Parse(args);
        string? format = null;
        string targetFormat = "raw";
        bool share = false;
        foreach (var (key, arg) in options)
        {
            switch (key)
            {
                case "f": format = arg; break;
                case "O": targetFormat = arg!; break;
                case "U": share = true; break;
            }
        }
        string? input = null;
        string? output = null;
        long bs = 512;
        long count = -1;
        long skip = 0;
        foreach (string operand in operands)
        {
            int eq = operand.IndexOf('=');
            if (eq < 0)
                throw new UsageException($"unrecognized operand {operand}");
            string key = operand[..eq];
            string value = operand[(eq + 1)..];
            switch (key)
            {
                case "if": input = value; break;
                case "of": output = value; break;
                case "bs":
                    if (!Sizes.TryParse(value, out bs) || bs <= 0 || bs > int.MaxValue)
                        throw new BlockException("invalid number: '" + value + "'");
                    break;
                case "count":
                    if (!Sizes.TryParse(value, out count))
                        throw new BlockException("invalid number: '" + value + "'");
                    break;
                case "skip":
                    if (!Sizes.TryParse(value, out skip))
                        throw new BlockException("invalid number: '" + value + "'");
                    break;
                default: throw new UsageException($"unrecognized operand {operand}");
            }
        }
        if (input == null)
            throw new BlockException("Must specify both input and output files");
        if (output == null)
            throw new BlockException("Must specify both input and output files");
        using var source = ImgMain.OpenImage(input, new OpenOptions { Format = format, ShareAll = share });
        long end = source.Length;
        if (count >= 0 && count * bs < end)
            end = count * bs;
        long start = Math.Min(end, skip * bs);
        long size = end - start;
        if (targetFormat == "qcow2")
            Qcow2Creator.Create(output, new Qcow2CreateOptions { Size = size });
        else if (targetFormat == "raw")
            FileProtocol.Create(output, size, PreallocMode.Off);
        else
            throw new BlockException($"Unknown file format '{targetFormat}'");
        using var target = ImgMain.OpenImage(output, new OpenOptions { Format = targetFormat, ReadOnly = false });
        var buffer = new byte[bs];
        for (long done = 0; done < size;)
        {
            int n = (int)Math.Min(bs, size - done);
            source.Read(start + done, buffer.AsSpan(0, n));
            if (buffer.AsSpan(0, n).ContainsAnyExcept((byte)0))
                target.Write(done, buffer.AsSpan(0, n));
            done += n;
        }
        target.Flush();
        return 0;
    }
}

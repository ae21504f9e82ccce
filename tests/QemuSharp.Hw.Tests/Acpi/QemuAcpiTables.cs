using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace QemuSharp.Hw.Tests.Acpi;

/// <summary>
/// The ACPI tables that Debian's qemu-system-x86_64 -M pc gives its guest (built by QEMU, placed
/// by SeaBIOS), read back from a dump of guest memory taken through the monitor.
/// </summary>
internal static class QemuAcpiTables
{
    private const int RamSize = 128 << 20;

    private static readonly Lazy<Dictionary<string, byte[]>> Tables = new(Capture);

    public static byte[] Get(string signature) => Tables.Value[signature];

    private static Dictionary<string, byte[]> Capture()
    {
        string dir = HostTool.TemporaryDirectory();
        string dump = Path.Combine(dir, "mem.bin");
        var psi = new ProcessStartInfo("qemu-system-x86_64")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dir,
        };
        foreach (string a in new[] { "-M", "pc", "-m", "128", "-display", "none", "-monitor", "stdio", "-serial", "null", "-net", "none" })
            psi.ArgumentList.Add(a);
        using var qemu = Process.Start(psi)!;
        qemu.OutputDataReceived += (_, _) => { };
        qemu.ErrorDataReceived += (_, _) => { };
        qemu.BeginOutputReadLine();
        qemu.BeginErrorReadLine();
        try
        {
            for (int attempt = 0; attempt < 100; attempt++)
            {
                File.Delete(dump);
                qemu.StandardInput.WriteLine($"pmemsave 0 {RamSize} \"mem.bin\"");
                qemu.StandardInput.Flush();
                var watch = Stopwatch.StartNew();
                while (!(File.Exists(dump) && new FileInfo(dump).Length == RamSize) && watch.ElapsedMilliseconds < 10_000)
                    Thread.Sleep(50);
                Thread.Sleep(100);
                byte[] memory = File.ReadAllBytes(dump);
                if (Parse(memory) is { } tables)
                    return tables;
                Thread.Sleep(200);
            }
            throw new InvalidOperationException("SeaBIOS under qemu-system-x86_64 never published an RSDP");
        }
        finally
        {
            qemu.StandardInput.WriteLine("quit");
            if (!qemu.WaitForExit(5000))
                qemu.Kill();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Dictionary<string, byte[]>? Parse(byte[] memory)
    {
        int rsdp = -1;
        for (int a = 0xe0000; a < 0x100000; a += 16)
        {
            if (Encoding.ASCII.GetString(memory, a, 8) == "RSD PTR ")
            {
                rsdp = a;
                break;
            }
        }
        if (rsdp < 0)
            return null;
        var tables = new Dictionary<string, byte[]>();
        byte[] rsdt = Table(memory, BinaryPrimitives.ReadUInt32LittleEndian(memory.AsSpan(rsdp + 16)));
        tables["RSDT"] = rsdt;
        for (int i = 36; i + 4 <= rsdt.Length; i += 4)
        {
            byte[] table = Table(memory, BinaryPrimitives.ReadUInt32LittleEndian(rsdt.AsSpan(i)));
            tables[Encoding.ASCII.GetString(table, 0, 4)] = table;
        }
        byte[] fadt = tables["FACP"];
        tables["DSDT"] = Table(memory, BinaryPrimitives.ReadUInt32LittleEndian(fadt.AsSpan(40)));
        return tables;
    }

    private static byte[] Table(byte[] memory, uint address)
    {
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(memory.AsSpan((int)address + 4));
        return memory.AsSpan((int)address, length).ToArray();
    }
}

using System.Buffers.Binary;
using System.Text;
using QemuSharp.Hw.Acpi;

namespace QemuSharp.Hw.Tests.Acpi;

public sealed class AcpiTablesTests
{
    private const uint Base = 0xf0000;
    private static readonly AcpiPlatform Pc = new() { RamBelow4G = 256 << 20 };

    private static Dictionary<string, byte[]> TablesOf(AcpiImage image)
    {
        var tables = new Dictionary<string, byte[]>();
        byte[] Table(ulong address)
        {
            int offset = (int)(address - image.Address);
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(image.Bytes.AsSpan(offset + 4));
            return image.Bytes.AsSpan(offset, length).ToArray();
        }
        int rsdp = (int)(image.RsdpAddress - image.Address);
        tables["RSDP"] = image.Bytes.AsSpan(rsdp, 36).ToArray();
        byte[] xsdt = Table(BinaryPrimitives.ReadUInt64LittleEndian(image.Bytes.AsSpan(rsdp + 24)));
        tables["XSDT"] = xsdt;
        tables["RSDT"] = Table(BinaryPrimitives.ReadUInt32LittleEndian(image.Bytes.AsSpan(rsdp + 16)));
        for (int i = 36; i < xsdt.Length; i += 8)
        {
            byte[] t = Table(BinaryPrimitives.ReadUInt64LittleEndian(xsdt.AsSpan(i)));
            tables[Encoding.ASCII.GetString(t, 0, 4)] = t;
        }
        tables["FACS"] = Table(BinaryPrimitives.ReadUInt64LittleEndian(tables["FACP"].AsSpan(132)));
        tables["DSDT"] = Table(BinaryPrimitives.ReadUInt64LittleEndian(tables["FACP"].AsSpan(140)));
        return tables;
    }

    private static byte Sum(ReadOnlySpan<byte> bytes)
    {
        byte s = 0;
        foreach (byte b in bytes)
            s += b;
        return s;
    }

    [Fact]
    public void ShouldReachEveryTableFromTheRsdpThroughTheXsdt()
    {
        var tables = TablesOf(AcpiTables.Build(Pc, Base));
        Assert.Equal(["APIC", "DSDT", "FACP", "FACS", "HPET", "RSDP", "RSDT", "XSDT"], tables.Keys.Order());
    }

    [Fact]
    public void ShouldChecksumEveryTableToZero()
    {
        var tables = TablesOf(AcpiTables.Build(Pc, Base));
        foreach (var (name, table) in tables.Where(t => t.Key is not ("RSDP" or "FACS")))
            Assert.True(Sum(table) == 0, $"{name} does not sum to zero");
        Assert.Equal(0, Sum(tables["RSDP"].AsSpan(0, 20)));
        Assert.Equal(0, Sum(tables["RSDP"]));
    }

    [Fact]
    public void ShouldPlaceTheRsdpOnA16ByteBoundaryInTheBiosAreaAndTheFacsOn64Bytes()
    {
        var image = AcpiTables.Build(Pc, Base);
        Assert.Equal(0u, image.RsdpAddress % 16);
        Assert.InRange(image.RsdpAddress, 0xe0000u, 0xfffffu);
        Assert.InRange(image.Address + (uint)image.Bytes.Length, 0xe0000u, 0x100000u);
        Assert.Equal(0ul, BinaryPrimitives.ReadUInt64LittleEndian(TablesOf(image)["FACP"].AsSpan(132)) % 64);
    }

    [Fact]
    public void ShouldBuildTheSameMadtAsQemu()
    {
        Assert.Equal(QemuAcpiTables.Get("APIC"), AcpiTables.Madt(new AcpiPlatform()));
    }

    [Fact]
    public void ShouldBuildTheSameHpetTableAsQemu()
    {
        Assert.Equal(QemuAcpiTables.Get("HPET"), AcpiTables.HpetTable());
    }

    [Fact]
    public void ShouldAgreeWithQemusFadtOnEveryAcpi1Field()
    {
        byte[] ours = AcpiTables.Fadt(0, 0), qemu = QemuAcpiTables.Get("FACP");
        Assert.Equal(qemu.AsSpan(44, 108 - 44).ToArray(), ours.AsSpan(44, 108 - 44).ToArray());
        Assert.Equal(qemu[108], ours[108]);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(qemu.AsSpan(112)) | 1 << 10, BinaryPrimitives.ReadUInt32LittleEndian(ours.AsSpan(112)));
    }

    /// <summary>iasl reads an RSDP only from memory, not from a file; the checksum test covers it.</summary>
    [Fact]
    public void ShouldHaveEveryTableDisassembledByIaslWithoutErrors()
    {
        string dir = HostTool.TemporaryDirectory();
        try
        {
            foreach (var (name, table) in TablesOf(AcpiTables.Build(Pc with { SerialPorts = 2 }, Base)))
                File.WriteAllBytes(Path.Combine(dir, name + ".dat"), table);
            foreach (string name in new[] { "APIC", "DSDT", "FACP", "FACS", "HPET", "RSDT", "XSDT" })
            {
                var (exit, output) = HostTool.Run("iasl", dir, "-d", name + ".dat");
                Assert.True(exit == 0, $"iasl -d {name}: {output}");
                Assert.DoesNotContain("Error", output);
                Assert.True(File.Exists(Path.Combine(dir, name + ".dsl")), output);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ShouldHaveIaslReadTheFadtFieldsLinuxUses()
    {
        string dsl = Disassemble("FACP", AcpiTables.Fadt(0x1000, 0x2000));
        Assert.Matches(@"Revision : 03", dsl);
        Assert.Matches(@"SCI Interrupt : 0009", dsl);
        Assert.Matches(@"PM Timer Block Address : 00000608", dsl);
        Assert.Matches(@"PM1A Control Block Address : 00000604", dsl);
        Assert.Matches(@"RTC Century Index : 32", dsl);
        Assert.Matches(@"8042 Present on ports 60/64 \(V2\) : 1", dsl);
        Assert.Matches(@"Reset Register Supported \(V2\) : 1", dsl);
        Assert.Matches(@"Address : 0000000000000CF9", dsl);
        Assert.Matches(@"Value to cause reset : 0F", dsl);
        Assert.Matches(@"Address : 0000000000000608", dsl);
    }

    [Fact]
    public void ShouldHaveIaslRecompileTheDisassembledDsdtToTheSameAml()
    {
        byte[] dsdt = AcpiTables.Dsdt(Pc with { SerialPorts = 2, CpuCount = 2 });
        string dir = HostTool.TemporaryDirectory();
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "dsdt.dat"), dsdt);
            var (exit, output) = HostTool.Run("iasl", dir, "-d", "dsdt.dat");
            Assert.True(exit == 0, output);
            string source = File.ReadAllText(Path.Combine(dir, "dsdt.dsl"));
            foreach (string expected in new[] { "PNP0A03", "PNP0303", "PNP0F13", "PNP0B00", "PNP0103", "_S5_", @"Processor \(C001, 0x01",
                @"0x02F8,\s+// Range Minimum", @"IRQNoFlags \(\)\s+\{3\}", @"0xFEBFFFFF,\s+// Range Maximum", @"Memory32Fixed \(ReadOnly,\s+0xFED00000" })
                Assert.Matches(expected, source);
            (exit, output) = HostTool.Run("iasl", dir, "-oa", "-p", "recompiled", "dsdt.dsl");
            Assert.True(exit == 0, output);
            byte[] recompiled = File.ReadAllBytes(Path.Combine(dir, "recompiled.aml"));
            Assert.Equal(dsdt.AsSpan(36).ToArray(), recompiled.AsSpan(36).ToArray());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ShouldHaveAcpiexecLoadTheTablesAndEvaluateS5AndTheSerialPortResources()
    {
        string dir = HostTool.TemporaryDirectory();
        try
        {
            var tables = TablesOf(AcpiTables.Build(Pc, Base));
            foreach (string name in new[] { "FACP", "DSDT", "APIC", "HPET" })
                File.WriteAllBytes(Path.Combine(dir, name + ".dat"), tables[name]);
            var (exit, output) = HostTool.Run("acpiexec", dir, "-b", @"evaluate \_S5; evaluate \_SB.PCI0.ISA.COM1._CRS; evaluate \_SB.PCI0._PRT",
                "FACP.dat", "DSDT.dat", "APIC.dat", "HPET.dat");
            Assert.True(exit == 0, output);
            Assert.DoesNotContain("ACPI Error", output);
            Assert.DoesNotContain("ACPI Exception", output);
            Assert.Matches(@"\[Package\] Contains 4 Elements", output);
            Assert.Contains("47 01 F8 03 F8 03 00 08 22 10 00 79 00", output);
            Assert.Matches(@"\[Package\] Contains 124 Elements", output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(1, 0, 9)]
    [InlineData(1, 1, 10)]
    [InlineData(2, 0, 10)]
    [InlineData(3, 0, 11)]
    [InlineData(4, 3, 11)]
    [InlineData(5, 0, 10)]
    public void ShouldRoutePciInterruptPinsThroughThePiix3Pirqs(uint slot, uint pin, uint gsi)
    {
        byte[] entry = Aml.Package(Aml.Integer(slot << 16 | 0xffff), Aml.Integer(pin), Aml.Integer(0), Aml.Integer(gsi));
        Assert.True(AcpiTables.Dsdt(Pc).AsSpan().IndexOf(entry) > 0);
    }

    [Fact]
    public void ShouldDeclareQemusS5SleepTypeInTheDsdt()
    {
        byte[] s5 = [0x08, (byte)'\\', .. "_S5_"u8, 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00];
        Assert.True(AcpiTables.Dsdt(Pc).AsSpan().IndexOf(s5) > 0);
    }

    private static string Disassemble(string name, byte[] table)
    {
        string dir = HostTool.TemporaryDirectory();
        try
        {
            File.WriteAllBytes(Path.Combine(dir, name + ".dat"), table);
            var (exit, output) = HostTool.Run("iasl", dir, "-d", name + ".dat");
            Assert.True(exit == 0, output);
            return System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(Path.Combine(dir, name + ".dsl")), @"\s+:", " :");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

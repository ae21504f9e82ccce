using QemuSharp.Hw.Boot;

namespace QemuSharp.Hw.Tests.Boot;

/// <summary>
/// The offsets the loader writes, checked against struct boot_params as the kernel's own UAPI
/// header (Debian's linux-libc-dev, asm/bootparam.h) lays it out, through gcc's offsetof.
/// </summary>
public sealed class BootParamsLayoutTests
{
    private static readonly Dictionary<SetupHeaderField, string> HeaderFields = new()
    {
        [SetupHeaderField.SetupSects] = "setup_sects",
        [SetupHeaderField.SysSize] = "syssize",
        [SetupHeaderField.VidMode] = "vid_mode",
        [SetupHeaderField.BootFlag] = "boot_flag",
        [SetupHeaderField.Jump] = "jump",
        [SetupHeaderField.Header] = "header",
        [SetupHeaderField.Version] = "version",
        [SetupHeaderField.TypeOfLoader] = "type_of_loader",
        [SetupHeaderField.LoadFlags] = "loadflags",
        [SetupHeaderField.Code32Start] = "code32_start",
        [SetupHeaderField.RamdiskImage] = "ramdisk_image",
        [SetupHeaderField.RamdiskSize] = "ramdisk_size",
        [SetupHeaderField.HeapEndPtr] = "heap_end_ptr",
        [SetupHeaderField.CmdLinePtr] = "cmd_line_ptr",
        [SetupHeaderField.InitrdAddrMax] = "initrd_addr_max",
        [SetupHeaderField.KernelAlignment] = "kernel_alignment",
        [SetupHeaderField.RelocatableKernel] = "relocatable_kernel",
        [SetupHeaderField.XLoadFlags] = "xloadflags",
        [SetupHeaderField.CmdlineSize] = "cmdline_size",
        [SetupHeaderField.HardwareSubarch] = "hardware_subarch",
        [SetupHeaderField.PayloadOffset] = "payload_offset",
        [SetupHeaderField.PayloadLength] = "payload_length",
        [SetupHeaderField.SetupData] = "setup_data",
        [SetupHeaderField.PrefAddress] = "pref_address",
        [SetupHeaderField.InitSize] = "init_size",
    };

    private static readonly Dictionary<BootParamsField, string> ParamsFields = new()
    {
        [BootParamsField.AcpiRsdpAddr] = "acpi_rsdp_addr",
        [BootParamsField.ExtRamdiskImage] = "ext_ramdisk_image",
        [BootParamsField.ExtRamdiskSize] = "ext_ramdisk_size",
        [BootParamsField.ExtCmdLinePtr] = "ext_cmd_line_ptr",
        [BootParamsField.AltMemK] = "alt_mem_k",
        [BootParamsField.E820Entries] = "e820_entries",
        [BootParamsField.Sentinel] = "sentinel",
        [BootParamsField.SetupHeader] = "hdr",
        [BootParamsField.E820Table] = "e820_table",
    };

    private static readonly Lazy<Dictionary<string, int>> KernelOffsets = new(CompileOffsets);

    private static Dictionary<string, int> CompileOffsets()
    {
        var lines = new List<string> { "#include <stdio.h>", "#include <stddef.h>", "#include <asm/bootparam.h>", "int main(void) {" };
        foreach (string f in HeaderFields.Values)
            lines.Add($"printf(\"hdr.{f} %zu\\n\", offsetof(struct boot_params, hdr.{f}));");
        foreach (string f in ParamsFields.Values)
            lines.Add($"printf(\"{f} %zu\\n\", offsetof(struct boot_params, {f}));");
        lines.Add("printf(\"sizeof_e820_entry %zu\\n\", sizeof(struct boot_e820_entry));");
        lines.Add("printf(\"sizeof_boot_params %zu\\n\", sizeof(struct boot_params));");
        lines.Add("return 0; }");
        string dir = HostTool.TemporaryDirectory();
        try
        {
            File.WriteAllLines(Path.Combine(dir, "offsets.c"), lines);
            var (exit, output) = HostTool.Run("gcc", dir, "-o", "offsets", "offsets.c");
            Assert.True(exit == 0, $"gcc with linux-libc-dev's asm/bootparam.h: {output}");
            (exit, output) = HostTool.Run(Path.Combine(dir, "offsets"), dir);
            Assert.True(exit == 0, output);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(' '))
                .ToDictionary(p => p[0], p => int.Parse(p[1]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    public static TheoryData<SetupHeaderField> SetupHeaderFields() => [.. HeaderFields.Keys];

    public static TheoryData<BootParamsField> BootParamsFields() => [.. ParamsFields.Keys];

    [Theory]
    [MemberData(nameof(SetupHeaderFields))]
    public void ShouldPlaceEverySetupHeaderFieldWhereTheKernelHeaderDoes(SetupHeaderField field)
    {
        Assert.Equal(KernelOffsets.Value["hdr." + HeaderFields[field]], (int)field);
    }

    [Theory]
    [MemberData(nameof(BootParamsFields))]
    public void ShouldPlaceEveryBootParamsFieldWhereTheKernelHeaderDoes(BootParamsField field)
    {
        Assert.Equal(KernelOffsets.Value[ParamsFields[field]], (int)field);
    }

    [Fact]
    public void ShouldWriteE820EntriesAndAZeroPageOfTheKernelsSizes()
    {
        Assert.Equal(20, KernelOffsets.Value["sizeof_e820_entry"]);
        Assert.Equal(4096, KernelOffsets.Value["sizeof_boot_params"]);
    }

    [Fact]
    public void ShouldNameEveryEnumeratedOffset()
    {
        Assert.Equal(Enum.GetValues<SetupHeaderField>().Order(), HeaderFields.Keys.Order());
        Assert.Equal(Enum.GetValues<BootParamsField>().Order(), ParamsFields.Keys.Order());
    }
}

using QemuSharp.Memory;

namespace QemuSharp.Hw.Boot;

/// <summary>-kernel as QEMU's x86 machines take it: a bzImage through the Linux boot protocol, else an ELF with a PVH entry note.</summary>
public static class DirectBoot
{
    public static LinuxBootResult Load(PhysicalMemory memory, ReadOnlySpan<byte> kernel, LinuxBootOptions options)
    {
        if (LinuxSetupHeader.Parse(kernel) is not null)
            return LinuxLoader.Load(memory, kernel, options);
        if (PvhLoader.FindEntry(kernel) is not null)
            return PvhLoader.Load(memory, kernel, options);
        throw new LinuxBootException("the kernel is neither a bzImage nor an ELF file with a PVH entry note");
    }
}

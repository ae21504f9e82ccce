using System.Buffers.Binary;
using QemuSharp.Hw.Boot;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Tests.Boot;

public sealed class PvhLoaderTests : IDisposable
{
    private const ulong Mib = 1 << 20;

    /// <summary>A kernel stand-in: a PVH entry note naming pvh_start, code at 2 MiB, data followed by bss.</summary>
    private const string Source = """
            .section .note.Xen, "a", @note
            .p2align 2
            .long 4
            .long 4
            .long 18
            .asciz "Xen"
            .p2align 2
            .long pvh_start
            .text
            .code32
            .globl pvh_start
        pvh_start:
            hlt
            jmp pvh_start
            .data
            .long 0x12345678
            .bss
            .space 8192
        """;

    private readonly RamBlock _ram = new("pc.ram", 64 * Mib);
    private readonly PhysicalMemory _memory = new();

    public PvhLoaderTests() => _memory.Map(0, MemoryRegion.Ram("pc.ram", _ram));

    public void Dispose() => _ram.Dispose();

    private static byte[] Build(bool elf32)
    {
        string dir = HostTool.TemporaryDirectory();
        try
        {
            File.WriteAllText(Path.Combine(dir, "pvh.S"), Source);
            var args = new List<string> { "-nostdlib", "-static", "-no-pie", "-Wl,-Ttext-segment=0x100000", "-Wl,-Ttext=0x200000", "-Wl,--build-id=none", "-Wl,-e,pvh_start", "-o", "pvh.elf", "pvh.S" };
            if (elf32)
                args.Insert(0, "-m32");
            var (exit, output) = HostTool.Run("gcc", dir, [.. args]);
            Assert.True(exit == 0, output);
            return File.ReadAllBytes(Path.Combine(dir, "pvh.elf"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private byte[] Read(ulong address, int length)
    {
        var b = new byte[length];
        Assert.True(_memory.TryRead(address, b));
        return b;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ShouldFindTheEntryPointInThePvhNoteOfElf64AndElf32Kernels(bool elf32)
    {
        Assert.Equal(0x200000u, PvhLoader.FindEntry(Build(elf32)));
    }

    [Fact]
    public void ShouldLoadSegmentsAtTheirPhysicalAddressesAndZeroTheirBss()
    {
        _memory.TryWrite(0x201004, new byte[] { 0xff, 0xff });
        PvhLoader.Load(_memory, Build(elf32: false), new LinuxBootOptions { RamSize = 64 * Mib });
        Assert.Equal(new byte[] { 0xf4, 0xeb, 0xfd }, Read(0x200000, 3));
        Assert.Equal(0x12345678u, BinaryPrimitives.ReadUInt32LittleEndian(Read(0x201000, 4)));
        Assert.Equal(new byte[2], Read(0x201004, 2));
    }

    [Fact]
    public void ShouldEnterIn32BitProtectedModeWithTheStartInfoInEbx()
    {
        var entry = PvhLoader.Load(_memory, Build(elf32: false), new LinuxBootOptions { RamSize = 64 * Mib }).Entry;
        Assert.Equal(0x200000ul, entry.Rip);
        Assert.Equal(PvhLoader.StartInfoAddress, entry.Rbx);
        Assert.Equal(0x11ul, entry.Cr0);
        Assert.Equal(0ul, entry.Efer);
        Assert.Equal(new SegmentState(0x08, 0, 0xffffffff, 0xc09a), entry.Cs);
        Assert.Equal(new SegmentState(0x18, 0, 0xffffffff, 0xc092), entry.DataSegment);
    }

    [Fact]
    public void ShouldDescribeCommandLineInitrdRsdpAndMemoryMapInTheStartInfo()
    {
        var result = PvhLoader.Load(_memory, Build(elf32: false), new LinuxBootOptions
        {
            RamSize = 64 * Mib, CommandLine = "console=ttyS0", Initrd = new byte[3000], AcpiRsdpAddress = 0xf0000,
        });
        byte[] info = Read(PvhLoader.StartInfoAddress, 56);
        Assert.Equal(0x336ec578u, BinaryPrimitives.ReadUInt32LittleEndian(info));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(4)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(12)));
        Assert.Equal(0xf0000ul, BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(0x20)));
        ulong cmdline = BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(0x18));
        Assert.Equal("console=ttyS0\0"u8.ToArray(), Read(cmdline, 14));
        byte[] module = Read(BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(0x10)), 32);
        Assert.Equal(result.InitrdAddress, BinaryPrimitives.ReadUInt64LittleEndian(module));
        Assert.Equal(3000ul, BinaryPrimitives.ReadUInt64LittleEndian(module.AsSpan(8)));
        uint entries = BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(0x30));
        byte[] map = Read(BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(0x28)), (int)entries * 24);
        Assert.Equal(4u, entries);
        Assert.Equal(0x100000ul, BinaryPrimitives.ReadUInt64LittleEndian(map.AsSpan(3 * 24)));
        Assert.Equal(63 * Mib, BinaryPrimitives.ReadUInt64LittleEndian(map.AsSpan(3 * 24 + 8)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(map.AsSpan(3 * 24 + 16)));
    }

    [Fact]
    public void ShouldChooseTheLoaderByTheKernelsFormat()
    {
        var entry = DirectBoot.Load(_memory, Build(elf32: true), new LinuxBootOptions { RamSize = 64 * Mib }).Entry;
        Assert.Equal(PvhLoader.StartInfoAddress, entry.Rbx);
        Assert.Throws<LinuxBootException>(() => DirectBoot.Load(_memory, new byte[8192], new LinuxBootOptions { RamSize = 64 * Mib }));
    }

    [Theory]
    [InlineData(0x20, 0xff)]
    [InlineData(0x38, 0xff)]
    [InlineData(0x04, 0x07)]
    public void ShouldRejectAMalformedElfWithABootError(int offset, byte value)
    {
        byte[] elf = Build(elf32: false);
        elf[offset] = value;
        Assert.Throws<LinuxBootException>(() => PvhLoader.Load(_memory, elf, new LinuxBootOptions { RamSize = 64 * Mib }));
    }

    [Fact]
    public void ShouldRejectAnElfWithoutAPvhNote()
    {
        byte[] elf = Build(elf32: false);
        int note = elf.AsSpan().IndexOf("Xen\0"u8);
        elf[note] = (byte)'Y';
        Assert.Null(PvhLoader.FindEntry(elf));
        Assert.Throws<LinuxBootException>(() => PvhLoader.Load(_memory, elf, new LinuxBootOptions { RamSize = 64 * Mib }));
    }
}

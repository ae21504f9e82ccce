using System.Buffers.Binary;
using System.Text;
using QemuSharp.Hw.Boot;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Tests.Boot;

public sealed class LinuxLoaderTests : IDisposable
{
    private const ulong Mib = 1 << 20;
    private const int SetupSects = 2, PayloadLength = 8192;

    private readonly List<RamBlock> _blocks = [];

    public void Dispose()
    {
        foreach (var b in _blocks)
            b.Dispose();
    }

    private PhysicalMemory Ram(ulong size)
    {
        var block = new RamBlock("pc.ram", size);
        _blocks.Add(block);
        var memory = new PhysicalMemory();
        memory.Map(0, MemoryRegion.Ram("pc.ram", block));
        return memory;
    }

    /// <summary>A bzImage with a protocol 2.15 header and a recognisable protected-mode payload.</summary>
    private static byte[] BzImage(ushort version = 0x020f, ushort xloadflags = 0x3, uint initrdAddrMax = 0x7fffffff)
    {
        var image = new byte[(SetupSects + 1) * 512 + PayloadLength];
        image[0x1f1] = SetupSects;
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x1f4), PayloadLength / 16);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x1fa), 0xffff);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x1fe), 0xaa55);
        image[0x200] = 0xeb;
        image[0x201] = 0x6a;
        Encoding.ASCII.GetBytes("HdrS").CopyTo(image, 0x202);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x206), version);
        image[0x211] = 0x01;
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x22c), initrdAddrMax);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x230), 0x200000);
        image[0x234] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x236), xloadflags);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x238), 0x7ff);
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(0x258), 0x1000000);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x260), 0x20000);
        for (int i = 0; i < PayloadLength; i++)
            image[(SetupSects + 1) * 512 + i] = (byte)(i * 7 + 3);
        return image;
    }

    private static byte[] Read(PhysicalMemory memory, ulong address, int length)
    {
        var b = new byte[length];
        Assert.True(memory.TryRead(address, b));
        return b;
    }

    [Fact]
    public void ShouldCopyTheProtectedModeKernelTo1MiB()
    {
        var memory = Ram(64 * Mib);
        byte[] image = BzImage();
        var result = LinuxLoader.Load(memory, image, new LinuxBootOptions { RamSize = 64 * Mib });
        Assert.Equal(0x100000ul, result.KernelAddress);
        Assert.Equal(image[((SetupSects + 1) * 512)..], Read(memory, 0x100000, PayloadLength));
    }

    [Fact]
    public void ShouldFillTheLoaderFieldsOfBootParamsAtTheirDocumentedOffsets()
    {
        var memory = Ram(64 * Mib);
        byte[] initrd = new byte[5000];
        var result = LinuxLoader.Load(memory, BzImage(), new LinuxBootOptions
        {
            RamSize = 64 * Mib, CommandLine = "console=ttyS0", Initrd = initrd, AcpiRsdpAddress = 0xf0000,
        });
        byte[] zeroPage = Read(memory, result.Entry.Rsi, 4096);
        Assert.Equal(0xb0, zeroPage[0x210]);
        Assert.Equal(0x01, zeroPage[0x211] & 0x01);
        Assert.Equal("HdrS", Encoding.ASCII.GetString(zeroPage, 0x202, 4));
        Assert.Equal(0xaa55, BinaryPrimitives.ReadUInt16LittleEndian(zeroPage.AsSpan(0x1fe)));
        Assert.Equal(0xf0000ul, BinaryPrimitives.ReadUInt64LittleEndian(zeroPage.AsSpan(0x070)));
        Assert.Equal(result.InitrdAddress, BinaryPrimitives.ReadUInt32LittleEndian(zeroPage.AsSpan(0x218)));
        Assert.Equal(5000u, BinaryPrimitives.ReadUInt32LittleEndian(zeroPage.AsSpan(0x21c)));
        uint cmdline = BinaryPrimitives.ReadUInt32LittleEndian(zeroPage.AsSpan(0x228));
        Assert.Equal("console=ttyS0\0"u8.ToArray(), Read(memory, cmdline, 14));
        Assert.Equal(0, zeroPage[0x1ef]);
    }

    [Theory]
    [InlineData("console=ttyS0", 0xffff)]
    [InlineData("vga=normal quiet", 0xffff)]
    [InlineData("vga=ext", 0xfffe)]
    [InlineData("vga=ask", 0xfffd)]
    [InlineData("vga=0x317 quiet", 0x317)]
    [InlineData("vga=791", 0x317)]
    [InlineData("vga=01427", 0x317)]
    public void ShouldSetVidModeFromTheVgaParameterAsQemuDoes(string commandLine, ushort mode)
    {
        byte[] zeroPage = LinuxLoader.BuildBootParams(BzImage(), LinuxSetupHeader.Parse(BzImage())!,
            new LinuxBootOptions { RamSize = 64 * Mib, CommandLine = commandLine }, 0, 0);
        Assert.Equal(mode, BinaryPrimitives.ReadUInt16LittleEndian(zeroPage.AsSpan(0x1fa)));
    }

    [Fact]
    public void ShouldRefuseAnInvalidVgaParameterWithQemusMessage()
    {
        var e = Assert.Throws<LinuxBootException>(() => LinuxLoader.VideoMode("vga=0x31x"));
        Assert.Equal("qemu: invalid 'vga=' kernel parameter.", e.Message);
    }

    [Fact]
    public void ShouldDescribeRamInTheE820TableOfTheZeroPage()
    {
        byte[] zeroPage = LinuxLoader.BuildBootParams(BzImage(), LinuxSetupHeader.Parse(BzImage())!,
            new LinuxBootOptions { RamSize = 256 * Mib }, 0, 0);
        Assert.Equal(4, zeroPage[0x1e8]);
        (ulong, ulong, uint) Entry(int i) => (
            BinaryPrimitives.ReadUInt64LittleEndian(zeroPage.AsSpan(0x2d0 + 20 * i)),
            BinaryPrimitives.ReadUInt64LittleEndian(zeroPage.AsSpan(0x2d0 + 20 * i + 8)),
            BinaryPrimitives.ReadUInt32LittleEndian(zeroPage.AsSpan(0x2d0 + 20 * i + 16)));
        Assert.Equal((0ul, 0x9fc00ul, 1u), Entry(0));
        Assert.Equal((0x9fc00ul, 0x400ul, 2u), Entry(1));
        Assert.Equal((0xf0000ul, 0x10000ul, 2u), Entry(2));
        Assert.Equal((0x100000ul, 255 * Mib, 1u), Entry(3));
    }

    [Theory]
    [InlineData(256ul << 20, 256ul << 20, 0ul)]
    [InlineData(3072ul << 20, 3072ul << 20, 0ul)]
    [InlineData(3584ul << 20, 3072ul << 20, 512ul << 20)]
    [InlineData(8192ul << 20, 3072ul << 20, 5120ul << 20)]
    public void ShouldSplitRamAroundThePciHoleAsQemusPcMachine(ulong ram, ulong below, ulong above)
    {
        Assert.Equal((below, above), E820Map.SplitRam(ram));
    }

    [Fact]
    public void ShouldPutRamAbove4GiBInItsOwnE820Entry()
    {
        var map = E820Map.ForRam(4096 * Mib);
        Assert.Equal(new E820Entry(0x1_0000_0000, 1024 * Mib, E820Type.Ram), map[^1]);
        Assert.Equal(new E820Entry(0x100000, 3072 * Mib - Mib, E820Type.Ram), map[^2]);
    }

    [Theory]
    [InlineData(0x3, 0x7fffffffu, 0x3ed7000ul)]
    [InlineData(0x1, 0x37ffffffu, 0x3ed7000ul)]
    [InlineData(0x1, 0x01ffffffu, 0x1eff000ul)]
    public void ShouldPlaceTheInitrdHighBelowItsLimitAndQemusAcpiArea(ushort xloadflags, uint initrdAddrMax, ulong expected)
    {
        var memory = Ram(64 * Mib);
        var result = LinuxLoader.Load(memory, BzImage(xloadflags: xloadflags, initrdAddrMax: initrdAddrMax),
            new LinuxBootOptions { RamSize = 64 * Mib, Initrd = new byte[Mib] });
        Assert.Equal(expected, result.InitrdAddress);
    }

    [Fact]
    public void ShouldRefuseAnInitrdLargerThanTheSpaceBelowItsLimit()
    {
        var e = Assert.Throws<LinuxBootException>(() => LinuxLoader.Load(Ram(16 * Mib), BzImage(),
            new LinuxBootOptions { RamSize = 16 * Mib, Initrd = new byte[16 * Mib] }));
        Assert.StartsWith("qemu: initrd is too large", e.Message);
    }

    [Theory]
    [InlineData(0x020b, 0x3)]
    [InlineData(0x020f, 0x2)]
    public void ShouldRefuseKernelsWithoutThe64BitEntryPoint(ushort version, ushort xloadflags)
    {
        Assert.Throws<LinuxBootException>(() => LinuxLoader.Load(Ram(16 * Mib), BzImage(version, xloadflags),
            new LinuxBootOptions { RamSize = 16 * Mib }));
    }

    [Fact]
    public void ShouldCopyNoMoreThanTheSetupHeaderAreaWhateverTheHeaderClaims()
    {
        byte[] image = BzImage();
        image[0x201] = 0xff;
        image[0x290] = 0xaa;
        Assert.Equal(0x290 - 0x1f1, LinuxSetupHeader.Parse(image)!.Length);
        byte[] zeroPage = LinuxLoader.BuildBootParams(image, LinuxSetupHeader.Parse(image)!, new LinuxBootOptions { RamSize = 64 * Mib }, 0, 0);
        Assert.Equal(0, zeroPage[0x290]);
    }

    [Fact]
    public void ShouldPointTheBiosDataAreaAtTheEbdaAndGive639KiBOfBaseMemory()
    {
        var memory = Ram(16 * Mib);
        LinuxLoader.Load(memory, BzImage(), new LinuxBootOptions { RamSize = 16 * Mib });
        Assert.Equal(0x9fc0, BinaryPrimitives.ReadUInt16LittleEndian(Read(memory, 0x40e, 2)));
        Assert.Equal(639, BinaryPrimitives.ReadUInt16LittleEndian(Read(memory, 0x413, 2)));
    }

    [Fact]
    public void ShouldRefuseAnImageWithoutTheHdrSSignature()
    {
        Assert.Throws<LinuxBootException>(() => LinuxLoader.Load(Ram(16 * Mib), new byte[4096],
            new LinuxBootOptions { RamSize = 16 * Mib }));
    }

    [Fact]
    public void ShouldEnterLongModeAtTheKernelPlus0x200WithBootSegmentsAndInterruptsOff()
    {
        var entry = LinuxLoader.Load(Ram(16 * Mib), BzImage(), new LinuxBootOptions { RamSize = 16 * Mib }).Entry;
        Assert.Equal(0x100200ul, entry.Rip);
        Assert.Equal(LinuxLoader.BootParamsAddress, entry.Rsi);
        Assert.Equal(0ul, entry.Rflags & 1 << 9);
        Assert.Equal(0x80000011ul, entry.Cr0);
        Assert.Equal(0x20ul, entry.Cr4);
        Assert.Equal(0x500ul, entry.Efer);
        Assert.Equal(new SegmentState(0x10, 0, 0xffffffff, 0xa09a), entry.Cs);
        Assert.Equal((ushort)0x18, entry.DataSegment.Selector);
        Assert.Equal(0xffffffffu, entry.DataSegment.Limit);
    }

    [Fact]
    public void ShouldLoadTheGdtDescriptorsThatTheEntryStateNames()
    {
        var memory = Ram(16 * Mib);
        var entry = LinuxLoader.Load(memory, BzImage(), new LinuxBootOptions { RamSize = 16 * Mib }).Entry;
        byte[] gdt = Read(memory, entry.GdtBase, entry.GdtLimit + 1);
        Assert.Equal(entry.Cs, SegmentState.FromDescriptor(0x10, BinaryPrimitives.ReadUInt64LittleEndian(gdt.AsSpan(0x10))));
        Assert.Equal(entry.DataSegment, SegmentState.FromDescriptor(0x18, BinaryPrimitives.ReadUInt64LittleEndian(gdt.AsSpan(0x18))));
    }

    [Theory]
    [InlineData(0x0000000ul)]
    [InlineData(0x0100000ul)]
    [InlineData(0xfee00000ul)]
    [InlineData(0xfffff000ul)]
    public void ShouldIdentityMapTheLow4GiBWith2MiBPages(ulong address)
    {
        var memory = Ram(16 * Mib);
        ulong cr3 = LinuxLoader.Load(memory, BzImage(), new LinuxBootOptions { RamSize = 16 * Mib }).Entry.Cr3;
        ulong Entry(ulong table, ulong index) => BinaryPrimitives.ReadUInt64LittleEndian(Read(memory, (table & ~0xffful) + 8 * index, 8));
        ulong pml4e = Entry(cr3, (address >> 39) & 511);
        ulong pdpte = Entry(pml4e, (address >> 30) & 511);
        ulong pde = Entry(pdpte, (address >> 21) & 511);
        Assert.Equal(3ul, pml4e & 3);
        Assert.Equal(3ul, pdpte & 3);
        Assert.Equal(0x83ul, pde & 0x83);
        Assert.Equal(address & ~0x1ffffful, pde & 0x000f_ffff_ffe0_0000);
    }

    [Theory]
    [InlineData("cloud")]
    [InlineData("")]
    public void ShouldReadTheHeaderOfDebiansKernels(string flavour)
    {
        byte[] image = File.ReadAllBytes(DebianKernel.Vmlinuz(flavour));
        LinuxSetupHeader header = LinuxSetupHeader.Parse(image)!;
        Assert.NotNull(header);
        Assert.True(header.Supports64BitEntry);
        Assert.True(header.Relocatable);
        Assert.Equal(0x200000u, header.KernelAlignment);
        Assert.Equal(0x1000000ul, header.PrefAddress);
        Assert.Equal(2047u, header.CmdlineSize);
        Assert.InRange(header.Version, (ushort)0x020f, (ushort)0x02ff);
        Assert.Equal(image[0x1f1], header.SetupSects);
        Assert.Equal(image[0x201] + 0x202 - 0x1f1, header.Length);
        Assert.InRange((long)image.Length - header.SetupSize - header.SysSize * 16L, 0, 0x10000);
        Assert.InRange(header.InitSize, (uint)(image.Length - header.SetupSize), 0x10000000u);
    }

    [Fact]
    public void ShouldBootParamsCarryDebiansHeaderUnchangedOutsideTheLoaderFields()
    {
        byte[] image = File.ReadAllBytes(DebianKernel.Vmlinuz("cloud"));
        var memory = Ram(128 * Mib);
        var result = LinuxLoader.Load(memory, image, new LinuxBootOptions { RamSize = 128 * Mib, CommandLine = "console=ttyS0" });
        byte[] zeroPage = Read(memory, result.Entry.Rsi, 4096);
        var loaderFields = new HashSet<int>();
        foreach (var (offset, size) in new[] { (0x210, 2), (0x214, 4), (0x218, 4), (0x21c, 4), (0x228, 4) })
            for (int i = 0; i < size; i++)
                loaderFields.Add(offset + i);
        int end = 0x202 + image[0x201];
        for (int i = 0x1f1; i < end; i++)
            if (!loaderFields.Contains(i))
                Assert.True(image[i] == zeroPage[i], $"boot_params byte 0x{i:x} differs from the image's header");
        Assert.Equal(image.AsSpan(LinuxSetupHeader.Parse(image)!.SetupSize, 4096).ToArray(), Read(memory, result.KernelAddress, 4096));
    }
}

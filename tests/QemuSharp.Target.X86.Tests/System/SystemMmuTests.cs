using QemuSharp.Memory;
using QemuSharp.Target.X86.Cpu;
using QemuSharp.Target.X86.Mmu;
using static QemuSharp.Target.X86.Cpu.ControlBits;

namespace QemuSharp.Target.X86.Tests.System;

/// <summary>The page walker: page-table bits in, translation or #PF error code out.</summary>
public sealed class SystemMmuTests : IDisposable
{
    private const ulong P = 1, W = 2, U = 4, A = 0x20, D = 0x40, PS = 0x80, NX = 1UL << 63;
    private const ulong Va = 0x0000_7f12_3456_7000;
    private readonly RamBlock _ram = new("ram", 16 << 20);
    private readonly PhysicalMemory _memory = new();
    private readonly X86Cpu _cpu;

    public SystemMmuTests()
    {
        _memory.Map(0, MemoryRegion.Ram("ram", _ram));
        _cpu = new X86Cpu(_memory, new IoPortSpace(), CpuModel.Qemu64, new object());
    }

    public void Dispose() => _ram.Dispose();

    private void Write(ulong address, ulong value, int size = 8) => _memory.Write(address, size, value);

    private ulong Read(ulong address, int size = 8) => _memory.Read(address, size);

    private void LongMode(bool wp, bool nxe, int cpl)
    {
        _cpu.SetControlRegisters(Cr0Pe | Cr0Pg | (wp ? Cr0Wp : 0), 0x1000, Cr4Pae, EferLme | EferLma | (nxe ? EferNxe : 0));
        _cpu.LoadSegment(SegReg.Cs, new SegmentCache { Selector = (ushort)(0x18 | cpl), Flags = SegmentCache.Present | SegmentCache.CodeOrData | SegmentCache.TypeCode | SegmentCache.Long | ((uint)cpl << 13) });
    }

    /// <summary>Tables at 0x1000 (PML4), 0x2000 (PDPT), 0x3000 (PD), 0x4000 (PT); the leaf maps 0x500000.</summary>
    private void MapFourLevels(ulong upper, ulong leaf)
    {
        Write(0x1000 + ((Va >> 39) & 511) * 8, 0x2000 | upper);
        Write(0x2000 + ((Va >> 30) & 511) * 8, 0x3000 | upper);
        Write(0x3000 + ((Va >> 21) & 511) * 8, 0x4000 | upper);
        Write(0x4000 + ((Va >> 12) & 511) * 8, 0x500000 | leaf);
    }

    private uint? Walk(Access access, out PageTranslation t)
    {
        bool ok = _cpu.Tlb.Mmu.Translate(Va, access, out t);
        return ok ? null : t.FaultCode;
    }

    [Theory]
    [InlineData(P | W | U, 3, Access.Read, false, false, null)]
    [InlineData(0UL, 0, Access.Read, false, false, 0u)]
    [InlineData(0UL, 3, Access.Write, false, false, 6u)]
    [InlineData(P | U, 3, Access.Write, false, false, 7u)]
    [InlineData(P | U, 0, Access.Write, false, false, null)]
    [InlineData(P | U, 0, Access.Write, true, false, 3u)]
    [InlineData(P | W, 3, Access.Read, false, false, 5u)]
    [InlineData(P | W | NX, 0, Access.Fetch, false, true, 0x11u)]
    [InlineData(P | W | NX, 0, Access.Read, false, true, null)]
    [InlineData(P | W | NX, 0, Access.Read, false, false, 9u)]
    [InlineData(P | W | U, 3, Access.Fetch, false, true, null)]
    public void ShouldTranslateOrFaultWithTheErrorCodeTheLeafBitsGive(ulong leaf, int cpl, Access access, bool wp, bool nxe, uint? fault)
    {
        LongMode(wp, nxe, cpl);
        MapFourLevels(P | W | U, leaf);
        uint? got = Walk(access, out PageTranslation t);
        Assert.Equal(fault, got);
        if (fault == null)
            Assert.Equal(0x500000UL, t.Physical);
    }

    [Fact]
    public void ShouldSetAccessedOnEveryLevelAndDirtyOnTheLeafOfAWrite()
    {
        LongMode(true, true, 0);
        MapFourLevels(P | W, P | W);
        Assert.Null(Walk(Access.Read, out PageTranslation read));
        Assert.False(read.Writable);
        Assert.Equal(A, Read(0x4000 + ((Va >> 12) & 511) * 8) & (A | D));
        Assert.Null(Walk(Access.Write, out PageTranslation write));
        Assert.True(write.Writable);
        Assert.Equal(A | D, Read(0x4000 + ((Va >> 12) & 511) * 8) & (A | D));
        Assert.Equal(A, Read(0x1000 + ((Va >> 39) & 511) * 8) & (A | D));
    }

    [Fact]
    public void ShouldMapTwoMegabyteAndOneGigabytePages()
    {
        LongMode(false, true, 0);
        Write(0x1000 + ((Va >> 39) & 511) * 8, 0x2000 | P | W);
        Write(0x2000 + ((Va >> 30) & 511) * 8, 0x3000 | P | W);
        Write(0x3000 + ((Va >> 21) & 511) * 8, 0x600000 | P | W | PS);
        Assert.Null(Walk(Access.Read, out PageTranslation two));
        Assert.Equal(0x600000UL | (Va & 0x1f_f000), two.Physical);
        Write(0x2000 + ((Va >> 30) & 511) * 8, 0x4000_0000 | P | W | PS);
        _cpu.FlushTlb();
        Assert.Null(Walk(Access.Read, out PageTranslation one));
        Assert.Equal(0x4000_0000UL | (Va & 0x3fff_f000), one.Physical);
    }

    [Fact]
    public void ShouldRaiseGeneralProtectionForANonCanonicalAddress()
    {
        LongMode(false, false, 0);
        Assert.False(_cpu.Tlb.Mmu.Translate(0x8000_0000_0000_0000, Access.Read, out PageTranslation t));
        Assert.True(t.GeneralProtection);
    }

    [Fact]
    public void ShouldWalkLegacyTablesWithFourMegabytePages()
    {
        _cpu.SetControlRegisters(Cr0Pe | Cr0Pg, 0x1000, Cr4Pse, 0);
        Write(0x1000 + (0x8040_0000 >> 22) * 4, 0x0080_0000 | P | W | PS, 4);
        Write(0x1000 + (0x0040_0000 >> 22) * 4, 0x2000 | P | W, 4);
        Write(0x2000 + 5 * 4, 0x0012_3000 | P, 4);
        Assert.True(_cpu.Tlb.Mmu.Translate(0x8041_2000, Access.Read, out PageTranslation big));
        Assert.Equal(0x0081_2000UL, big.Physical);
        Assert.True(_cpu.Tlb.Mmu.Translate(0x0040_5000, Access.Read, out PageTranslation small));
        Assert.Equal(0x0012_3000UL, small.Physical);
        // A read-only page is writable at CPL 0 while CR0.WP is clear.
        Assert.True(_cpu.Tlb.Mmu.Translate(0x0040_5000, Access.Write, out _));
    }

    [Fact]
    public void ShouldWalkPaeTablesThroughThePageDirectoryPointers()
    {
        _cpu.SetControlRegisters(Cr0Pe | Cr0Pg, 0x1000, Cr4Pae, 0);
        Write(0x1000 + 2 * 8, 0x2000 | P);
        Write(0x2000 + 3 * 8, 0x3000 | P | W);
        Write(0x3000 + 4 * 8, 0x0077_7000 | P | W);
        ulong va = (2UL << 30) | (3UL << 21) | (4UL << 12);
        Assert.True(_cpu.Tlb.Mmu.Translate(va, Access.Write, out PageTranslation t));
        Assert.Equal(0x0077_7000UL, t.Physical);
    }

    [Fact]
    public void ShouldMapLinearToPhysicalWithPagingOff()
    {
        Assert.True(_cpu.Tlb.Mmu.Translate(0x0012_3000, Access.Write, out PageTranslation t));
        Assert.Equal(0x0012_3000UL, t.Physical);
        Assert.True(t.Writable && t.Executable);
    }
}

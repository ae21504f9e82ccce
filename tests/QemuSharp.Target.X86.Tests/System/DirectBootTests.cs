using Iced.Intel;
using QemuSharp.Target.X86.Cpu;
using static Iced.Intel.AssemblerRegisters;
using static QemuSharp.Target.X86.Cpu.ControlBits;

namespace QemuSharp.Target.X86.Tests.System;

/// <summary>The state a boot loader sets directly, as for Linux's 64-bit boot protocol: long mode, paging, flat segments.</summary>
public class DirectBootTests
{
    [Fact]
    public void ShouldRunSixtyFourBitCodeFromStateTheMachineLoads()
    {
        using var m = new TestMachine(new byte[BootImage.Size]);
        m.Memory.Write(0x10000, 8, 0x11003);
        m.Memory.Write(0x11000, 8, 0x12003);
        m.Memory.Write(0x12000, 8, 0x83);
        var a = new Assembler(64);
        a.mov(rax, rsi);
        a.@out(0xe9, al);
        BootImage.Exit(a);
        var ms = new MemoryStream();
        a.Assemble(new StreamCodeWriter(ms), 0x100000);
        for (int i = 0; i < ms.Length; i++)
            m.Memory.Write(0x100000 + (ulong)i, 1, ms.ToArray()[i]);

        X86Cpu c = m.Cpu;
        c.SetControlRegisters(Cr0Pe | Cr0Pg | Cr0Et | Cr0Ne, 0x10000, Cr4Pae, EferLme | EferLma);
        const uint code = SegmentCache.Present | SegmentCache.CodeOrData | SegmentCache.TypeCode | SegmentCache.TypeReadable | SegmentCache.Long | SegmentCache.Granular;
        const uint data = SegmentCache.Present | SegmentCache.CodeOrData | SegmentCache.TypeWritable | SegmentCache.Big | SegmentCache.Granular;
        c.LoadSegment(SegReg.Cs, new SegmentCache { Selector = 0x10, Limit = 0xffff_ffff, Flags = code });
        foreach (int seg in new[] { SegReg.Ds, SegReg.Es, SegReg.Ss })
            c.LoadSegment(seg, new SegmentCache { Selector = 0x18, Limit = 0xffff_ffff, Flags = data });
        c.Rip = 0x100000;
        c.R[Gpr.Rsi] = 'D';

        m.Run();
        Assert.Equal("D", m.Output);
        Assert.Equal(64, c.CodeBits);
        Assert.Equal(0, c.Cpl);
    }
}

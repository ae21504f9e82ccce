using Iced.Intel;
using QemuSharp.Target.X86.Cpu;
using static Iced.Intel.AssemblerRegisters;

namespace QemuSharp.Target.X86.Tests.System;

/// <summary>
/// Tiny firmware images run from the reset vector by our CPU and by Debian's qemu-system-x86_64,
/// compared by what they print.
/// </summary>
public class BootTests
{
    private const ulong Idt = 0x20000;

    private static string RunOurs(byte[] image, out ExitReason exit)
    {
        using var m = new TestMachine(image);
        exit = m.Run();
        return m.Output;
    }

    private static void AssertSameAsQemu(byte[] image, string expected)
    {
        string ours = RunOurs(image, out _);
        Assert.Equal(expected, ours);
        Assert.Equal(QemuOracle.Run(image), ours);
    }

    /// <summary>Writes a 64-bit interrupt gate for <paramref name="vector"/> to <paramref name="handler"/> (selector 0x18) into the IDT at 0x20000.</summary>
    private static void SetGate(Assembler a, int vector, Label handler, int ist = 0, int dpl = 0)
    {
        a.lea(rax, __[handler]);
        a.mov(rdi, Idt + (ulong)vector * 16);
        a.mov(__word_ptr[rdi], ax);
        a.mov(__word_ptr[rdi + 2], 0x18);
        a.mov(__word_ptr[rdi + 4], (ushort)(0x8e00 | ist | (dpl << 13)));
        a.shr(rax, 16);
        a.mov(__word_ptr[rdi + 6], ax);
        a.mov(__dword_ptr[rdi + 8], 0);
    }

    private static void LoadIdt(Assembler a, ushort limit = 0xfff)
    {
        a.mov(__word_ptr[0x30000], limit);
        a.mov(__qword_ptr[0x30002], (int)Idt);
        a.lidt(__[0x30000]);
    }

    [Fact]
    public void ShouldGoFromRealModeThroughProtectedModeToLongMode()
    {
        byte[] image = BootImage.Build(a =>
        {
            BootImage.Print(a, "L");
            a.mov(ecx, 0xc0000080);
            a.rdmsr();
            a.shr(eax, 8);
            BootImage.PrintHexByte(a);
            a.mov(ax, cs);
            BootImage.PrintHexByte(a);
        });
        AssertSameAsQemu(image, "PL0518");
    }

    [Fact]
    public void ShouldMapAPageInThePageFaultHandlerAndRetry()
    {
        byte[] image = BootImage.Build(a =>
        {
            var handler = a.CreateLabel();
            var main = a.CreateLabel();
            a.jmp(main);
            a.Label(ref handler);
            a.pop(rax);
            BootImage.PrintHexByte(a);
            a.mov(rax, cr2);
            a.shr(rax, 20);
            BootImage.PrintHexByte(a);
            a.mov(__dword_ptr[0x12008], 0x200083);
            a.mov(rax, cr2);
            a.invlpg(__[rax]);
            a.iretq();
            a.Label(ref main);
            SetGate(a, 14, handler);
            LoadIdt(a);
            a.mov(__dword_ptr[0x200010], 0x41);
            a.mov(rax, 0x200010);
            a.mov(al, __byte_ptr[rax]);
            a.@out(0xe9, al);
        });
        // The write faults with error 2 (not present, write), CR2 in the 2 MiB page; the read after mapping it sees 'A'.
        AssertSameAsQemu(image, "P0202A");
    }

    [Fact]
    public void ShouldResetOnATripleFault()
    {
        byte[] image = BootImage.Build(a =>
        {
            LoadIdt(a, 0);
            BootImage.Print(a, "T");
            a.ud2();
        });
        string ours = RunOurs(image, out ExitReason exit);
        Assert.Equal(ExitReason.TripleFault, exit);
        Assert.Equal("PT", ours);
        // QEMU with -no-reboot stops at the reset the triple fault causes; the reset path prints nothing more.
        Assert.Equal("PT", QemuOracle.Run(image));
    }

    [Fact]
    public void ShouldDeliverAnExternalInterruptAfterStiAndWakeHlt()
    {
        byte[] image = BootImage.Build(a =>
        {
            var handler = a.CreateLabel();
            var main = a.CreateLabel();
            a.jmp(main);
            a.Label(ref handler);
            BootImage.Print(a, "I");
            a.iretq();
            a.Label(ref main);
            SetGate(a, 0x30, handler);
            LoadIdt(a);
            a.sti();
            a.hlt();
            BootImage.Print(a, "W");
        });
        using var m = new TestMachine(image);
        var pic = new FakeInterruptController();
        m.Cpu.Interrupts = pic;
        Assert.Equal(ExitReason.Halt, m.Interpreter.Run());
        Assert.Equal("P", m.Output);
        pic.Raise(0x30);
        m.Cpu.Kick();
        m.Run();
        Assert.Equal("PIW", m.Output);
    }

    [Fact]
    public void ShouldRoundTripBetweenRing0AndRing3WithSyscallAndSysret()
    {
        byte[] image = BootImage.Build(a =>
        {
            var kernel = a.CreateLabel();
            var user = a.CreateLabel();
            var main = a.CreateLabel();
            a.jmp(main);
            a.Label(ref kernel);
            a.mov(ax, cs);
            BootImage.PrintHexByte(a);
            a.mov(rax, r11);
            a.shr(eax, 8);
            BootImage.PrintHexByte(a);
            BootImage.Exit(a);
            a.Label(ref user);
            a.mov(ax, cs);
            a.mov(bl, al);
            a.mov(ax, ss);
            a.mov(bh, al);
            a.syscall();
            a.Label(ref main);
            // STAR: kernel CS 0x18 (SS 0x20), user base 0x20 (SS 0x28, 64-bit CS 0x30); LSTAR: kernel.
            a.mov(ecx, 0xc0000081);
            a.xor(eax, eax);
            a.mov(edx, 0x00200018);
            a.wrmsr();
            a.mov(ecx, 0xc0000082);
            a.lea(rax, __[kernel]);
            a.xor(edx, edx);
            a.wrmsr();
            a.mov(ecx, 0xc0000080);
            a.rdmsr();
            a.or(eax, 1);
            a.wrmsr();
            // The identity map must allow user access for ring 3.
            a.or(__dword_ptr[0x10000], 4);
            a.or(__dword_ptr[0x11000], 4);
            a.or(__dword_ptr[0x12000], 4);
            a.mov(rax, cr3);
            a.mov(cr3, rax);
            a.lea(rcx, __[user]);
            a.mov(r11, 0x202);
            a.sysretq();
        });
        // Ring 0 at 0x18 after SYSCALL, user RFLAGS 0x202 saved in R11.
        AssertSameAsQemu(image, "P1802");
    }

    [Fact]
    public void ShouldDeliverAGeneralProtectionFaultWithTheSelectorAsErrorCode()
    {
        byte[] image = BootImage.Build(a =>
        {
            var handler = a.CreateLabel();
            var main = a.CreateLabel();
            a.jmp(main);
            a.Label(ref handler);
            a.pop(rbx);
            a.mov(al, bh);
            BootImage.PrintHexByte(a);
            a.mov(al, bl);
            BootImage.PrintHexByte(a);
            a.add(__qword_ptr[rsp], 2);
            a.iretq();
            a.Label(ref main);
            SetGate(a, 13, handler);
            LoadIdt(a);
            a.mov(eax, 0x1234);
            a.mov(ds, eax); // 8E D8: the handler skips 2 bytes
            BootImage.Print(a, "K");
        });
        AssertSameAsQemu(image, "P1234K");
    }

    [Fact]
    public void ShouldSeeCodeWrittenThroughAnAliasMapping()
    {
        byte[] image = BootImage.Build(a =>
        {
            a.mov(__dword_ptr[0x12008], 0x83);
            a.mov(rax, cr3);
            a.mov(cr3, rax);
            a.mov(__dword_ptr[0x40000], 0xc341b0); // mov al, 'A'; ret
            a.mov(rbx, 0x40000);
            a.call(rbx);
            a.@out(0xe9, al);
            a.mov(__byte_ptr[0x240001], (byte)'B');
            a.call(rbx);
            a.@out(0xe9, al);
        });
        AssertSameAsQemu(image, "PAB");
    }

    [Fact]
    public void ShouldKeepRunningAcrossACr3SwitchAndSeeTheNewMappings()
    {
        byte[] image = BootImage.Build(a =>
        {
            a.mov(__dword_ptr[0x12008], 0x83);          // old tables: 2-4 MiB shows physical 0
            a.mov(__dword_ptr[0x12010], 0x200083);      // and 4-6 MiB shows physical 2 MiB
            a.mov(__dword_ptr[0x13000], 0x14003);       // new tables: identity for the first 4 MiB
            a.mov(__dword_ptr[0x14000], 0x15003);
            a.mov(__dword_ptr[0x15000], 0x83);
            a.mov(__dword_ptr[0x15008], 0x200083);
            a.mov(rax, cr3);
            a.mov(cr3, rax);
            a.mov(__byte_ptr[0x50000], (byte)'X');
            a.mov(__byte_ptr[0x450000], (byte)'Y');
            a.mov(al, __byte_ptr[0x250000]);
            a.@out(0xe9, al);
            a.mov(eax, 0x13000);
            a.mov(cr3, rax);
            a.mov(al, __byte_ptr[0x250000]);
            a.@out(0xe9, al);
        });
        AssertSameAsQemu(image, "PXY");
    }

    [Fact]
    public void ShouldDeliverASoftwareInterruptThroughAThirtyTwoBitGate()
    {
        byte[] image = BootImage.Build(a => BootImage.Print(a, "L"), a =>
        {
            var main = a.CreateLabel();
            var next = a.CreateLabel();
            a.jmp(main);
            BootImage.Print(a, "G"); // the handler: 4 bytes
            a.iretd();
            a.Label(ref main);
            a.call(next); // 5 bytes: the handler starts 10 bytes before next
            a.Label(ref next);
            a.pop(eax);
            a.sub(eax, 10);
            a.mov(edi, 0x20000 + 0x40 * 8);
            a.mov(__word_ptr[edi], ax);
            a.mov(__word_ptr[edi + 2], 0x08);
            a.mov(__word_ptr[edi + 4], 0x8e00);
            a.shr(eax, 16);
            a.mov(__word_ptr[edi + 6], ax);
            a.mov(__word_ptr[0x30000], 0x7ff);
            a.mov(__dword_ptr[0x30002], 0x20000);
            a.lidt(__[0x30000]);
            a.@int(0x40);
            BootImage.Print(a, "R");
        });
        AssertSameAsQemu(image, "PGRL");
    }

    [Fact]
    public void ShouldDeliverARealModeInterruptThroughTheVectorTable()
    {
        byte[] image = BootImage.Build(a => { }, body16: a =>
        {
            var main = a.CreateLabel();
            var next = a.CreateLabel();
            a.jmp(main);
            a.pushf();               // the handler: 7 bytes
            a.pop(ax);
            a.mov(al, ah);
            a.@out(0xe9, al);
            a.iret();
            a.Label(ref main);
            a.call(next);            // 3 bytes: the handler starts 10 bytes before next
            a.Label(ref next);
            a.pop(ax);
            a.sub(ax, 10);
            a.xor(bx, bx);
            a.mov(ds, bx);
            a.mov(ss, bx);
            a.mov(sp, 0x7000);
            a.mov(__word_ptr[0x84], ax);
            a.mov(__word_ptr[0x86], 0xf000);
            a.sti();
            a.@int(0x21);
            a.pushf();
            a.pop(ax);
            a.mov(al, ah);
            a.@out(0xe9, al);
            a.cli();
        });
        // FLAGS bits 8-15 in the handler (IF cleared) and after IRET (IF back).
        AssertSameAsQemu(image, "\u0000\u0002P");
    }

    [Fact]
    public void ShouldReachMmioWithTheWidthOfEachAccess()
    {
        byte[] image = BootImage.Build(a =>
        {
            a.mov(eax, __dword_ptr[0x1f0004]);
            a.mov(__dword_ptr[0x1f0008], eax);
            a.mov(rax, __qword_ptr[0x1f0010]);
            a.mov(__word_ptr[0x1f0ffe], ax);
        });
        using var m = new TestMachine(image);
        var accesses = new List<string>();
        m.Memory.Map(0x1f0000, QemuSharp.Memory.MemoryRegion.Mmio("device", 0x1000, new QemuSharp.Memory.IoHandler(
            (offset, size) => { accesses.Add($"r{offset:x}/{size}"); return 0x1122334455667788; },
            (offset, size, value) => accesses.Add($"w{offset:x}/{size}={value:x}"))), 1);
        m.Run();
        Assert.Equal(["r4/4", "w8/4=55667788", "r10/8", "wffe/2=7788"], accesses);
    }

    [Fact]
    public void ShouldDropAWholeLargePageOnInvlpgOfAnyAddressInIt()
    {
        byte[] image = BootImage.Build(a =>
        {
            a.mov(__dword_ptr[0x12008], 0x83);          // 2-4 MiB shows physical 0
            a.mov(__dword_ptr[0x12010], 0x200083);      // 4-6 MiB shows physical 2 MiB
            a.mov(rax, cr3);
            a.mov(cr3, rax);
            a.mov(__byte_ptr[0x50000], (byte)'X');
            a.mov(__byte_ptr[0x450000], (byte)'Y');
            a.mov(al, __byte_ptr[0x250000]);
            a.@out(0xe9, al);
            a.mov(__dword_ptr[0x12008], 0x200083);
            a.invlpg(__[0x200000]);
            a.mov(al, __byte_ptr[0x250000]);
            a.@out(0xe9, al);
        });
        AssertSameAsQemu(image, "PXY");
    }

    [Fact]
    public void ShouldFaultWhenRingThreeReadsAPageTheKernelJustRead()
    {
        byte[] image = BootImage.Build(a =>
        {
            var handler = a.CreateLabel();
            var user = a.CreateLabel();
            var main = a.CreateLabel();
            a.jmp(main);
            a.Label(ref handler);
            a.pop(rax);
            BootImage.PrintHexByte(a);
            a.mov(ax, ss);
            BootImage.PrintHexByte(a);
            BootImage.Exit(a);
            a.Label(ref user);
            a.mov(al, __byte_ptr[0x200000]);
            BootImage.Print(a, "!");
            BootImage.Exit(a);
            a.Label(ref main);
            SetGate(a, 14, handler);
            LoadIdt(a);
            a.mov(__qword_ptr[0x8004], 0x7000);          // TSS.RSP0
            a.mov(ax, 0x38);
            a.ltr(ax);
            a.mov(ecx, 0xc0000081);
            a.xor(eax, eax);
            a.mov(edx, 0x00200018);
            a.wrmsr();
            a.mov(ecx, 0xc0000080);
            a.rdmsr();
            a.or(eax, 1);
            a.wrmsr();
            a.or(__dword_ptr[0x10000], 4);
            a.or(__dword_ptr[0x11000], 4);
            a.or(__dword_ptr[0x12000], 4);               // the first 2 MiB for everyone
            a.mov(__dword_ptr[0x12008], 0x83);            // 2-4 MiB for the kernel only
            a.mov(rax, cr3);
            a.mov(cr3, rax);
            a.mov(al, __byte_ptr[0x200000]);
            a.lea(rcx, __[user]);
            a.mov(r11, 0x2);
            a.sysretq();
        });
        // Error code 5 (present, read, user); the handler runs on the ring-0 stack with a null SS.
        AssertSameAsQemu(image, "P0500");
    }
}

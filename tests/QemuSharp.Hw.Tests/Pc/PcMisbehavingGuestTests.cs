using System.Diagnostics;

namespace QemuSharp.Hw.Tests.Pc;

/// <summary>
/// Guests that do what they should not, booted as PVH kernels on ours and on Debian's QEMU: they
/// get what a real PC gives them (unassigned memory reads as zero and ignores writes, a fault
/// with no IDT triple-faults and resets, which -no-reboot turns into an exit) and the emulator
/// survives. The serial output and exit status must match QEMU's.
/// </summary>
public sealed class PcMisbehavingGuestTests : IDisposable
{
    private readonly string _dir = HostTool.TemporaryDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Prints the low nibble of EAX as a letter on COM1 (no UART setup needed to transmit).</summary>
    private const string PrintNibble = """
            and $0xf, %eax
            add $'A', %al
            mov $0x3f8, %dx
            out %al, %dx
        """;

    [Theory]
    [InlineData("unassigned memory, then #UD with an empty IDT", """
            mov 0x80000000, %eax
        PRINT
            movl $0x12345678, 0x80000000
            mov 0x80000000, %eax
        PRINT
            lidt idt_zero
            ud2
        """)]
    [InlineData("page tables outside RAM", """
            mov $'P', %al
            mov $0x3f8, %dx
            out %al, %dx
            lidt idt_zero
            mov $0x80000000, %eax
            mov %eax, %cr3
            mov %cr0, %eax
            or $0x80000000, %eax
            mov %eax, %cr0
            mov $'X', %al
            out %al, %dx
        """)]
    [InlineData("a selector beyond the GDT", """
            mov $'S', %al
            mov $0x3f8, %dx
            out %al, %dx
            lidt idt_zero
            mov $0x1230, %ax
            mov %ax, %ds
            mov $'X', %al
            out %al, %dx
        """)]
    public void ShouldBehaveAsQemuAndSurvive(string what, string body)
    {
        string elf = Build(body.Replace("PRINT", PrintNibble));
        var qemu = Boot("qemu-system-x86_64", elf);
        var ours = Boot(GuestKernel.Ours, elf);
        Assert.True(qemu.ExitCode == 0, $"{what}: QEMU itself did not reset and exit");
        Assert.True(qemu.ExitCode == ours.ExitCode, $"{what}: exit {ours.ExitCode}, QEMU {qemu.ExitCode}");
        Assert.Equal(qemu.Serial, ours.Serial);
    }

    private string Build(string body)
    {
        string source = $$"""
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
            {{body}}
            1:  hlt
                jmp 1b
            idt_zero:
                .word 0
                .long 0
            """;
        File.WriteAllText(Path.Combine(_dir, "bad.S"), source);
        var (exit, output) = HostTool.Run("gcc", _dir, "-m32", "-nostdlib", "-static", "-no-pie", "-Wl,-Ttext-segment=0x100000",
            "-Wl,-Ttext=0x200000", "-Wl,--build-id=none", "-Wl,-e,pvh_start", "-o", "bad.elf", "bad.S");
        Assert.True(exit == 0, output);
        return Path.Combine(_dir, "bad.elf");
    }

    private (int ExitCode, string Serial) Boot(string emulator, string elf)
    {
        string serial = Path.Combine(_dir, "serial.txt");
        File.Delete(serial);
        using var p = Process.Start(new ProcessStartInfo(emulator,
            ["-M", "pc", "-m", "64", "-display", "none", "-no-reboot", "-serial", $"file:{serial}", "-kernel", elf])
        { RedirectStandardError = true, RedirectStandardOutput = true })!;
        if (!p.WaitForExit(60_000))
        {
            p.Kill();
            p.WaitForExit();
            return (-1, File.Exists(serial) ? File.ReadAllText(serial) : "");
        }
        return (p.ExitCode, File.Exists(serial) ? File.ReadAllText(serial) : "");
    }
}

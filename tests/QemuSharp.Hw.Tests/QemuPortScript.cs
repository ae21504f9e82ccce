using System.Diagnostics;
using System.Globalization;
using System.Text;
using QemuSharp.Memory;

namespace QemuSharp.Hw.Tests;

/// <summary>
/// A list of port accesses run twice: as a firmware image that Debian's qemu-system-x86_64
/// executes straight from reset (no BIOS touches the chips first), and against our devices.
/// The values read are compared, each under a mask that leaves out bits that depend on time
/// or on a documented difference.
/// </summary>
internal sealed class QemuPortScript
{
    private enum Kind
    {
        Out8,
        In8,
        Out32,
        In32,
    }

    private readonly record struct Op(Kind Kind, ushort Port, uint Value, uint Mask);

    private readonly List<Op> _ops = [];

    public QemuPortScript Out8(int port, int value)
    {
        _ops.Add(new Op(Kind.Out8, (ushort)port, (uint)value & 0xff, 0));
        return this;
    }

    public QemuPortScript In8(int port, int mask = 0xff)
    {
        _ops.Add(new Op(Kind.In8, (ushort)port, 0, (uint)mask));
        return this;
    }

    public QemuPortScript Out32(int port, uint value)
    {
        _ops.Add(new Op(Kind.Out32, (ushort)port, value, 0));
        return this;
    }

    public QemuPortScript In32(int port, uint mask = 0xffffffff)
    {
        _ops.Add(new Op(Kind.In32, (ushort)port, 0, mask));
        return this;
    }

    /// <summary>Reads a PCI configuration dword through mechanism #1.</summary>
    public QemuPortScript PciRead(int devfn, int register) =>
        Out32(0xcf8, 0x80000000u | (uint)(devfn << 8 | register)).In32(0xcfc);

    public QemuPortScript PciWrite(int devfn, int register, uint value) =>
        Out32(0xcf8, 0x80000000u | (uint)(devfn << 8 | register)).Out32(0xcfc, value);

    /// <summary>Runs the script on both and asserts that every masked value agrees.</summary>
    public void AssertSameAsQemu(IoPortSpace ours, int memoryMiB = 128)
    {
        uint[] expected = RunOnQemu(memoryMiB);
        uint[] actual = RunOn(ours);
        var reads = _ops.Where(o => o.Kind is Kind.In8 or Kind.In32).ToArray();
        Assert.Equal(reads.Length, expected.Length);
        var differences = new StringBuilder();
        for (int i = 0; i < reads.Length; i++)
        {
            if ((expected[i] & reads[i].Mask) != (actual[i] & reads[i].Mask))
                differences.AppendLine($"read #{i} of port 0x{reads[i].Port:x}: QEMU 0x{expected[i]:x}, ours 0x{actual[i]:x} (mask 0x{reads[i].Mask:x})");
        }
        Assert.True(differences.Length == 0, differences.ToString());
    }

    public uint[] RunOn(IoPortSpace io)
    {
        var values = new List<uint>();
        foreach (Op op in _ops)
        {
            switch (op.Kind)
            {
                case Kind.Out8: io.Write(op.Port, 1, op.Value); break;
                case Kind.Out32: io.Write(op.Port, 4, op.Value); break;
                case Kind.In8: values.Add(io.Read(op.Port, 1)); break;
                case Kind.In32: values.Add(io.Read(op.Port, 4)); break;
            }
        }
        return [.. values];
    }

    public uint[] RunOnQemu(int memoryMiB)
    {
        string dir = Directory.CreateTempSubdirectory("qemusharp-hw-oracle").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "fw.s"), Assembly());
            Run(dir, "as", "--32 -o fw.o fw.s");
            Run(dir, "ld", "-m elf_i386 -e 0 -Ttext=0 --oformat=binary -o fw.bin fw.o");
            string output = Run(dir, "qemu-system-x86_64",
                $"-M pc -m {memoryMiB} -nodefaults -no-user-config -display none -accel tcg -bios fw.bin " +
                "-serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4", expectedExit: 1);
            string hex = output.Trim();
            var values = new List<uint>();
            int at = 0;
            foreach (Op op in _ops.Where(o => o.Kind is Kind.In8 or Kind.In32))
            {
                int bytes = op.Kind == Kind.In8 ? 1 : 4;
                uint v = 0;
                for (int b = 0; b < bytes; b++, at += 2)
                    v |= uint.Parse(hex.AsSpan(at, 2), NumberStyles.HexNumber) << (8 * b);
                values.Add(v);
            }
            return [.. values];
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Real-mode code at F000:0000, entered by a far jump at the reset vector; results go out on COM1 as hex.</summary>
    private string Assembly()
    {
        var s = new StringBuilder();
        s.AppendLine(".code16\n.text\n cli\n xor %ax, %ax\n mov %ax, %ds\n mov %ax, %es\n mov %ax, %ss\n mov $0x7000, %sp\n mov $0x500, %di\n cld");
        foreach (Op op in _ops)
        {
            s.AppendLine($" mov $0x{op.Port:x}, %dx");
            s.AppendLine(op.Kind switch
            {
                Kind.Out8 => $" mov $0x{op.Value:x}, %al\n out %al, %dx",
                Kind.Out32 => $" mov $0x{op.Value:x}, %eax\n out %eax, %dx",
                Kind.In8 => " in %dx, %al\n stosb",
                _ => " in %dx, %eax\n stosl",
            });
        }
        s.AppendLine("""
             mov %di, %cx
             sub $0x500, %cx
             mov $0x500, %si
             mov $0x3fb, %dx
             mov $0x03, %al
             out %al, %dx
             mov $0x3fc, %dx
             mov $0x00, %al
             out %al, %dx
             mov $0x3fa, %dx
             mov $0x07, %al
             out %al, %dx
            next:
             test %cx, %cx
             jz done
             lodsb
             mov %al, %ah
             shr $4, %al
             call hex
             mov %ah, %al
             and $0x0f, %al
             call hex
             dec %cx
             jmp next
            done:
             mov $0x0a, %bl
             call putc
             mov $0xf4, %dx
             mov $0, %al
             out %al, %dx
            halt:
             hlt
             jmp halt
            hex:
             add $0x30, %al
             cmp $0x39, %al
             jbe digit
             add $7, %al
            digit:
             mov %al, %bl
            putc:
             mov $0x3fd, %dx
            wait:
             in %dx, %al
             test $0x20, %al
             jz wait
             mov $0x3f8, %dx
             mov %bl, %al
             out %al, %dx
             ret
            .org 0xfff0
             .byte 0xea
             .word 0
             .word 0xf000
            .org 0x10000
            """);
        return s.ToString();
    }

    private static string Run(string dir, string program, string arguments, int expectedExit = 0)
    {
        var psi = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"{program} did not start");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {arguments} did not finish");
        }
        Assert.True(p.ExitCode == expectedExit, $"{program} exited with {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }
}

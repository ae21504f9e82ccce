using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace QemuSharp.Target.X86.Tests.System;

/// <summary>
/// A 64 KiB firmware image that a PC maps below 4 GiB and at 0xf0000: from the reset vector it goes
/// real mode → protected mode → long mode (page tables built in RAM at 0x10000, the first 2 MiB
/// identity-mapped) and runs a test body in 64-bit mode. Output goes to port 0xe9 (QEMU's
/// debugcon); writing port 0xf4 ends the run (QEMU's isa-debug-exit).
/// </summary>
public static class BootImage
{
    public const int Size = 0x10000;
    public const ulong LowBase = 0xf0000;
    private const int Code32 = 0x200, Code64 = 0x800, Gdt = 0x1f00, Gdtr = 0x1f80;

    /// <summary>
    /// An image whose real-mode part runs <paramref name="body16"/> and whose 32-bit part runs
    /// <paramref name="body32"/> (if any) before it enables paging and long mode.
    /// </summary>
    public static byte[] Build(Action<Assembler> body64, Action<Assembler>? body32 = null, Action<Assembler>? body16 = null, string protectedMarker = "P")
    {
        var image = new byte[Size];
        // Real mode at F000:0000.
        var r = new Assembler(16);
        r.cli();
        body16?.Invoke(r);
        r.db(0x66, 0x2e, 0x0f, 0x01, 0x16, Gdtr & 0xff, Gdtr >> 8); // lgdt cs:[Gdtr] (32-bit base)
        r.mov(eax, cr0);
        r.or(al, 1);
        r.mov(cr0, eax);
        r.db(0x66, 0xea, Code32 & 0xff, Code32 >> 8, 0x0f, 0x00, 0x08, 0x00); // jmp dword 0x08:0xf0200
        Place(image, r, 0, 0);

        var a = new Assembler(32);
        a.mov(ax, 0x10);
        a.mov(ds, ax);
        a.mov(es, ax);
        a.mov(ss, ax);
        a.mov(esp, 0x9000);
        Print(a, protectedMarker);
        body32?.Invoke(a);
        a.mov(__dword_ptr[0x10000], 0x11003);
        a.mov(__dword_ptr[0x11000], 0x12003);
        a.mov(__dword_ptr[0x12000], 0x83);
        a.mov(eax, 0x10000);
        a.mov(cr3, eax);
        a.mov(eax, cr4);
        a.or(eax, 0x20);
        a.mov(cr4, eax);
        a.mov(ecx, 0xc0000080);
        a.rdmsr();
        a.or(eax, 0x100);
        a.wrmsr();
        a.mov(eax, cr0);
        a.or(eax, unchecked((int)0x80000000));
        a.mov(cr0, eax);
        a.db(0xea, Code64 & 0xff, Code64 >> 8, 0x0f, 0x00, 0x18, 0x00); // jmp 0x18:0xf0800
        Place(image, a, Code32);

        var l = new Assembler(64);
        l.mov(rsp, 0x9000);
        body64(l);
        Exit(l);
        Place(image, l, Code64);

        // Null, code32 (0x08), data (0x10), code64 (0x18), user code32 (0x20), user data (0x28), user code64 (0x30),
        // and a 64-bit TSS (0x38) at 0x8000 in RAM.
        ulong[] gdt = [0, 0x00cf9b000000ffff, 0x00cf93000000ffff, 0x00af9b000000ffff, 0x00cffb000000ffff, 0x00cff3000000ffff, 0x00affb000000ffff,
            0x0000_8900_8000_0067, 0];
        for (int i = 0; i < gdt.Length; i++)
            BitConverter.GetBytes(gdt[i]).CopyTo(image, Gdt + i * 8);
        BitConverter.GetBytes((ushort)(gdt.Length * 8 - 1)).CopyTo(image, Gdtr);
        BitConverter.GetBytes((uint)LowBase + Gdt).CopyTo(image, Gdtr + 2);
        byte[] reset = [0xea, 0x00, 0x00, 0x00, 0xf0]; // jmp 0xf000:0x0000
        reset.CopyTo(image, 0xfff0);
        return image;
    }

    public static void Print(Assembler a, string text)
    {
        foreach (char ch in text)
        {
            a.mov(al, (byte)ch);
            a.@out(0xe9, al);
        }
    }

    /// <summary>Prints AL as two hex digits (clobbers RAX, RDX in 64-bit code).</summary>
    public static void PrintHexByte(Assembler a)
    {
        a.mov(dl, al);
        a.shr(al, 4);
        Digit(a);
        a.mov(al, dl);
        a.and(al, 15);
        Digit(a);
    }

    private static void Digit(Assembler a)
    {
        var done = a.CreateLabel();
        a.add(al, (byte)'0');
        a.cmp(al, (byte)'9');
        a.jbe(done);
        a.add(al, 7);
        a.Label(ref done);
        a.@out(0xe9, al);
    }

    public static void Exit(Assembler a)
    {
        a.mov(al, 0);
        a.@out(0xf4, al);
        a.cli();
        var stop = a.CreateLabel();
        a.Label(ref stop);
        a.hlt();
        a.jmp(stop);
    }

    private static void Place(byte[] image, Assembler a, int offset) => Place(image, a, offset, LowBase + (ulong)offset);

    private static void Place(byte[] image, Assembler a, int offset, ulong ip)
    {
        var ms = new MemoryStream();
        a.Assemble(new StreamCodeWriter(ms), ip);
        if (ms.Length > (offset == 0 ? Code32 : offset == Code32 ? Code64 - Code32 : Gdt - Code64))
            throw new InvalidOperationException("the test program does not fit its part of the image");
        ms.ToArray().CopyTo(image, offset);
    }
}

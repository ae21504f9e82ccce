using System.Buffers.Binary;

namespace QemuSharp.LinuxUser.Tests;

/// <summary>Malformed and hostile executables: a one-line error and exit status 1, never a stack trace.</summary>
public sealed class BadElfTests
{
    private static string Write(string name, byte[] bytes)
    {
        string dir = Path.Combine(Path.GetTempPath(), "qemusharp-badelf", Environment.ProcessId.ToString());
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static byte[] RealElf() => File.ReadAllBytes(GuestPrograms.Build("smc", "int/smc.c"));

    private static byte[] Patch(byte[] elf, Action<byte[]> change)
    {
        var copy = (byte[])elf.Clone();
        change(copy);
        return copy;
    }

    private static int ProgramHeader(byte[] e, int i) => (int)BinaryPrimitives.ReadUInt64LittleEndian(e.AsSpan(32)) + i * 56;

    private static int FirstLoad(byte[] e)
    {
        for (int i = 0; ; i++)
            if (BinaryPrimitives.ReadUInt32LittleEndian(e.AsSpan(ProgramHeader(e, i))) == 1)
                return ProgramHeader(e, i);
    }

    public static TheoryData<string> Cases => new()
    {
        "empty", "garbage", "truncated-header", "truncated-segments", "wrong-machine", "32-bit", "huge-memsz",
        "overlapping-segments", "phnum-past-end", "missing-interpreter", "segment-in-kernel-space", "filesz-over-memsz",
    };

    private static byte[] Build(string name)
    {
        var rng = new Random(7);
        switch (name)
        {
            case "empty": return [];
            case "garbage": { var b = new byte[4096]; rng.NextBytes(b); return b; }
            case "truncated-header": return RealElf()[..40];
            case "truncated-segments": return RealElf()[..4096];
            case "wrong-machine": return Patch(RealElf(), e => e[18] = 40);
            case "32-bit": return Patch(RealElf(), e => e[4] = 1);
            case "huge-memsz": return Patch(RealElf(), e => BinaryPrimitives.WriteUInt64LittleEndian(e.AsSpan(FirstLoad(e) + 40), 0x7fff_ffff_ffff));
            case "overlapping-segments": return Patch(RealElf(), e =>
            {
                int first = FirstLoad(e);
                ulong vaddr = BinaryPrimitives.ReadUInt64LittleEndian(e.AsSpan(first + 16));
                for (int i = 1; i < 8; i++)
                {
                    int ph = ProgramHeader(e, i);
                    if (BinaryPrimitives.ReadUInt32LittleEndian(e.AsSpan(ph)) == 1 && ph != first)
                    {
                        ulong off = BinaryPrimitives.ReadUInt64LittleEndian(e.AsSpan(ph + 8));
                        BinaryPrimitives.WriteUInt64LittleEndian(e.AsSpan(ph + 16), vaddr + (off & 0xfff));
                        return;
                    }
                }
            });
            case "phnum-past-end": return Patch(RealElf(), e => BinaryPrimitives.WriteUInt16LittleEndian(e.AsSpan(56), 0xffff));
            case "missing-interpreter":
                return Patch(File.ReadAllBytes("/bin/true"), e =>
                {
                    int at = e.AsSpan().IndexOf("/lib64/ld-linux-x86-64.so.2"u8);
                    "/nonexistent/ld-linux.so.2\0\0"u8.CopyTo(e.AsSpan(at));
                });
            case "segment-in-kernel-space": return Patch(RealElf(), e => BinaryPrimitives.WriteUInt64LittleEndian(e.AsSpan(FirstLoad(e) + 16), 0xffff_8000_0000_0000));
            default: return Patch(RealElf(), e => BinaryPrimitives.WriteUInt64LittleEndian(e.AsSpan(FirstLoad(e) + 32), 0x7fff_ffff));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ShouldFailWithOneLineAndStatusOne(string name)
    {
        string path = Write(name, Build(name));
        var r = Run.Process(Run.Emulator, ["x86_64", path], "");
        Assert.Equal(1, r.ExitCode);
        string[] lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("qemu-x86_64: ", lines[0]);
        Assert.DoesNotContain("   at ", r.Stderr);
    }
}

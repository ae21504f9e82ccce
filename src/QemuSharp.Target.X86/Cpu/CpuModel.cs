namespace QemuSharp.Target.X86.Cpu;

/// <summary>
/// A CPU model for <c>-cpu</c>: what CPUID reports. Every feature bit set here is implemented
/// (design.md #6): guest libraries choose their code paths from these bits.
/// </summary>
public sealed class CpuModel
{
    public required string Name { get; init; }
    public required string Vendor { get; init; }
    public required string BrandString { get; init; }
    public uint Family { get; init; }
    public uint ModelNumber { get; init; }
    public uint Stepping { get; init; }
    public uint Leaf1Ecx { get; init; }
    public uint Leaf1Edx { get; init; }
    public uint Leaf7Ebx { get; init; }
    public uint Ext1Ecx { get; init; }
    public uint Ext1Edx { get; init; }

    // CPUID.1:EDX
    public const uint Fpu = 1 << 0, Tsc = 1 << 4, Cx8 = 1 << 8, Cmov = 1 << 15, Mmx = 1 << 23, Fxsr = 1 << 24;
    public const uint Sse = 1 << 25, Sse2 = 1 << 26, Clflush = 1 << 19, Pse = 1 << 3, Pae = 1 << 6, Apic = 1 << 9;
    public const uint Sep = 1 << 11, Mtrr = 1 << 12, Pge = 1 << 13, Mca = 1 << 14, Pat = 1 << 16, Pse36 = 1 << 17;
    public const uint Msr = 1 << 5, Mce = 1 << 7, De = 1 << 2;
    // CPUID.1:ECX
    public const uint Sse3 = 1 << 0, Ssse3 = 1 << 9, Cx16 = 1 << 13, Sse41 = 1 << 19, Sse42 = 1 << 20;
    public const uint Movbe = 1 << 22, Popcnt = 1 << 23, Hypervisor = 1u << 31;
    // CPUID.80000001
    public const uint LahfLm = 1 << 0, Abm = 1 << 5;
    public const uint Syscall = 1 << 11, Nx = 1 << 20, Lm = 1 << 29;

    private const uint BaseEdx = Fpu | De | Pse | Tsc | Msr | Pae | Mce | Cx8 | Apic | Sep | Mtrr | Pge | Mca | Cmov | Pat | Pse36
        | Clflush | Mmx | Fxsr | Sse | Sse2;

    /// <summary>QEMU's default qemu64 model: x86-64 baseline plus SSE3 and CMPXCHG16B.</summary>
    public static readonly CpuModel Qemu64 = new()
    {
        Name = "qemu64", Vendor = "AuthenticAMD", BrandString = "QEMU Virtual CPU version 2.5+",
        Family = 15, ModelNumber = 107, Stepping = 1,
        Leaf1Edx = BaseEdx, Leaf1Ecx = Sse3 | Cx16 | Hypervisor,
        Ext1Edx = Syscall | Nx | Lm, Ext1Ecx = LahfLm,
    };

    /// <summary>The x86-64-v2 level (SSE3, SSSE3, SSE4.1, SSE4.2, POPCNT, CMPXCHG16B, LAHF/SAHF): the default.</summary>
    public static readonly CpuModel Nehalem = new()
    {
        Name = "Nehalem", Vendor = "GenuineIntel", BrandString = "Intel Core i7 9xx (Nehalem Class Core i7)",
        Family = 6, ModelNumber = 26, Stepping = 3,
        Leaf1Edx = BaseEdx, Leaf1Ecx = Sse3 | Ssse3 | Cx16 | Sse41 | Sse42 | Popcnt | Hypervisor,
        Ext1Edx = Syscall | Nx | Lm, Ext1Ecx = LahfLm,
    };

    /// <summary>Everything this emulator implements: the v2 level plus MOVBE.</summary>
    public static readonly CpuModel Max = new()
    {
        Name = "max", Vendor = "GenuineIntel", BrandString = "QemuSharp TCG CPU",
        Family = 6, ModelNumber = 26, Stepping = 3,
        Leaf1Edx = BaseEdx, Leaf1Ecx = Nehalem.Leaf1Ecx | Movbe,
        Ext1Edx = Syscall | Nx | Lm, Ext1Ecx = LahfLm,
    };

    public static readonly CpuModel[] All = [Nehalem, Qemu64, Max];

    public static CpuModel Default => Nehalem;

    public static CpuModel? Find(string name) =>
        All.FirstOrDefault(m => m.Name.Equals(name == "host" ? "max" : name, StringComparison.OrdinalIgnoreCase));

    public bool Has(uint leaf1Ecx) => (Leaf1Ecx & leaf1Ecx) == leaf1Ecx;

    public (uint Eax, uint Ebx, uint Ecx, uint Edx) Cpuid(uint leaf, uint subleaf)
    {
        switch (leaf)
        {
            case 0:
                return (0xd, VendorWord(0), VendorWord(2), VendorWord(1));
            case 1:
                uint eax = Stepping | ((Family > 15 ? 15 : Family) << 8) | ((ModelNumber & 0xf) << 4) | ((ModelNumber >> 4) << 16)
                    | ((Family > 15 ? Family - 15 : 0) << 20);
                // EBX: CLFLUSH line size 8 (x 8 bytes), one logical processor, APIC id 0.
                return (eax, (8 << 8) | (1 << 16), Leaf1Ecx, Leaf1Edx);
            case 7 when subleaf == 0:
                return (0, Leaf7Ebx, 0, 0);
            case 0x80000000:
                return (0x80000008, 0, 0, 0);
            case 0x80000001:
                return (0, 0, Ext1Ecx, Ext1Edx);
            case >= 0x80000002 and <= 0x80000004:
                return BrandWords(leaf - 0x80000002);
            case 0x80000008:
                return (0x3028, 0, 0, 0); // 48 virtual, 40 physical address bits
            default:
                return (0, 0, 0, 0);
        }
    }

    private uint VendorWord(int i) => BitConverter.ToUInt32(System.Text.Encoding.ASCII.GetBytes(Vendor), i * 4);

    private (uint, uint, uint, uint) BrandWords(uint part)
    {
        byte[] b = new byte[48];
        System.Text.Encoding.ASCII.GetBytes(BrandString).AsSpan(0, Math.Min(47, BrandString.Length)).CopyTo(b);
        int o = (int)part * 16;
        return (BitConverter.ToUInt32(b, o), BitConverter.ToUInt32(b, o + 4), BitConverter.ToUInt32(b, o + 8), BitConverter.ToUInt32(b, o + 12));
    }
}

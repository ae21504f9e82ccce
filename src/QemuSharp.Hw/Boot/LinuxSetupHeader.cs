using System.Buffers.Binary;

namespace QemuSharp.Hw.Boot;

/// <summary>Offsets of the setup header fields in a bzImage and in boot_params (Documentation/arch/x86/boot.rst).</summary>
public enum SetupHeaderField : ushort
{
    SetupSects = 0x1f1,
    SysSize = 0x1f4,
    VidMode = 0x1fa,
    BootFlag = 0x1fe,
    Jump = 0x200,
    Header = 0x202,
    Version = 0x206,
    TypeOfLoader = 0x210,
    LoadFlags = 0x211,
    Code32Start = 0x214,
    RamdiskImage = 0x218,
    RamdiskSize = 0x21c,
    HeapEndPtr = 0x224,
    CmdLinePtr = 0x228,
    InitrdAddrMax = 0x22c,
    KernelAlignment = 0x230,
    RelocatableKernel = 0x234,
    XLoadFlags = 0x236,
    CmdlineSize = 0x238,
    HardwareSubarch = 0x23c,
    PayloadOffset = 0x248,
    PayloadLength = 0x24c,
    SetupData = 0x250,
    PrefAddress = 0x258,
    InitSize = 0x260,
}

/// <summary>The setup header of a Linux bzImage, read from the first sectors of the file.</summary>
public sealed record LinuxSetupHeader
{
    /// <summary>"HdrS" at offset 0x202.</summary>
    public const uint Magic = 0x53726448;

    /// <summary>boot_params keeps the setup header in 0x1f1-0x28f; edd_mbr_sig_buffer follows.</summary>
    public const int EndOfHeaderArea = 0x290;

    /// <summary>loadflags: the protected-mode code is loaded at 0x100000.</summary>
    public const byte LoadedHigh = 1 << 0;

    /// <summary>xloadflags: the kernel has the 64-bit entry point at offset 0x200.</summary>
    public const ushort XlfKernel64 = 1 << 0;

    /// <summary>xloadflags: kernel, boot_params, command line and ramdisk may lie above 4 GiB.</summary>
    public const ushort XlfCanBeLoadedAbove4G = 1 << 1;

    /// <summary>The lowest protocol whose kernels have xloadflags, pref_address and the 64-bit entry (2.12).</summary>
    public const ushort MinimumVersionFor64BitEntry = 0x020c;

    public int SetupSects { get; init; }
    public uint SysSize { get; init; }
    public ushort Version { get; init; }
    public byte LoadFlags { get; init; }
    public uint InitrdAddrMax { get; init; }
    public uint KernelAlignment { get; init; }
    public bool Relocatable { get; init; }
    public ushort XLoadFlags { get; init; }
    public uint CmdlineSize { get; init; }
    public ulong PrefAddress { get; init; }
    public uint InitSize { get; init; }

    /// <summary>Bytes from 0x1f1 to the end of the header (0x202 plus the byte at 0x201), copied into boot_params.</summary>
    public int Length { get; init; }

    /// <summary>The real-mode setup code and header: (setup_sects + 1) sectors; the protected-mode kernel follows.</summary>
    public int SetupSize => (SetupSects + 1) * 512;

    public bool Supports64BitEntry => Version >= MinimumVersionFor64BitEntry && (XLoadFlags & XlfKernel64) != 0;

    /// <summary>Reads the header; null when the image has no "HdrS" signature (not a bzImage).</summary>
    public static LinuxSetupHeader? Parse(ReadOnlySpan<byte> image)
    {
        if (image.Length < EndOfHeaderArea || U32(image, SetupHeaderField.Header) != Magic)
            return null;
        int setupSects = image[(int)SetupHeaderField.SetupSects];
        ushort version = U16(image, SetupHeaderField.Version);
        return new LinuxSetupHeader
        {
            SetupSects = setupSects == 0 ? 4 : setupSects,
            SysSize = U32(image, SetupHeaderField.SysSize),
            Version = version,
            LoadFlags = image[(int)SetupHeaderField.LoadFlags],
            InitrdAddrMax = version >= 0x0203 ? U32(image, SetupHeaderField.InitrdAddrMax) : 0x37ffffff,
            KernelAlignment = version >= 0x0205 ? U32(image, SetupHeaderField.KernelAlignment) : 0,
            Relocatable = version >= 0x0205 && image[(int)SetupHeaderField.RelocatableKernel] != 0,
            XLoadFlags = version >= 0x020c ? U16(image, SetupHeaderField.XLoadFlags) : (ushort)0,
            CmdlineSize = version >= 0x0206 ? U32(image, SetupHeaderField.CmdlineSize) : 255,
            PrefAddress = version >= 0x020a ? BinaryPrimitives.ReadUInt64LittleEndian(image[(int)SetupHeaderField.PrefAddress..]) : 0x100000,
            InitSize = version >= 0x020a ? U32(image, SetupHeaderField.InitSize) : 0,
            Length = Math.Min(0x202 + image[0x201], EndOfHeaderArea) - 0x1f1,
        };
    }

    private static ushort U16(ReadOnlySpan<byte> b, SetupHeaderField f) => BinaryPrimitives.ReadUInt16LittleEndian(b[(int)f..]);

    private static uint U32(ReadOnlySpan<byte> b, SetupHeaderField f) => BinaryPrimitives.ReadUInt32LittleEndian(b[(int)f..]);
}

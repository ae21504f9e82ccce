using QemuSharp.Block;

namespace QemuSharp.Nbd;

/// <summary>qemu-nbd's --discard: whether TRIM and WRITE_ZEROES may free space.</summary>
public enum DiscardMode
{
    Ignore,
    Unmap,
}

/// <summary>qemu-nbd's --detect-zeroes: whether written zero blocks become zero writes.</summary>
public enum DetectZeroesMode
{
    Off,
    On,
    Unmap,
}

/// <summary>One image as a server offers it: its name, description and how writes reach it.</summary>
public sealed class NbdExport
{
    public NbdExport(string name, BlockDriver image)
    {
        Name = name;
        Image = image;
    }

    public string Name { get; }

    public BlockDriver Image { get; }

    public string? Description { get; init; }

    public bool ReadOnly { get; init; }

    /// <summary>Advertise CAN_MULTI_CONN (qemu-nbd does when -e is not 1).</summary>
    public bool MultiConn { get; init; }

    /// <summary>Offer the <c>qemu:allocation-depth</c> context (qemu-nbd -A).</summary>
    public bool AllocationDepth { get; init; }

    public DiscardMode Discard { get; init; }

    public DetectZeroesMode DetectZeroes { get; init; }

    /// <summary>cache=writethrough or directsync: every write is flushed before its reply.</summary>
    public bool WriteThrough { get; init; }

    public long Size => Image.Length;

    /// <summary>The transmission flags qemu-nbd sends, before DF (which depends on the client).</summary>
    public NbdTransmissionFlags Flags
    {
        get
        {
            var flags = NbdTransmissionFlags.HasFlags | NbdTransmissionFlags.SendFlush | NbdTransmissionFlags.SendFua
                | NbdTransmissionFlags.SendCache;
            if (ReadOnly)
                flags |= NbdTransmissionFlags.ReadOnly;
            else
                flags |= NbdTransmissionFlags.SendTrim | NbdTransmissionFlags.SendWriteZeroes | NbdTransmissionFlags.SendFastZero;
            if (MultiConn)
                flags |= NbdTransmissionFlags.CanMultiConn;
            return flags;
        }
    }
}

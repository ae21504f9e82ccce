namespace QemuSharp.Nbd;

/// <summary>Numbers of the NBD protocol (doc/proto.md of the NBD project).</summary>
public static class Nbd
{
    public const ulong InitMagic = 0x4E42444D41474943;
    public const ulong OptionMagic = 0x49484156454F5054;
    public const ulong OptionReplyMagic = 0x3E889045565A9;
    public const uint RequestMagic = 0x25609513;
    public const uint SimpleReplyMagic = 0x67446698;
    public const uint StructuredReplyMagic = 0x668E33EF;

    public const ushort FlagFixedNewstyle = 1;
    public const ushort FlagNoZeroes = 2;

    /// <summary>QEMU's NBD_MAX_BUFFER_SIZE: the largest request and option payload.</summary>
    public const int MaxBufferSize = 32 << 20;
    /// <summary>QEMU's NBD_MAX_STRING_SIZE: the longest export name or description.</summary>
    public const int MaxStringSize = 4096;
    public const int DefaultPort = 10809;
}

public enum NbdOption : uint
{
    ExportName = 1,
    Abort = 2,
    List = 3,
    StartTls = 5,
    Info = 6,
    Go = 7,
    StructuredReply = 8,
    ListMetaContext = 9,
    SetMetaContext = 10,
    ExtendedHeaders = 11,
}

public enum NbdReply : uint
{
    Ack = 1,
    Server = 2,
    Info = 3,
    MetaContext = 4,
    ErrUnsup = 0x80000001,
    ErrPolicy = 0x80000002,
    ErrInvalid = 0x80000003,
    ErrPlatform = 0x80000004,
    ErrTlsReqd = 0x80000005,
    ErrUnknown = 0x80000006,
    ErrShutdown = 0x80000007,
    ErrBlockSizeReqd = 0x80000008,
    ErrTooBig = 0x80000009,
}

public enum NbdInfo : ushort
{
    Export = 0,
    Name = 1,
    Description = 2,
    BlockSize = 3,
}

[Flags]
public enum NbdTransmissionFlags : ushort
{
    HasFlags = 1 << 0,
    ReadOnly = 1 << 1,
    SendFlush = 1 << 2,
    SendFua = 1 << 3,
    Rotational = 1 << 4,
    SendTrim = 1 << 5,
    SendWriteZeroes = 1 << 6,
    SendDf = 1 << 7,
    CanMultiConn = 1 << 8,
    SendResize = 1 << 9,
    SendCache = 1 << 10,
    SendFastZero = 1 << 11,
}

public enum NbdCommand : ushort
{
    Read = 0,
    Write = 1,
    Disc = 2,
    Flush = 3,
    Trim = 4,
    Cache = 5,
    WriteZeroes = 6,
    BlockStatus = 7,
}

[Flags]
public enum NbdCommandFlags : ushort
{
    None = 0,
    Fua = 1,
    NoHole = 2,
    DontFragment = 4,
    ReqOne = 8,
    FastZero = 0x10,
}

public enum NbdChunk : ushort
{
    None = 0,
    OffsetData = 1,
    OffsetHole = 2,
    BlockStatus = 5,
    Error = 0x8001,
    ErrorOffset = 0x8002,
}

/// <summary>The error numbers NBD carries on the wire (Linux values).</summary>
public static class NbdErrno
{
    public const uint Eperm = 1;
    public const uint Eio = 5;
    public const uint Enomem = 12;
    public const uint Einval = 22;
    public const uint Enospc = 28;
    public const uint Eoverflow = 75;
    public const uint Enotsup = 95;
    public const uint Eshutdown = 108;
}

/// <summary>Bits of the <c>base:allocation</c> context.</summary>
[Flags]
public enum NbdState : uint
{
    Hole = 1,
    Zero = 2,
}

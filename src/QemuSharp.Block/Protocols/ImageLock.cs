using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using QemuSharp.Block.Posix;

namespace QemuSharp.Block.Protocols;

/// <summary>
/// QEMU's image locking: shared OFD byte-range locks on byte 100+p for each permission p a user
/// holds and on byte 200+p for each permission it will not share with others. Another user
/// conflicts when it holds the byte we would need to lock exclusively to probe.
/// </summary>
internal static class ImageLock
{
    public const int ConsistentRead = 0;
    public const int Write = 1;
    public const int Resize = 3;
    private const int PermBase = 100;
    private const int SharedBase = 200;
    private static readonly string[] PermNames = ["consistent read", "write", "write unchanged", "resize"];

    /// <summary>Takes the locks for a reader or a writer and fails with QEMU's message on conflict.</summary>
    public static void Acquire(SafeFileHandle handle, string fileName, bool writable, bool shareAll)
    {
        int fd = (int)handle.DangerousGetHandle();
        int[] perms = writable ? [ConsistentRead, Write, Resize] : [ConsistentRead];
        int[] unshared = shareAll ? [] : [Write, Resize];
        foreach (int p in perms)
            SetShared(fd, PermBase + p);
        foreach (int p in unshared)
            SetShared(fd, SharedBase + p);
        foreach (int p in perms)
            if (HeldByOthers(fd, SharedBase + p))
                throw Conflict($"Failed to get \"{PermNames[p]}\" lock", fileName);
        foreach (int p in unshared)
            if (HeldByOthers(fd, PermBase + p))
                throw Conflict($"Failed to get shared \"{PermNames[p]}\" lock", fileName);
    }

    /// <summary>
    /// Drops every lock of the open file description. Closing alone is not enough while a child
    /// forked by another thread still holds a duplicate of the descriptor before its exec.
    /// </summary>
    public static void Release(SafeFileHandle handle)
    {
        if (handle.IsClosed)
            return;
        var lck = new Native.Flock { Type = Native.FUnLck, Whence = 0, Start = 0, Len = 0 };
        Native.FcntlLock((int)handle.DangerousGetHandle(), Native.FOfdSetLk, ref lck);
    }

    private static BlockException Conflict(string message, string fileName)
        => new($"{message}\nIs another process using the image [{fileName}]?");

    private static void SetShared(int fd, long offset)
    {
        var lck = new Native.Flock { Type = Native.FRdLck, Whence = 0, Start = offset, Len = 1 };
        if (Native.FcntlLock(fd, Native.FOfdSetLk, ref lck) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is 11 or 13)
                throw new BlockException($"Failed to lock byte {offset}");
        }
    }

    private static bool HeldByOthers(int fd, long offset)
    {
        var lck = new Native.Flock { Type = Native.FWrLck, Whence = 0, Start = offset, Len = 1 };
        if (Native.FcntlLock(fd, Native.FOfdGetLk, ref lck) != 0)
            return false;
        return lck.Type != Native.FUnLck;
    }
}

using System.Text;

namespace QemuSharp.LinuxUser.Memory;

/// <summary>
/// The kernel's view of guest memory: copies to and from guest addresses with the checks that
/// copy_to_user and copy_from_user make. A bad address gives false (the syscall's -EFAULT),
/// never an access to host memory outside the guest's mappings.
/// </summary>
internal sealed unsafe class GuestMemory(GuestAddressSpace space)
{
    public GuestAddressSpace Space => space;

    public bool TryRead(ulong addr, Span<byte> dst)
    {
        int done = 0;
        while (done < dst.Length)
        {
            ulong a = addr + (ulong)done;
            int chunk = (int)Math.Min((ulong)(dst.Length - done), GuestAddressSpace.PageSize - (a & 0xfff));
            byte* p = space.HostPointer(a, (ulong)chunk, PageTable.Read);
            if (p == null)
                return false;
            new ReadOnlySpan<byte>(p, chunk).CopyTo(dst[done..]);
            done += chunk;
        }
        return true;
    }

    public bool TryWrite(ulong addr, ReadOnlySpan<byte> src)
    {
        // Check the whole range first, so that a failure writes nothing.
        for (ulong a = addr & ~0xfffUL; a < addr + (ulong)src.Length; a += GuestAddressSpace.PageSize)
            if (space.HostPointer(a, 1, PageTable.Write) == null)
                return false;
        int done = 0;
        while (done < src.Length)
        {
            ulong a = addr + (ulong)done;
            int chunk = (int)Math.Min((ulong)(src.Length - done), GuestAddressSpace.PageSize - (a & 0xfff));
            src.Slice(done, chunk).CopyTo(new Span<byte>(space.HostPointer(a, (ulong)chunk, PageTable.Write), chunk));
            done += chunk;
        }
        return true;
    }

    public bool TryRead64(ulong addr, out ulong v)
    {
        Span<byte> b = stackalloc byte[8];
        bool ok = TryRead(addr, b);
        v = BitConverter.ToUInt64(b);
        return ok;
    }

    public bool TryWrite64(ulong addr, ulong v) => TryWrite(addr, BitConverter.GetBytes(v));

    public bool TryWrite32(ulong addr, uint v) => TryWrite(addr, BitConverter.GetBytes(v));

    /// <summary>Reads a NUL-terminated string of at most <paramref name="max"/> bytes; null on a bad address or no terminator.</summary>
    public byte[]? ReadCString(ulong addr, int max = 4096)
    {
        var bytes = new List<byte>();
        while (bytes.Count < max)
        {
            byte* p = space.HostPointer(addr + (ulong)bytes.Count, 1, PageTable.Read);
            if (p == null)
                return null;
            int avail = (int)(GuestAddressSpace.PageSize - ((addr + (ulong)bytes.Count) & 0xfff));
            for (int i = 0; i < avail && bytes.Count < max; i++)
            {
                if (p[i] == 0)
                    return [.. bytes];
                bytes.Add(p[i]);
            }
        }
        return null;
    }

    public string? ReadString(ulong addr, int max = 4096)
    {
        var b = ReadCString(addr, max);
        return b == null ? null : Encoding.UTF8.GetString(b);
    }
}

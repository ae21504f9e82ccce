namespace QemuSharp.LinuxUser.Memory;

/// <summary>
/// Guest page → host page, with the guest's permissions in the low bits: a three-level radix
/// table over the 48-bit user address space, 4096 entries per level.
/// </summary>
internal sealed class PageTable
{
    public const ulong Read = 1, Write = 2, Exec = 4;
    public const ulong PermMask = 7;
    public const ulong AddressLimit = 1UL << 47;

    private readonly ulong[]?[]?[] _root = new ulong[]?[]?[4096];

    /// <summary>The entry of a guest page (host page address | permission bits), or 0 if unmapped.</summary>
    public ulong Get(ulong guestPage)
    {
        if (guestPage >= AddressLimit)
            return 0;
        var l2 = _root[(int)(guestPage >> 36) & 4095];
        var l3 = l2?[(int)(guestPage >> 24) & 4095];
        return l3 == null ? 0 : l3[(int)(guestPage >> 12) & 4095];
    }

    public void Set(ulong guestPage, ulong entry)
    {
        ref var l2 = ref _root[(int)(guestPage >> 36) & 4095];
        l2 ??= new ulong[]?[4096];
        ref var l3 = ref l2[(int)(guestPage >> 24) & 4095];
        if (l3 == null)
        {
            if (entry == 0)
                return;
            l3 = new ulong[4096];
        }
        l3[(int)(guestPage >> 12) & 4095] = entry;
    }
}

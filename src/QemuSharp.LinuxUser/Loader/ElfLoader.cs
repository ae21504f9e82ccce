using QemuSharp.LinuxUser.Memory;

namespace QemuSharp.LinuxUser.Loader;

/// <summary>Where an ELF image landed.</summary>
internal readonly record struct LoadedImage(ulong Bias, ulong Entry, ulong PhdrAddress, ulong End);

/// <summary>Maps the PT_LOAD segments of an <see cref="ElfImage"/> into the guest address space.</summary>
internal static unsafe class ElfLoader
{
    /// <summary>Where position-independent main programs go, as on Linux x86-64.</summary>
    public const ulong PieBase = 0x555555554000;

    public static LoadedImage Load(GuestAddressSpace space, ElfImage elf, bool isInterpreter)
    {
        var loads = elf.Loads.ToList();
        ulong lo = loads[0].VAddr & ~0xfffUL;
        ulong hi = GuestAddressSpace.PageAlign(loads[^1].VAddr + loads[^1].MemSize);
        ulong span = hi - lo;
        ulong bias = 0;
        if (elf.Type == ElfImage.ET_DYN)
        {
            ulong at = isInterpreter ? space.FindFree(span) : PieBase;
            if (at == 0)
                throw new ElfException("Cannot allocate memory");
            bias = at - lo;
        }
        else if (!space.IsFree(lo, span))
            throw new ElfException("Invalid ELF image: segments overlap existing mappings");

        using var file = File.OpenRead(elf.Path);
        foreach (var h in loads)
        {
            ulong start = (h.VAddr + bias) & ~0xfffUL;
            ulong end = GuestAddressSpace.PageAlign(h.VAddr + bias + h.MemSize);
            ulong length = end - start;
            nint host = Host.Mmap(0, length, Host.PROT_READ | Host.PROT_WRITE, Host.MAP_PRIVATE | Host.MAP_ANONYMOUS | Host.MAP_NORESERVE, -1, 0);
            if (Host.IsError(host))
                throw new ElfException("Cannot allocate memory");
            ulong inPage = (h.VAddr + bias) - start;
            file.Position = (long)h.Offset;
            file.ReadExactly(new Span<byte>((byte*)host + inPage, checked((int)h.FileSize)));
            int prot = ((h.Flags & ElfImage.PF_R) != 0 ? Host.PROT_READ : 0) | ((h.Flags & ElfImage.PF_W) != 0 ? Host.PROT_WRITE : 0)
                | ((h.Flags & ElfImage.PF_X) != 0 ? Host.PROT_EXEC : 0);
            if (!space.IsFree(start, length))
            {
                // Two segments sharing a page (common with small alignments): merge into the existing page.
                ulong existingEnd = start;
                while (existingEnd < end && space.IsMapped(existingEnd))
                    existingEnd += GuestAddressSpace.PageSize;
                byte* dst = space.HostPointer(start, existingEnd - start, 0);
                if (dst == null)
                    throw new ElfException("Invalid ELF image: overlapping segments");
                for (ulong o = inPage; o < inPage + h.FileSize && start + o < existingEnd; o++)
                    dst[o] = ((byte*)host)[o];
                Host.Munmap(host, existingEnd - start);
                if (existingEnd < end)
                    space.Insert(existingEnd, end - existingEnd, prot, host + (nint)(existingEnd - start), false, elf.Path, h.Offset);
                continue;
            }
            space.Insert(start, length, prot, host, false, elf.Path, h.Offset & ~0xfffUL);
        }

        ulong phdr = 0;
        foreach (var h in elf.Headers)
            if (h.Type == ElfImage.PT_PHDR)
                phdr = h.VAddr + bias;
        if (phdr == 0)
            foreach (var h in loads)
                if (elf.PhOff >= h.Offset && elf.PhOff < h.Offset + h.FileSize)
                    phdr = h.VAddr + (elf.PhOff - h.Offset) + bias;
        return new LoadedImage(bias, elf.Entry + bias, phdr, hi + bias);
    }
}

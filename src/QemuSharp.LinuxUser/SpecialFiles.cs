using System.Text;

namespace QemuSharp.LinuxUser;

/// <summary>
/// The /proc files whose host contents would describe the emulator rather than the guest:
/// /proc/self/exe, /proc/self/maps and /proc/cpuinfo are answered from the guest's view.
/// </summary>
internal static unsafe class SpecialFiles
{
    private static bool IsSelf(string path, string file) =>
        path == $"/proc/self/{file}" || path == $"/proc/{Environment.ProcessId}/{file}" || path == $"/proc/thread-self/{file}";

    /// <summary>A path to use instead of the guest's, or null.</summary>
    public static string? Redirect(GuestProcess p, string path) => IsSelf(path, "exe") ? p.ExePath : null;

    /// <summary>Opens a synthesized file as a memfd; long.MinValue when the path is not special.</summary>
    public static long Open(GuestProcess p, string path)
    {
        string? content = IsSelf(path, "maps") ? Maps(p) : path == "/proc/cpuinfo" ? CpuInfo(p) : null;
        if (content == null)
            return long.MinValue;
        byte[] name = "qemusharp-proc\0"u8.ToArray();
        long fd;
        fixed (byte* n = name)
            fd = Host.Syscall(319, (long)n, 0);
        if (fd < 0)
            return fd;
        byte[] data = Encoding.ASCII.GetBytes(content);
        fixed (byte* d = data)
            Host.Syscall(1, fd, (long)d, data.Length);
        Host.Syscall(8, fd, 0, 0);
        return fd;
    }

    private static string Maps(GuestProcess p)
    {
        var sb = new StringBuilder();
        lock (p.Space.SyncRoot)
            foreach (var v in p.Space.Vmas)
            {
                string perms = $"{((v.Prot & 1) != 0 ? 'r' : '-')}{((v.Prot & 2) != 0 ? 'w' : '-')}{((v.Prot & 4) != 0 ? 'x' : '-')}{(v.Shared ? 's' : 'p')}";
                string line = $"{v.Start:x8}-{v.End:x8} {perms} {v.FileOffset:x8} 00:00 0";
                sb.Append(v.Name.Length > 0 ? $"{line,-73}{v.Name}\n" : line + "\n");
            }
        return sb.ToString();
    }

    private static string CpuInfo(GuestProcess p)
    {
        var m = p.Options.Cpu;
        var flags = new List<string>();
        var (_, _, ecx, edx) = m.Cpuid(1, 0);
        string[] edxNames = ["fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", "", "sep", "mtrr", "pge", "mca", "cmov",
            "pat", "pse36", "pn", "clflush", "", "dts", "acpi", "mmx", "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe"];
        string[] ecxNames = ["pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2", "ssse3", "cid", "sdbg", "fma", "cx16",
            "xtpr", "pdcm", "", "pcid", "dca", "sse4_1", "sse4_2", "x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes", "xsave", "", "avx", "f16c", "rdrand", "hypervisor"];
        for (int i = 0; i < 32; i++)
            if ((edx & (1u << i)) != 0 && edxNames[i].Length > 0) flags.Add(edxNames[i]);
        for (int i = 0; i < 32; i++)
            if ((ecx & (1u << i)) != 0 && ecxNames[i].Length > 0) flags.Add(ecxNames[i]);
        flags.AddRange(["syscall", "nx", "lm"]);
        if ((m.Ext1Ecx & 1) != 0) flags.Add("lahf_lm");
        return $"processor\t: 0\nvendor_id\t: {m.Vendor}\ncpu family\t: {m.Family}\nmodel\t\t: {m.ModelNumber}\nmodel name\t: {m.BrandString}\n" +
            $"stepping\t: {m.Stepping}\ncpu MHz\t\t: 1000.000\ncache size\t: 512 KB\nphysical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\n" +
            $"fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: 13\nwp\t\t: yes\nflags\t\t: {string.Join(' ', flags)}\nbogomips\t: 2000.00\n" +
            "clflush size\t: 64\ncache_alignment\t: 64\naddress sizes\t: 40 bits physical, 48 bits virtual\npower management:\n\n";
    }
}

using System.Runtime.InteropServices;
using System.Text;

namespace QemuSharp.LinuxUser;

/// <summary>
/// Starting another copy of this emulator: for a guest execve (replacing this process) and a
/// guest fork (a new child process). Neither uses fork() inside .NET (design.md #9).
/// </summary>
internal static unsafe partial class EmulatorCommand
{
    /// <summary>The host command that runs our user mode: the executable (and the dll when hosted by dotnet), then "x86_64" and the options.</summary>
    public static List<string> Arguments(UserOptions options)
    {
        string exe = Environment.ProcessPath ?? "/proc/self/exe";
        var args = new List<string> { exe };
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet")
            args.Add(Environment.GetCommandLineArgs()[0]);
        args.Add("x86_64");
        args.AddRange(options.ToArguments());
        return args;
    }

    /// <summary>Replaces this process; returns -errno only if the host execve failed.</summary>
    public static long Exec(List<string> args, IReadOnlyList<string> env)
    {
        using var a = new CStringArray(args);
        using var e = new CStringArray(env);
        return Host.Syscall(59, (long)a.Strings[0], (long)a.Pointer, (long)e.Pointer);
    }

    [LibraryImport("libc", EntryPoint = "posix_spawn")]
    private static partial int PosixSpawn(out int pid, byte* path, nint fileActions, nint attr, byte** argv, byte** envp);

    /// <summary>Starts a new process with our environment; returns its pid or -errno.</summary>
    public static long Spawn(List<string> args)
    {
        var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().Select(d => $"{d.Key}={d.Value}").ToList();
        using var a = new CStringArray(args);
        using var e = new CStringArray(env);
        int r = PosixSpawn(out int pid, a.Strings[0], 0, 0, a.Pointer, e.Pointer);
        return r == 0 ? pid : -r;
    }

    /// <summary>A NULL-terminated array of NUL-terminated strings in native memory.</summary>
    private sealed class CStringArray : IDisposable
    {
        public readonly byte*[] Strings;
        public readonly byte** Pointer;

        public CStringArray(IReadOnlyList<string> items)
        {
            Strings = new byte*[items.Count];
            Pointer = (byte**)NativeMemory.Alloc((nuint)(items.Count + 1), (nuint)sizeof(nint));
            for (int i = 0; i < items.Count; i++)
            {
                byte[] b = Encoding.UTF8.GetBytes(items[i]);
                Strings[i] = (byte*)NativeMemory.Alloc((nuint)b.Length + 1);
                b.CopyTo(new Span<byte>(Strings[i], b.Length));
                Strings[i][b.Length] = 0;
                Pointer[i] = Strings[i];
            }
            Pointer[items.Count] = null;
        }

        public void Dispose()
        {
            foreach (var s in Strings)
                NativeMemory.Free(s);
            NativeMemory.Free(Pointer);
        }
    }
}

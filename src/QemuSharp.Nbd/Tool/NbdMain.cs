using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using QemuSharp.Block;
using QemuSharp.Common.Options;

namespace QemuSharp.Nbd.Tool;

/// <summary>The qemu-nbd front end: export one image over NBD until told to stop.</summary>
public static class NbdMain
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var a = NbdArguments.Parse(args);
            if (a.Help)
            {
                stdout.WriteLine("Usage: qemu-nbd [OPTIONS] FILE");
                stdout.WriteLine("  or:  qemu-nbd -L [OPTIONS]");
                stdout.WriteLine("QEMU Disk Network Block Device Utility");
                return 0;
            }
            if (a.Version)
            {
                stdout.WriteLine("qemu-nbd 7.2.22 (QemuSharp)");
                return 0;
            }
            if (a.List)
            {
                var address = a.Socket != null
                    ? new Client.NbdAddress(a.Socket, null, 0, "")
                    : new Client.NbdAddress(null, a.Bind ?? "0.0.0.0", Port(a.Port), "");
                ExportList.Print(Client.NbdClient.List(address), stdout);
                return 0;
            }
            if (a.Fork && !Daemon.IsChild)
                return Daemon.RunParent(args, stderr);
            return Serve(a, stderr);
        }
        catch (UsageException e)
        {
            stderr.WriteLine("qemu-nbd: " + e.Message);
            stderr.WriteLine((e.FromGetOpt ? "qemu-nbd: " : "") + "Try `qemu-nbd --help' for more information.");
            return 1;
        }
        catch (Exception e) when (e is OptionException or NbdException or BlockException)
        {
            stderr.WriteLine("qemu-nbd: " + e.Message);
            return 1;
        }
        finally
        {
            stderr.Flush();
        }
    }

    private static int Serve(NbdArguments a, TextWriter stderr)
    {
        if (a.Socket != null && !a.Socket.StartsWith('/'))
            throw new NbdException("socket path must be absolute");
        var tls = a.TlsCreds == null ? null : LoadTls(a);
        using var image = OpenImage(a);
        var export = new NbdExport(a.ExportName, image)
        {
            Description = a.Description,
            ReadOnly = a.ReadOnly,
            MultiConn = a.Shared != 1,
            AllocationDepth = a.AllocationDepth,
            Discard = a.Discard,
            DetectZeroes = a.DetectZeroes,
            WriteThrough = a.Cache is "writethrough" or "directsync",
        };
        var server = new NbdServer([export], new NbdServerOptions
        {
            MaxClients = a.Shared,
            Persistent = a.Persistent,
            Tls = tls,
            Log = message => stderr.WriteLine("qemu-nbd: " + message),
        });
        if (a.Socket != null)
            server.ListenUnix(a.Socket);
        else
            server.ListenTcp(BindAddress(a.Bind ?? "0.0.0.0"), Port(a.Port));
        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
        try
        {
            if (a.PidFile != null)
                WritePidFile(a.PidFile);
            Daemon.SignalReady();
            server.RunAsync(stop.Token).GetAwaiter().GetResult();
        }
        finally
        {
            if (a.Socket != null)
                File.Delete(a.Socket);
        }
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    private static BlockDriver OpenImage(NbdArguments a)
    {
        try
        {
            if (a.Snapshot)
                return OpenOverlay(a);
            return ImageOpener.Open(a.File!, new OpenOptions
            {
                Format = a.Format,
                ReadOnly = a.ReadOnly,
                UnsafeCache = a.Cache == "unsafe",
            });
        }
        catch (BlockException e)
        {
            throw new NbdException($"Failed to blk_new_open '{a.File}': {e.Message}");
        }
    }

    /// <summary>
    /// QEMU's temporary snapshot: a qcow2 overlay in $TMPDIR (default /var/tmp) over the image,
    /// removed from the directory as soon as it is open.
    /// </summary>
    private static BlockDriver OpenOverlay(NbdArguments a)
    {
        string format;
        long size;
        using (var image = ImageOpener.Open(a.File!, new OpenOptions { Format = a.Format }))
        {
            format = image.FormatName;
            size = image.Length;
        }
        string dir = Environment.GetEnvironmentVariable("TMPDIR") is { Length: > 0 } tmp ? tmp : "/var/tmp";
        string overlay = Path.Combine(dir, "vl." + Path.GetRandomFileName().Replace(".", "")[..6]);
        string backing = a.File!.Contains("://", StringComparison.Ordinal) || a.File.StartsWith("nbd:", StringComparison.Ordinal)
            ? a.File
            : Path.GetFullPath(a.File);
        try
        {
            Block.Formats.Qcow2.Qcow2Creator.Create(overlay, new Block.Formats.Qcow2.Qcow2CreateOptions
            {
                Size = size,
                BackingFile = backing,
                BackingFormat = format,
            });
            return ImageOpener.Open(overlay, new OpenOptions { Format = "qcow2", ReadOnly = false, UnsafeCache = a.Cache == "unsafe" });
        }
        finally
        {
            File.Delete(overlay);
        }
    }

    private static TlsCredentials LoadTls(NbdArguments a)
    {
        if (!a.Objects.TryGetValue(a.TlsCreds!, out var creds))
            throw new NbdException($"Failed to get TLS creds: No TLS credentials with id '{a.TlsCreds}'");
        if (!creds.Type.StartsWith("tls-creds-", StringComparison.Ordinal))
            throw new NbdException($"Failed to get TLS creds: Object with id '{a.TlsCreds}' is not TLS credentials");
        return creds.Credentials ?? throw new NbdException("Failed to get TLS creds: Expected TLS credentials for a server endpoint");
    }

    private static IPAddress BindAddress(string host)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
            return address;
        try
        {
            return Dns.GetHostAddresses(host).First();
        }
        catch (SocketException e)
        {
            throw new NbdException($"address resolution failed for {host}: {e.Message}");
        }
    }

    private static int Port(string? port)
    {
        if (port == null)
            return Nbd.DefaultPort;
        if (!int.TryParse(port, out int n) || n is < 0 or > 65535)
            throw new NbdException($"Invalid port '{port}'");
        return n;
    }

    private static void WritePidFile(string path)
    {
        try
        {
            File.WriteAllText(path, $"{Environment.ProcessId}\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NbdException($"Failed to write pid file '{path}': {e.Message}");
        }
    }
}

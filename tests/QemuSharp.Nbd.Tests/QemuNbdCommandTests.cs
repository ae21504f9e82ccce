using System.Text.RegularExpressions;

namespace QemuSharp.Nbd.Tests;

/// <summary>Our qemu-nbd (QEMUSHARP_BIN) side by side with Debian's.</summary>
public sealed class QemuNbdCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qemunbd").FullName;

    internal static string Ours =>
        Environment.GetEnvironmentVariable("QEMUSHARP_BIN") is { Length: > 0 } bin
            ? bin
            : throw new InvalidOperationException("QEMUSHARP_BIN is not set: publish src/QemuSharp.Cli and point it at qemusharp");

    private string Image(string format = "qcow2")
    {
        string path = Path.Combine(_dir, "disk." + format);
        if (!File.Exists(path))
            Tools.Ok("qemu-img", "create", "-q", "-f", format, path, "8M");
        return path;
    }

    private (int Exit, string Out, string Err) RunOurs(params string[] args) => Tools.Run(Ours, ["nbd", .. args]);

    [Theory]
    [InlineData("-e", "0")]
    [InlineData("-e", "1")]
    [InlineData("-r", "-D", "described")]
    [InlineData("-x", "named", "-e", "2")]
    public void NbdinfoShouldSeeTheSameExportFromBoth(params string[] options)
    {
        string image = Image();
        string Describe(string program)
        {
            string socket = Path.Combine(_dir, program + ".sock");
            var server = program == "ours"
                ? Tools.Start(Ours, ["nbd", "-f", "qcow2", "-k", socket, .. options, image])
                : Tools.Start("qemu-nbd", ["-f", "qcow2", "-k", socket, .. options, image]);
            try
            {
                Tools.WaitForFile(socket);
                string json = Tools.Ok("nbdinfo", "--json", $"nbd+unix:///{(options.Contains("named") ? "named" : "")}?socket={socket}");
                return json.Replace(socket, "SOCKET");
            }
            finally
            {
                Tools.Stop(server);
            }
        }
        Assert.Equal(Describe("debian"), Describe("ours"));
    }

    /// <summary>Serves <paramref name="image"/> with one program, runs <paramref name="use"/> on its URI, and waits for the server to end.</summary>
    private T WithServer<T>(string program, string[] options, string image, Func<string, T> use)
    {
        string socket = Path.Combine(_dir, program + ".sock");
        var server = program == "ours"
            ? Tools.Start(Ours, ["nbd", "-k", socket, .. options, image])
            : Tools.Start("qemu-nbd", ["-k", socket, .. options, image]);
        try
        {
            Tools.WaitForFile(socket);
            return use($"nbd+unix:///?socket={socket}");
        }
        finally
        {
            Tools.Stop(server);
        }
    }

    [Theory]
    [InlineData]
    [InlineData("--discard=unmap")]
    [InlineData("--discard=unmap", "--detect-zeroes=unmap")]
    [InlineData("--detect-zeroes=on")]
    [InlineData("--cache=writethrough")]
    public void ZeroWritesAndDiscardsShouldLeaveTheSameMapAsQemuNbd(params string[] options)
    {
        string MapAfterWrites(string program)
        {
            string image = Path.Combine(_dir, program + ".qcow2");
            Tools.Ok("qemu-img", "create", "-q", "-f", "qcow2", image, "4M");
            Tools.Ok("qemu-io", "-f", "qcow2", "-c", "write -P 1 0 4M", image);
            WithServer(program, ["-f", "qcow2", .. options], image, uri => Tools.Ok("qemu-io", "-f", "raw",
                "-c", "write -z 0 64k", "-c", "write -z -u 64k 64k", "-c", "discard 128k 64k", "-c", "write -P 0 192k 64k",
                "-c", "write -P 0 256k 4k", "-c", "write -z -u 512k 4k", "-c", "discard 600k 4k", uri));
            Tools.Ok("qemu-img", "check", image);
            return Tools.Ok("qemu-img", "map", "--output=json", image);
        }
        Assert.Equal(MapAfterWrites("debian"), MapAfterWrites("ours"));
    }

    [Fact]
    public void AllocationDepthAndMapShouldEqualQemuNbdsOverABackingChain()
    {
        string baseImage = Path.Combine(_dir, "base.qcow2");
        string top = Path.Combine(_dir, "top.qcow2");
        Tools.Ok("qemu-img", "create", "-q", "-f", "qcow2", baseImage, "4M");
        Tools.Ok("qemu-io", "-f", "qcow2", "-c", "write -P 1 0 1M", "-c", "write -z 1M 512k", baseImage);
        Tools.Ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", baseImage, "-F", "qcow2", top);
        Tools.Ok("qemu-io", "-f", "qcow2", "-c", "write -P 2 512k 1M", "-c", "write -z 3M 64k", top);
        string Describe(string program) => WithServer(program, ["-t", "-A", "-r", "-f", "qcow2"], top, uri =>
            Tools.Ok("nbdinfo", "--map=qemu:allocation-depth", uri) + Tools.Ok("nbdinfo", "--map", uri)
            + Tools.Ok("nbdinfo", "--list", uri).Replace(uri, "URI"));
        Assert.Equal(Describe("debian"), Describe("ours"));
    }

    [Theory]
    [InlineData("debian")]
    [InlineData("ours")]
    public void ListShouldPrintWhatQemuNbdPrints(string server)
    {
        string[] options = ["-t", "-e", "0", "-x", "real", "-D", "export real", "-A", "-f", "qcow2"];
        string socket = Path.Combine(_dir, server + ".sock");
        (string, string) List() => (Tools.Ok("qemu-nbd", "-L", "-k", socket), RunOurs("-L", "-k", socket).Out);
        var (debian, ours) = WithServer(server, options, Image(), _ => List());
        Assert.Equal(debian, ours);
        Assert.Contains("available meta contexts: 2", ours);
    }

    [Fact]
    public void SnapshotShouldTakeWritesWithoutChangingTheImage()
    {
        string image = Image();
        string before = Tools.Sha256(image);
        string written = WithServer("ours", ["-s", "-f", "qcow2"], image, uri =>
            Tools.Ok("qemu-io", "-f", "raw", "-c", "write -P 0x99 0 1M", "-c", "read -P 0x99 0 1M", uri));
        Assert.Contains("read 1048576/1048576 bytes", written);
        Assert.Equal(before, Tools.Sha256(image));
    }

    [Theory]
    [InlineData("-e", "x", "disk")]
    [InlineData("nofile")]
    [InlineData]
    [InlineData("--discard=sometimes", "disk")]
    [InlineData("--detect-zeroes=unmap", "disk")]
    [InlineData("--cache=bogus", "disk")]
    [InlineData("--aio=threads", "--aio=native", "disk")]
    [InlineData("-k", "relative.sock", "disk")]
    [InlineData("--tls-creds", "tls0", "disk")]
    [InlineData("--object", "tls-creds-x509,id=tls0,dir=/nonexistent,endpoint=client", "--tls-creds", "tls0", "disk")]
    [InlineData("--bogus", "disk")]
    [InlineData("-L", "disk")]
    [InlineData("-L", "-k", "/nonexistent/socket")]
    public void ShouldFailAsQemuNbdDoes(params string[] args)
    {
        Image();
        string[] Absolute(string[] a) => [.. a.Select(x => x == "disk" ? Path.Combine(_dir, "disk.qcow2") : x)];
        var theirs = Tools.Run("qemu-nbd", Absolute(args));
        var ours = RunOurs(Absolute(args));
        Assert.Equal((theirs.Exit, theirs.Err), (ours.Exit, ours.Err));
    }

    [Fact]
    public void ForkShouldReturnOnceListeningAndExitAfterTheLastClient()
    {
        string socket = Path.Combine(_dir, "f.sock");
        string pidFile = Path.Combine(_dir, "p.pid");
        var (exit, stdout, stderr) = RunOurs("--fork", "--pid-file", pidFile, "-k", socket, "-f", "qcow2", Image());
        Assert.Equal((0, "", ""), (exit, stdout, stderr));
        Assert.True(File.Exists(socket));
        int pid = int.Parse(File.ReadAllText(pidFile).Trim());
        using var daemon = System.Diagnostics.Process.GetProcessById(pid);
        Assert.Equal("8388608\n", Tools.Ok("nbdinfo", "--size", $"nbd+unix:///?socket={socket}"));
        Assert.True(daemon.WaitForExit(10_000));
        Assert.False(File.Exists(socket));
    }

    [Fact]
    public void SigtermShouldStopAPersistentServerCleanly()
    {
        string socket = Path.Combine(_dir, "t.sock");
        using var server = Tools.Start(Ours, "nbd", "-t", "-f", "qcow2", "-k", socket, Image());
        Tools.WaitForFile(socket);
        Tools.Ok("kill", "-TERM", server.Id.ToString());
        Assert.True(server.WaitForExit(30_000));
        Assert.Equal((0, false), (server.ExitCode, File.Exists(socket)));
        Tools.Ok("qemu-img", "info", Image());
    }

    [Fact]
    public void ForkShouldReportTheServersErrorAndFail()
    {
        var (exit, _, stderr) = RunOurs("--fork", "-k", Path.Combine(_dir, "f.sock"), Path.Combine(_dir, "missing"));
        Assert.Equal(1, exit);
        Assert.Contains("Failed to blk_new_open", stderr);
    }

    [Fact]
    public void ServedImageShouldBeLockedAgainstQemuImg()
    {
        string socket = Path.Combine(_dir, "l.sock");
        var server = Tools.Start(Ours, "nbd", "-f", "qcow2", "-k", socket, Image());
        try
        {
            Tools.WaitForFile(socket);
            var (exit, _, stderr) = Tools.Run("qemu-img", "info", Image());
            Assert.Equal(1, exit);
            Assert.Contains("Failed to get shared \"write\" lock", stderr);
        }
        finally
        {
            Tools.Stop(server);
        }
        var qemu = Tools.Start("qemu-nbd", "-f", "qcow2", "-k", socket, Image());
        try
        {
            Tools.WaitForFile(socket);
            var (exit, _, stderr) = RunOurs("-f", "qcow2", "-k", Path.Combine(_dir, "m.sock"), Image());
            Assert.Equal(1, exit);
            Assert.Matches(new Regex("Failed to get \"(write|consistent read)\" lock"), stderr);
        }
        finally
        {
            Tools.Stop(qemu);
        }
    }

    public void Dispose() => Directory.Delete(_dir, true);
}

namespace QemuSharp.Nbd.Tests;

/// <summary>
/// Probes/wire-probe.py sends the same raw options and requests (many of them wrong) to Debian's
/// qemu-nbd and to ours; every reply byte and every message on stderr must be the same. (CACHE goes to
/// allocated data: after a CACHE of an unallocated qcow2 cluster, qemu 7.2 splits the next sparse read there.)
/// </summary>
public sealed class WireParityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wireparity").FullName;

    private (string Replies, string Stderr) Probe(string program, string mode, string[] options)
    {
        string image = Path.Combine(_dir, program + ".qcow2");
        Tools.Ok("qemu-img", "create", "-q", "-f", "qcow2", image, "64M");
        Tools.Ok("qemu-io", "-f", "qcow2", "-c", "write -P 7 1M 1M", "-c", "write -z 2M 1M", image);
        string socket = Path.Combine(_dir, program + ".sock");
        string[] args = ["-t", "-e", "0", "-f", "qcow2", "-k", socket, .. options, image];
        var server = program == "ours"
            ? Tools.Start(QemuNbdCommandTests.Ours, ["nbd", .. args])
            : Tools.Start("qemu-nbd", args);
        string replies;
        try
        {
            Tools.WaitForFile(socket);
            string script = Path.Combine(AppContext.BaseDirectory, "Probes", "wire-probe.py");
            replies = Tools.Ok("python3", script, socket, mode);
        }
        finally
        {
            server.Kill();
        }
        string stderr = server.StandardError.ReadToEnd();
        Tools.Stop(server);
        return (replies, stderr);
    }

    [Theory]
    [InlineData("options", "-x", "real", "-D", "export real", "-r")]
    [InlineData("options", "-x", "real", "-A")]
    [InlineData("requests")]
    [InlineData("requests", "-r")]
    [InlineData("requests-simple")]
    [InlineData("requests-simple", "-r")]
    public void RepliesShouldEqualQemuNbds(string mode, params string[] options)
        => Assert.Equal(Probe("debian", mode, options), Probe("ours", mode, options));

    public void Dispose() => Directory.Delete(_dir, true);
}

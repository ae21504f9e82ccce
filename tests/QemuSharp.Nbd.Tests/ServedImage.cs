using QemuSharp.Block;

namespace QemuSharp.Nbd.Tests;

/// <summary>An image made by Debian's qemu-img and served in-process on a unix socket.</summary>
internal sealed class ServedImage : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private readonly List<BlockDriver> _images = [];

    public ServedImage(string format = "raw", string size = "16M", bool readOnly = false,
        Func<string, NbdExport, NbdExport>? configure = null, NbdServerOptions? options = null, string[]? names = null,
        Action<string>? prepare = null)
    {
        Dir = Directory.CreateTempSubdirectory("nbdtest").FullName;
        Socket = Path.Combine(Dir, "s.sock");
        var exports = new List<NbdExport>();
        foreach (string name in names ?? [""])
        {
            string path = Path.Combine(Dir, $"image{exports.Count}.{format}");
            Tools.Ok("qemu-img", "create", "-q", "-f", format, path, size);
            prepare?.Invoke(path);
            var image = ImageOpener.Open(path, new OpenOptions { Format = format, ReadOnly = readOnly });
            _images.Add(image);
            var export = new NbdExport(name, image) { ReadOnly = readOnly, MultiConn = true, Description = name == "" ? null : "export " + name };
            exports.Add(configure?.Invoke(path, export) ?? export);
        }
        ImagePath = Path.Combine(Dir, $"image0.{format}");
        Server = new NbdServer(exports, options ?? new NbdServerOptions { MaxClients = 0, Persistent = true });
        Server.ListenUnix(Socket);
        _run = Server.RunAsync(_stop.Token);
    }

    public string Dir { get; }

    public string Socket { get; }

    public string ImagePath { get; }

    public NbdServer Server { get; }

    public string Uri(string export = "") => $"nbd+unix:///{export}?socket={Socket}";

    /// <summary>Stops the server and closes the images, so their files can be checked as they are.</summary>
    public void Stop()
    {
        _stop.Cancel();
        Assert.True(_run.Wait(TimeSpan.FromSeconds(60)), "the server did not stop");
        foreach (var image in _images)
            image.Dispose();
        _images.Clear();
    }

    public void Dispose()
    {
        Stop();
        Directory.Delete(Dir, true);
    }
}

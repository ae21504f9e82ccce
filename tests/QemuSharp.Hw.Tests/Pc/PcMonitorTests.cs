using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace QemuSharp.Hw.Tests.Pc;

/// <summary>
/// QMP against a running pc guest: the life-cycle commands act on the real machine and raise
/// QEMU's events, a reset boots the kernel again, and the power button shuts the guest down.
/// </summary>
public sealed class PcMonitorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qs-pcmon").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ShouldStopContinueResetAndPowerDownARunningGuest()
    {
        string qmpPath = Path.Combine(_dir, "qmp.sock"), serial = Path.Combine(_dir, "serial.log");
        var start = new ProcessStartInfo(GuestKernel.Ours,
        [
            "-M", "pc", "-m", "256", "-display", "none", "-serial", $"file:{serial}",
            "-qmp", $"unix:{qmpPath},server=on,wait=off",
            "-kernel", GuestKernel.Kernel("cloud"), "-initrd", GuestKernel.Initramfs, "-append", "console=ttyS0",
        ]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var emulator = Process.Start(start)!;
        try
        {
            WaitForSerial(serial, "QEMUSHARP-INIT-READY", 1);
            using var qmp = new QmpClient(qmpPath);
            Assert.Equal("running", qmp.Execute("query-status")["status"]!.GetValue<string>());

            qmp.Execute("stop");
            qmp.WaitForEvent("STOP");
            Assert.Equal("paused", qmp.Execute("query-status")["status"]!.GetValue<string>());
            qmp.Execute("cont");
            qmp.WaitForEvent("RESUME");

            qmp.Execute("system_reset");
            var reset = qmp.WaitForEvent("RESET");
            Assert.Equal("host-qmp-system-reset", reset["data"]!["reason"]!.GetValue<string>());
            WaitForSerial(serial, "QEMUSHARP-INIT-READY", 2);

            // The ACPI power button reaches the guest's acpid, which powers the guest off.
            qmp.Execute("system_powerdown");
            qmp.WaitForEvent("POWERDOWN");
            var shutdown = qmp.WaitForEvent("SHUTDOWN");
            Assert.Equal("guest-shutdown", shutdown["data"]!["reason"]!.GetValue<string>());
            Assert.True(shutdown["data"]!["guest"]!.GetValue<bool>());
            Assert.True(emulator.WaitForExit(60_000));
            Assert.Equal(0, emulator.ExitCode);
        }
        finally
        {
            if (!emulator.HasExited)
                emulator.Kill();
        }
    }

    [Theory]
    [InlineData("xp /4xw 0x1000000")]
    [InlineData("xp /3xg 0x1000040")]
    [InlineData("xp /10xb 0x1000000")]
    [InlineData("xp /2dh 0x1000000")]
    [InlineData("x /2xg 0xffffffff81000000")]
    [InlineData("x /3uw 0xffffffff81000010")]
    public void ShouldDumpKernelMemoryAsQemuDoes(string command)
    {
        Assert.Equal(Hmp(Booted.Value.Qemu, command), Hmp(Booted.Value.Ours, command));
    }

    private static string Hmp(QmpClient qmp, string command)
    {
        lock (qmp)
            return qmp.Execute("human-monitor-command", $"{{\"command-line\":\"{command}\"}}").GetValue<string>();
    }

    /// <summary>One guest on each emulator, booted without address randomization so that the decompressed kernel lies at the same place.</summary>
    private static readonly Lazy<(QmpClient Ours, QmpClient Qemu)> Booted = new(() =>
    {
        string dir = Directory.CreateTempSubdirectory("qs-pcdump").FullName;
        QmpClient Start(string emulator, string name)
        {
            string qmpPath = Path.Combine(dir, name + ".sock"), serial = Path.Combine(dir, name + ".log");
            var p = Process.Start(new ProcessStartInfo(emulator,
            [
                "-M", "pc", "-m", "256", "-display", "none", "-serial", $"file:{serial}",
                "-qmp", $"unix:{qmpPath},server=on,wait=off",
                "-kernel", GuestKernel.Kernel("cloud"), "-initrd", GuestKernel.Initramfs, "-append", "console=ttyS0 nokaslr",
            ]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                if (!p.HasExited)
                    p.Kill();
            };
            WaitForSerial(serial, "QEMUSHARP-INIT-READY", 1);
            return new QmpClient(qmpPath);
        }
        return (Start(GuestKernel.Ours, "ours"), Start("qemu-system-x86_64", "qemu"));
    });

    private static void WaitForSerial(string path, string marker, int count)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(path))
            {
                string text = File.ReadAllText(path);
                int seen = 0;
                for (int i = text.IndexOf(marker, StringComparison.Ordinal); i >= 0; i = text.IndexOf(marker, i + 1, StringComparison.Ordinal))
                    seen++;
                if (seen >= count)
                    return;
            }
            Thread.Sleep(200);
        }
        throw new TimeoutException($"{marker} did not appear {count} time(s) on the serial port");
    }

    /// <summary>A minimal QMP client: one command at a time, events kept until asked for.</summary>
    private sealed class QmpClient : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        private readonly StreamReader _reader;
        private readonly List<JsonNode> _events = [];

        public QmpClient(string path)
        {
            _socket.Connect(new UnixDomainSocketEndPoint(path));
            _reader = new StreamReader(new NetworkStream(_socket), Encoding.UTF8);
            Assert.NotNull(Next()!["QMP"]);
            Execute("qmp_capabilities");
        }

        public JsonNode Execute(string command, string? arguments = null)
        {
            string args = arguments is null ? "" : $",\"arguments\":{arguments}";
            _socket.Send(Encoding.UTF8.GetBytes($"{{\"execute\":\"{command}\"{args}}}\n"));
            while (true)
            {
                JsonNode reply = Next() ?? throw new IOException("QMP closed");
                if (reply["event"] is not null)
                    _events.Add(reply);
                else if (reply["error"] is { } error)
                    throw new InvalidOperationException(error.ToJsonString());
                else
                    return reply["return"]!;
            }
        }

        public JsonNode WaitForEvent(string name)
        {
            while (true)
            {
                int i = _events.FindIndex(e => e["event"]!.GetValue<string>() == name);
                if (i >= 0)
                {
                    var e = _events[i];
                    _events.RemoveAt(i);
                    return e;
                }
                _events.Add(Next() ?? throw new IOException($"QMP closed before {name}"));
            }
        }

        private JsonNode? Next() => _reader.ReadLine() is { } line ? JsonNode.Parse(line) : null;

        public void Dispose() => _socket.Dispose();
    }
}

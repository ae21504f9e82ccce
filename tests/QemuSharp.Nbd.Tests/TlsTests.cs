using System.Net;

namespace QemuSharp.Nbd.Tests;

/// <summary>STARTTLS with x509 certificates made by certtool for each test.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _pki = Directory.CreateTempSubdirectory("nbdpki").FullName;

    public TlsTests()
    {
        Certificate("ca", "cn = Test CA\nca\ncert_signing_key\nexpiration_days = 2\n", selfSigned: true);
        Certificate("server", "organization = Test\ncn = localhost\ndns_name = localhost\nip_address = 127.0.0.1\n"
            + "tls_www_server\nencryption_key\nsigning_key\nexpiration_days = 2\n", selfSigned: false);
        Certificate("client", "organization = Test\ncn = client\ntls_www_client\nencryption_key\nsigning_key\nexpiration_days = 2\n",
            selfSigned: false);
    }

    private void Certificate(string name, string template, bool selfSigned)
    {
        string key = Path.Combine(_pki, $"{name}-key.pem");
        string info = Path.Combine(_pki, $"{name}.info");
        File.WriteAllText(key, Tools.Ok("certtool", "--generate-privkey"));
        File.WriteAllText(info, template);
        string cert = Path.Combine(_pki, $"{name}-cert.pem");
        if (selfSigned)
            Tools.Ok("certtool", "--generate-self-signed", "--load-privkey", key, "--template", info, "--outfile", cert);
        else
            Tools.Ok("certtool", "--generate-certificate", "--load-ca-certificate", Path.Combine(_pki, "ca-cert.pem"),
                "--load-ca-privkey", Path.Combine(_pki, "ca-key.pem"), "--load-privkey", key, "--template", info, "--outfile", cert);
    }

    private (NbdServer Server, int Port, ServedImage Served) Serve(bool verifyPeer, ServedImage served)
    {
        var server = new NbdServer(served.Server.Exports, new NbdServerOptions
        {
            MaxClients = 0,
            Persistent = true,
            Tls = TlsCredentials.LoadServer(_pki, verifyPeer),
        });
        return (server, server.ListenTcp(IPAddress.Loopback, 0), served);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NbdinfoShouldConnectOverTls(bool verifyPeer)
    {
        using var served = new ServedImage();
        var (server, port, _) = Serve(verifyPeer, served);
        using var stop = new CancellationTokenSource();
        var run = server.RunAsync(stop.Token);
        string info = Tools.Ok("nbdinfo", $"nbds://localhost:{port}/?tls-certificates={_pki}");
        Assert.Contains("newstyle-fixed with TLS", info);
        Assert.Contains("export-size: 16777216", info);
        var plain = Tools.Run("nbdinfo", $"nbd://localhost:{port}/");
        Assert.NotEqual(0, plain.Exit);
        stop.Cancel();
        await run;
    }

    [Fact]
    public void ShouldFailWithoutTheServerKey()
    {
        File.Delete(Path.Combine(_pki, "server-key.pem"));
        var e = Assert.Throws<NbdException>(() => TlsCredentials.LoadServer(_pki, false));
        Assert.StartsWith("Unable to access credentials", e.Message);
    }

    public void Dispose() => Directory.Delete(_pki, true);
}

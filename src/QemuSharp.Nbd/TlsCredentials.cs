using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace QemuSharp.Nbd;

/// <summary>
/// QEMU's <c>tls-creds-x509</c> object for a server: <c>dir</c> holds ca-cert.pem, server-cert.pem
/// and server-key.pem; with <c>verify-peer</c> (QEMU's default) clients must present a certificate
/// issued by that CA.
/// </summary>
public sealed class TlsCredentials
{
    private readonly X509Certificate2 _certificate;
    private readonly X509Certificate2Collection _authorities;

    private TlsCredentials(X509Certificate2 certificate, X509Certificate2Collection authorities, bool verifyPeer)
    {
        _certificate = certificate;
        _authorities = authorities;
        VerifyPeer = verifyPeer;
    }

    public bool VerifyPeer { get; }

    /// <summary>Loads the server credentials, failing with QEMU's messages.</summary>
    public static TlsCredentials LoadServer(string dir, bool verifyPeer)
    {
        string ca = Path.Combine(dir, "ca-cert.pem");
        string cert = Path.Combine(dir, "server-cert.pem");
        string key = Path.Combine(dir, "server-key.pem");
        foreach (string f in new[] { ca, cert, key })
        {
            if (!File.Exists(f))
                throw new NbdException($"Unable to access credentials {f}: No such file or directory");
        }
        try
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(ca);
            return new TlsCredentials(X509Certificate2.CreateFromPemFile(cert, key), authorities, verifyPeer);
        }
        catch (CryptographicException e)
        {
            throw new NbdException($"Unable to load x509 credentials in {dir}: {e.Message}");
        }
    }

    internal SslServerAuthenticationOptions ServerOptions() => new()
    {
        ServerCertificateContext = SslStreamCertificateContext.Create(_certificate, _authorities, offline: true),
        ClientCertificateRequired = VerifyPeer,
        RemoteCertificateValidationCallback = (_, certificate, _, _) => !VerifyPeer || IssuedByAuthority(certificate),
    };

    private bool IssuedByAuthority(X509Certificate? certificate)
    {
        if (certificate == null)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(certificate));
    }
}

/// <summary>A failure of the NBD layer whose message is QEMU's text for it.</summary>
public sealed class NbdException(string message) : Exception(message);

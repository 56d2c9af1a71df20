using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace IoMT.Client;

/// <summary>
/// How a device (or a test) trusts the local hub's CA (<c>iot-hub-ca.pem</c>) and nothing else, as firmware embeds it:
/// the certificate must name the host it called, be meant for servers and chain to that CA, not to the machine's store.
/// </summary>
public static class LocalHubTrust
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    /// <summary>A TLS certificate-validation answer: true when <paramref name="presented"/> passes with only <paramref name="ca"/> trusted.</summary>
    public static bool Accepts(X509Certificate2 ca, X509Certificate? presented, SslPolicyErrors errors)
    {
        ArgumentNullException.ThrowIfNull(ca);
        if (presented is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        using var server = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        return chain.Build(server);
    }
}

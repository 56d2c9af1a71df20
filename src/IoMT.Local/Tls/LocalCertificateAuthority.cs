using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace IoMT.Local.Tls;

/// <summary>
/// The local hub's certificate authority, kept in the data folder: a CA (RSA 2048, 10 years) created on the first start,
/// and the server certificate of the device endpoints it signs (<c>localhost</c>, <c>127.0.0.1</c>, <c>::1</c> and the
/// hub's host name; server authentication; one year). The server certificate is issued again at start when it is
/// missing, no longer verifies against the CA, expires within 30 days or does not name the configured host name; the CA
/// only when it is missing, unreadable or expires within 30 days (devices must then trust the new one).
/// </summary>
/// <remarks>
/// Devices trust the CA's public certificate, <see cref="CaCertificateFileName"/> in the data folder (also served at
/// <c>GET /api/iot-hub/ca.pem</c>). Private keys are PKCS #8 PEM files readable by the owner only. Every file is written
/// beside its target, flushed to disk and moved into place whole, keys before certificates, so a crash leaves either the
/// old pair or the new one (a certificate whose key does not match is replaced at the next start).
/// RSA rather than ECDSA because Azure IoT Hub's own certificates are RSA: every TLS stack built for it speaks RSA.
/// </remarks>
public sealed partial class LocalCertificateAuthority
{
    public const string CaCertificateFileName = "iot-hub-ca.pem";
    public const string CaKeyFileName = "iot-hub-ca.key";
    public const string ServerCertificateFileName = "iot-hub-server.pem";
    public const string ServerKeyFileName = "iot-hub-server.key";

    internal static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3652);
    internal static readonly TimeSpan ServerLifetime = TimeSpan.FromDays(365);
    internal static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    /// <summary>Certificates start an hour early, for devices whose clocks run a little behind.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromHours(1);
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    private LocalCertificateAuthority(string directory, X509Certificate2 caCertificate, string caCertificatePem, X509Certificate2 serverCertificate)
    {
        CaCertificatePath = Path.Combine(directory, CaCertificateFileName);
        CaCertificate = caCertificate;
        CaCertificatePem = caCertificatePem;
        ServerCertificate = serverCertificate;
    }

    /// <summary>The CA's public certificate (no private key).</summary>
    public X509Certificate2 CaCertificate { get; }

    /// <summary>The CA's public certificate as PEM, exactly as in <see cref="CaCertificatePath"/>.</summary>
    public string CaCertificatePem { get; }

    public string CaCertificatePath { get; }

    /// <summary>The device endpoints' certificate, with its private key, ready for TLS servers (Kestrel, MQTTnet).</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>Loads the CA and server certificate from <paramref name="directory"/>, creating or renewing what is due.</summary>
    public static LocalCertificateAuthority Open(string directory, string hostName, TimeProvider time, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(hostName);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        var now = time.GetUtcNow();
        var caPath = Path.Combine(directory, CaCertificateFileName);
        var caKeyPath = Path.Combine(directory, CaKeyFileName);
        var serverPath = Path.Combine(directory, ServerCertificateFileName);
        var serverKeyPath = Path.Combine(directory, ServerKeyFileName);

        var ca = TryLoad(caPath, caKeyPath);
        if (ca is null || ca.Value.Certificate.NotAfter.ToUniversalTime() - now.UtcDateTime < RenewBefore)
        {
            ca?.Certificate.Dispose();
            ca = CreateCa(now);
            OwnerOnlyFiles.Write(caKeyPath, Encoding.ASCII.GetBytes(ExportKey(ca.Value.Certificate)), ownerOnly: true);
            OwnerOnlyFiles.Write(caPath, Encoding.ASCII.GetBytes(ca.Value.Pem), ownerOnly: false);
            var caExpires = ca.Value.Certificate.NotAfter.ToUniversalTime();
            Log.CreatedCa(logger, caPath, ca.Value.Certificate.Thumbprint, caExpires);
        }
        else
        {
            KeepOwnerOnly(caKeyPath);
        }

        var (caWithKey, caPem) = ca.Value;
        var names = SubjectNames(hostName);
        var server = TryLoad(serverPath, serverKeyPath)?.Certificate;
        if (server is null || !IsCurrent(server, caWithKey, names, now))
        {
            server?.Dispose();
            server = CreateServer(caWithKey, hostName, names, now);
            OwnerOnlyFiles.Write(serverKeyPath, Encoding.ASCII.GetBytes(ExportKey(server)), ownerOnly: true);
            OwnerOnlyFiles.Write(serverPath, Encoding.ASCII.GetBytes(server.ExportCertificatePem() + "\n"), ownerOnly: false);
            var named = string.Join(", ", names.Dns.Concat(names.Ip.Select(ip => ip.ToString())));
            var serverExpires = server.NotAfter.ToUniversalTime();
            Log.IssuedServerCertificate(logger, named, server.Thumbprint, serverExpires);
        }
        else
        {
            KeepOwnerOnly(serverKeyPath);
        }

        var publicCa = X509CertificateLoader.LoadCertificate(caWithKey.RawData);
        caWithKey.Dispose();
        return new LocalCertificateAuthority(directory, publicCa, caPem, ForTlsServers(server));
    }

    private static (X509Certificate2 Certificate, string Pem)? TryLoad(string certificatePath, string keyPath)
    {
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            return null;
        }

        try
        {
            var pem = File.ReadAllText(certificatePath);
            // Fails when the key does not match the certificate (a crash between writing the two).
            return (X509Certificate2.CreateFromPem(pem, File.ReadAllText(keyPath)), pem);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static (X509Certificate2 Certificate, string Pem) CreateCa(DateTimeOffset now)
    {
        using var key = RSA.Create(2048);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var request = new CertificateRequest($"CN=IoMT.Cloud local IoT hub CA {id}, O=IoMT.Cloud", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var certificate = request.CreateSelfSigned(now - ClockSkew, now + CaLifetime);
        return (certificate, certificate.ExportCertificatePem() + "\n");
    }

    private static X509Certificate2 CreateServer(X509Certificate2 ca, string hostName, (string[] Dns, IPAddress[] Ip) names, DateTimeOffset now)
    {
        using var key = RSA.Create(2048);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(hostName);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication], critical: false));
        var alternativeNames = new SubjectAlternativeNameBuilder();
        foreach (var dns in names.Dns)
        {
            alternativeNames.AddDnsName(dns);
        }

        foreach (var ip in names.Ip)
        {
            alternativeNames.AddIpAddress(ip);
        }

        request.CertificateExtensions.Add(alternativeNames.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        // Never past the CA's own end (browsers and Apple devices also refuse more than 398 days).
        var notAfter = Min(now + ServerLifetime, new DateTimeOffset(ca.NotAfter.ToUniversalTime(), TimeSpan.Zero));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40); // positive and minimally encoded
        using var certificate = request.Create(ca, now - ClockSkew, notAfter, serial);
        return certificate.CopyWithPrivateKey(key);
    }

    /// <summary>Whether a server certificate verifies against the CA now, for 30 days more, and names exactly <paramref name="names"/>.</summary>
    private static bool IsCurrent(X509Certificate2 server, X509Certificate2 ca, (string[] Dns, IPAddress[] Ip) names, DateTimeOffset now)
    {
        if (server.NotAfter.ToUniversalTime() - now.UtcDateTime < RenewBefore)
        {
            return false;
        }

        var alternativeNames = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (alternativeNames is null
            || !alternativeNames.EnumerateDnsNames().Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(names.Dns.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase)
            || !alternativeNames.EnumerateIPAddresses().Select(ip => ip.ToString()).Order(StringComparer.Ordinal).SequenceEqual(names.Ip.Select(ip => ip.ToString()).Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        try
        {
            return chain.Build(server) && chain.ChainElements[^1].Certificate.Thumbprint == ca.Thumbprint;
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }

    /// <summary>What the server certificate names: <c>localhost</c> and both loopback addresses, and the hub's host name.</summary>
    internal static (string[] Dns, IPAddress[] Ip) SubjectNames(string hostName)
    {
        var dns = new List<string> { "localhost" };
        var ip = new List<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
        if (IPAddress.TryParse(hostName, out var address))
        {
            ip.Add(address);
        }
        else
        {
            dns.Add(hostName.ToLowerInvariant());
        }

        return ([.. dns.Distinct(StringComparer.Ordinal)], [.. ip.Distinct()]);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static string ExportKey(X509Certificate2 certificate)
    {
        using var key = certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException("The certificate has no RSA private key.");
        return key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    /// <summary>
    /// Windows' and macOS' TLS stacks cannot use a key imported from PEM (an ephemeral key); a PKCS #12 round trip
    /// stores it where they look. OpenSSL (Linux) uses it as it is.
    /// </summary>
    private static X509Certificate2 ForTlsServers(X509Certificate2 certificate)
    {
        if (OperatingSystem.IsLinux())
        {
            return certificate;
        }

        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
        }
    }

    /// <summary>A key file someone opened to others is closed again (the CA's key signs what devices trust).</summary>
    private static void KeepOwnerOnly(string path)
    {
        const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~OwnerReadWrite) != 0)
        {
            File.SetUnixFileMode(path, OwnerReadWrite);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Created the local IoT hub certificate authority {CaFile} (thumbprint {Thumbprint}, valid until {NotAfter:yyyy-MM-dd}); devices must trust it to connect (docs/devices.md)")]
        public static partial void CreatedCa(ILogger logger, string caFile, string thumbprint, DateTime notAfter);

        [LoggerMessage(Level = LogLevel.Information, Message = "Issued the device endpoints' certificate for {Names} (thumbprint {Thumbprint}, valid until {NotAfter:yyyy-MM-dd})")]
        public static partial void IssuedServerCertificate(ILogger logger, string names, string thumbprint, DateTime notAfter);
    }
}

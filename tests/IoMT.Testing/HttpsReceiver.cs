using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;

namespace IoMT.Testing;

/// <summary>A request an <see cref="HttpsReceiver"/> received: method, path, headers (names lower-case) and body.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>
/// A real HTTPS listener on 127.0.0.1 (a free port) with a self-signed certificate for <c>localhost</c>, answering every
/// request with <see cref="Answer"/> and keeping what it received. Clients trust it through <see cref="Trust"/>.
/// </summary>
public sealed class HttpsReceiver : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate = CreateCertificate();
    private readonly Channel<ReceivedRequest> _received = Channel.CreateUnbounded<ReceivedRequest>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public HttpsReceiver()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Url => new($"https://localhost:{((IPEndPoint)_listener.LocalEndpoint).Port}/caregiver");

    public HttpStatusCode Answer { get; set; } = HttpStatusCode.OK;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>A certificate check that accepts this receiver's certificate only.</summary>
    public bool Trust(X509Certificate? certificate) => certificate is not null && certificate.GetCertHashString() == _certificate.GetCertHashString();

    /// <summary>The next request received (they come in order), waiting for it.</summary>
    public async Task<ReceivedRequest> NextAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        return await _received.Reader.ReadAsync(cancel.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
        _certificate.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var tls = new SslStream(client.GetStream());
                await tls.AuthenticateAsServerAsync(_certificate);
                var request = await ReadAsync(tls);
                Requests.Enqueue(request);
                await _received.Writer.WriteAsync(request);
                var status = (int)Answer;
                await tls.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {Answer}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                await tls.FlushAsync();
            }
            catch (Exception e) when (e is IOException or AuthenticationException or SocketException)
            {
                // A client that gave up, or refused the certificate: nothing was received.
            }
        }
    }

    private static async Task<ReceivedRequest> ReadAsync(Stream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (buffer.Count < 4 || !(buffer[^4] == '\r' && buffer[^3] == '\n' && buffer[^2] == '\r' && buffer[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                throw new IOException("The client closed the connection before its headers ended.");
            }

            buffer.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString([.. buffer]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var body = new byte[headers.TryGetValue("content-length", out var length) ? int.Parse(length, CultureInfo.InvariantCulture) : 0];
        await stream.ReadExactlyAsync(body);
        return new ReceivedRequest(requestLine[0], requestLine[1], headers, body);
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Re-imported so that the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using IoMT.Client;
using IoMT.Core.Access;
using IoMT.Core.Devices;
using IoMT.Local.Tls;
using IoMT.Storage.Sqlite;
using IoMT.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IoMT.Local.Tests;

/// <summary>The local CA, its certificates, the HTTPS endpoint for devices and the hub's host name (issue 23, items 1 and 2).</summary>
public sealed class DeviceTlsTests
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task Restart_SameDataFolder_SameCaAndServerCertificate()
    {
        using var first = new LocalHostFactory();
        using var firstClient = first.CreateClient();
        var caPem = await firstClient.GetStringAsync(new Uri(DeviceEndpointsHosting.CaCertificateRoute, UriKind.Relative));
        var server = first.Services.GetRequiredService<LocalCertificateAuthority>().ServerCertificate.Thumbprint;

        using var second = new LocalHostFactory { ReuseDataDirectory = first.DataDirectory };
        using var secondClient = second.CreateClient();
        var authority = second.Services.GetRequiredService<LocalCertificateAuthority>();

        Assert.Equal(caPem, await secondClient.GetStringAsync(new Uri(DeviceEndpointsHosting.CaCertificateRoute, UriKind.Relative)));
        Assert.Equal(server, authority.ServerCertificate.Thumbprint);
    }

    [Fact]
    public void Open_HostNameChanged_NewServerCertificateForItSameCa()
    {
        using var folder = new TempFolder();
        var before = LocalCertificateAuthority.Open(folder.Path, "localhost", TimeProvider.System, NullLogger.Instance);

        var after = LocalCertificateAuthority.Open(folder.Path, "gateway.ward7.local", TimeProvider.System, NullLogger.Instance);

        Assert.Equal(before.CaCertificate.Thumbprint, after.CaCertificate.Thumbprint);
        Assert.NotEqual(before.ServerCertificate.Thumbprint, after.ServerCertificate.Thumbprint);
        var names = after.ServerCertificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(new[] { "localhost", "gateway.ward7.local" }, names.EnumerateDnsNames());
        Assert.Equal(new[] { IPAddress.Loopback, IPAddress.IPv6Loopback }, names.EnumerateIPAddresses());
        Assert.True(after.ServerCertificate.MatchesHostname("gateway.ward7.local"));
    }

    [Fact]
    public void Open_ServerCertificateWithin30DaysOfItsEnd_RenewedOnlyThen()
    {
        using var folder = new TempFolder();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var issued = LocalCertificateAuthority.Open(folder.Path, "localhost", clock, NullLogger.Instance);

        clock.Advance(TimeSpan.FromDays(300));
        var kept = LocalCertificateAuthority.Open(folder.Path, "localhost", clock, NullLogger.Instance);
        clock.Advance(TimeSpan.FromDays(40));
        var renewed = LocalCertificateAuthority.Open(folder.Path, "localhost", clock, NullLogger.Instance);

        Assert.Equal(issued.ServerCertificate.Thumbprint, kept.ServerCertificate.Thumbprint);
        Assert.NotEqual(issued.ServerCertificate.Thumbprint, renewed.ServerCertificate.Thumbprint);
        Assert.Equal(issued.CaCertificate.Thumbprint, renewed.CaCertificate.Thumbprint);
        Assert.True(renewed.ServerCertificate.NotAfter.ToUniversalTime() > clock.GetUtcNow().UtcDateTime.AddDays(300));
        Assert.True(renewed.ServerCertificate.NotAfter - renewed.ServerCertificate.NotBefore <= TimeSpan.FromDays(397));
    }

    [Fact]
    public void Open_CertificateKeyReplacedByAnother_NewPairThatVerifies()
    {
        using var folder = new TempFolder();
        var first = LocalCertificateAuthority.Open(folder.Path, "localhost", TimeProvider.System, NullLogger.Instance);
        // As if the host stopped between writing a new key and its certificate.
        File.Copy(Path.Combine(folder.Path, LocalCertificateAuthority.CaKeyFileName), Path.Combine(folder.Path, LocalCertificateAuthority.ServerKeyFileName), overwrite: true);

        var second = LocalCertificateAuthority.Open(folder.Path, "localhost", TimeProvider.System, NullLogger.Instance);

        Assert.Equal(first.CaCertificate.Thumbprint, second.CaCertificate.Thumbprint);
        Assert.NotEqual(first.ServerCertificate.Thumbprint, second.ServerCertificate.Thumbprint);
        Assert.True(LocalHubTrust.Accepts(second.CaCertificate, second.ServerCertificate, System.Net.Security.SslPolicyErrors.None));
    }

    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Open_FirstTime_KeysReadableByTheOwnerOnlyAndNoPartialFilesLeft()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix permissions.");
        using var folder = new TempFolder();

        LocalCertificateAuthority.Open(folder.Path, "localhost", TimeProvider.System, NullLogger.Instance);

        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(Path.Combine(folder.Path, LocalCertificateAuthority.CaKeyFileName)));
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(Path.Combine(folder.Path, LocalCertificateAuthority.ServerKeyFileName)));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.partial"));
    }

    [Fact]
    public async Task CaRoute_Anonymous_ServesIotHubCaPemFromTheDataFolder()
    {
        using var host = new LocalHostFactory();
        using var client = host.CreateClient();

        using var response = await client.GetAsync(new Uri(DeviceEndpointsHosting.CaCertificateRoute, UriKind.Relative));
        var served = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-pem-file", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(host.DataDirectory, "iot-hub-ca.pem")), served);
        using var ca = X509Certificate2.CreateFromPem(served);
        Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.False(ca.HasPrivateKey);
    }

    [Fact]
    public async Task Credentials_CalledAsHostAndPort_HostNameLocalhostWithoutPort_TokensForLocalhostOnly()
    {
        using var gateway = new GatewayFixture();
        var key = await gateway.RegisterAsync("oximeter-1");

        using var credentials = await SendAsHostAsync(gateway, "127.0.0.1:5080", HttpMethod.Get, "/api/devices/oximeter-1/credentials", gateway.MakerToken);
        using var group = await gateway.SendAsync(HttpMethod.Post, "/api/enrollment-groups", gateway.MakerToken, new { id = "acme-oximeters", model = "PulseOx 2", kinds = new[] { "spo2" } });
        using var groupCredentials = await SendAsHostAsync(gateway, "127.0.0.1:5080", HttpMethod.Get, "/api/enrollment-groups/acme-oximeters/credentials", gateway.MakerToken);
        // A token names the hub, never the address the device called.
        using var forAddress = await SendAsHostAsync(gateway, "127.0.0.1:5080", HttpMethod.Post, "/devices/oximeter-1/messages/events?api-version=2020-03-13",
            SasToken.Create("127.0.0.1:5080/devices/oximeter-1", key, DateTimeOffset.UtcNow.AddHours(1)), sas: true);
        using var sent = await SendAsHostAsync(gateway, "127.0.0.1:5080", HttpMethod.Post, "/devices/oximeter-1/messages/events?api-version=2020-03-13",
            SasToken.Create("localhost/devices/oximeter-1", key, DateTimeOffset.UtcNow.AddHours(1)), sas: true);

        var connectionString = (string)(await credentials.Content.ReadFromJsonAsync<JsonObject>())!["connectionString"]!;
        Assert.StartsWith("HostName=localhost;DeviceId=oximeter-1;", connectionString, StringComparison.Ordinal);
        Assert.Equal("localhost", (string?)(await groupCredentials.Content.ReadFromJsonAsync<JsonObject>())!["provisioningHostName"]);
        Assert.Equal(HttpStatusCode.Unauthorized, forAddress.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
    }

    [Fact]
    public void Start_GatewayHostNameWithAPort_RefusedWithTheReason()
    {
        using var host = new LocalHostFactory { Settings = new Dictionary<string, string> { ["IoMT:GatewayHostName"] = "localhost:5080" } };

        var error = Assert.ThrowsAny<Exception>(() => host.CreateClient().Dispose());

        Assert.Contains("IoMT:GatewayHostName", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendEvent_OverHttpsTrustingOnlyTheLocalCa_204AndTheManagementUrlStillServes()
    {
        await using var host = await KestrelHost.StartAsync();
        var endpoints = host.Services.GetRequiredService<DeviceEndpoints>();
        var maker = host.Token(new LocalUser("acme", [Role.DeviceMaker], [], "Acme Medical"));
        using var management = new HttpClient { BaseAddress = host.ManagementAddress };
        using var registered = await Send(management, HttpMethod.Post, "/api/devices", maker, new { id = "oximeter-1", model = "PulseOx 2", kinds = new[] { "spo2", "heartRate" } });
        using var credentials = await Send(management, HttpMethod.Get, "/api/devices/oximeter-1/credentials", maker);
        var device = (await credentials.Content.ReadFromJsonAsync<JsonObject>())!;
        var key = (string)device["primaryKey"]!;
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(host.DataDirectory, "iot-hub-ca.pem")));
        using var devices = new HttpClient(TrustingOnly(ca));

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"https://localhost:{endpoints.HttpsPort}/devices/oximeter-1/messages/events?api-version=2020-03-13"))
        {
            Content = new StringContent("""{"deviceId":"oximeter-1","messageId":"m-1","timestamp":"2026-11-20T10:00:00Z","type":"spo2","value":97,"unit":"%"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", SasToken.Create("localhost/devices/oximeter-1", key, DateTimeOffset.UtcNow.AddHours(1)));
        using var response = await devices.SendAsync(request);

        Assert.True(registered.IsSuccessStatusCode);
        Assert.StartsWith("HostName=localhost;", (string)device["connectionString"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("127.0.0.1", host.ManagementAddress.Host);
        Assert.NotEqual(0, endpoints.HttpsPort);
        Assert.NotEqual(endpoints.HttpsPort, host.ManagementAddress.Port);
        using var untrusting = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync(new Uri($"https://localhost:{endpoints.HttpsPort}/healthz")));
        Assert.DoesNotContain(host.Logs, l => l.Message.Contains("Overriding", StringComparison.Ordinal) || (l.Level >= LogLevel.Warning && l.Category.Contains("Kestrel", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Start_DevicePortsInUse_FallBackToFreePortsAndSaySoInOneLine()
    {
        using var busyHttps = new TcpListener(IPAddress.Loopback, 0);
        using var busyMqtt = new TcpListener(IPAddress.Loopback, 0);
        busyHttps.Start();
        busyMqtt.Start();
        var httpsPort = ((IPEndPoint)busyHttps.LocalEndpoint).Port;
        var mqttPort = ((IPEndPoint)busyMqtt.LocalEndpoint).Port;

        await using var host = await KestrelHost.StartAsync(
            $"--IoMT:DeviceHttpsPort={httpsPort}", "--IoMT:DeviceHttpsFallbackPort=0", $"--IoMT:DeviceMqttPort={mqttPort}", "--IoMT:DeviceMqttFallbackPort=0");
        var endpoints = host.Services.GetRequiredService<DeviceEndpoints>();
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(host.DataDirectory, "iot-hub-ca.pem")));
        using var devices = new HttpClient(TrustingOnly(ca));
        using var health = await devices.GetAsync(new Uri($"https://localhost:{endpoints.HttpsPort}/healthz"));

        Assert.NotEqual(httpsPort, endpoints.HttpsPort);
        Assert.NotEqual(mqttPort, endpoints.MqttPort);
        Assert.NotEqual(0, endpoints.MqttPort);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var line = Assert.Single(host.Logs, l => l.Category == typeof(DeviceEndpoints).FullName);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains($"{httpsPort} (in use), {mqttPort} (in use)", line.Message, StringComparison.Ordinal);
        Assert.Contains($"HTTPS on port {endpoints.HttpsPort} and MQTT on port {endpoints.MqttPort}", line.Message, StringComparison.Ordinal);
        Assert.Contains("cap_net_bind_service", line.Message, StringComparison.Ordinal);
        Assert.Contains("docs/devices.md", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_DevicePortsFree_OneInformationLineNamingThem()
    {
        await using var host = await KestrelHost.StartAsync();
        var endpoints = host.Services.GetRequiredService<DeviceEndpoints>();

        var line = Assert.Single(host.Logs, l => l.Category == typeof(DeviceEndpoints).FullName);

        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Contains($"HTTPS port {endpoints.HttpsPort}, MQTT over TLS port {endpoints.MqttPort}", line.Message, StringComparison.Ordinal);
        Assert.Empty(endpoints.UnboundPorts);
    }

    private static async Task<HttpResponseMessage> SendAsHostAsync(GatewayFixture gateway, string host, HttpMethod method, string path, string token, bool sas = false)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Host = host;
        if (sas)
        {
            request.Headers.TryAddWithoutValidation("Authorization", token);
            request.Content = new StringContent("""{"deviceId":"oximeter-1","messageId":"m-1","timestamp":"2026-11-20T10:00:00Z","type":"spo2","value":97,"unit":"%"}""", Encoding.UTF8, "application/json");
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await gateway.Client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await client.SendAsync(request);
    }

    /// <summary>A handler that trusts the given CA and nothing else (not the machine's store), and checks the host name.</summary>
    private static SocketsHttpHandler TrustingOnly(X509Certificate2 ca) => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => LocalHubTrust.Accepts(ca, certificate, errors),
        },
    };

    private static string Flatten(Exception error) =>
        error is AggregateException aggregate ? string.Join(" | ", aggregate.InnerExceptions.Select(Flatten)) : error.Message + (error.InnerException is { } inner ? " | " + Flatten(inner) : "");

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "iomt-tests", Guid.NewGuid().ToString("N"))).FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    /// <summary>The host on Kestrel as <c>dotnet run</c> starts it, on free loopback ports (management and devices), recording its log.</summary>
    private sealed class KestrelHost : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly LogRecorder _logs;

        private KestrelHost(WebApplication app, string dataDirectory, LogRecorder logs)
        {
            _app = app;
            DataDirectory = dataDirectory;
            _logs = logs;
            ManagementAddress = new Uri(app.Urls.First().TrimEnd('/') + "/");
        }

        public Uri ManagementAddress { get; }

        public string DataDirectory { get; }

        public IServiceProvider Services => _app.Services;

        public IReadOnlyList<(string Category, LogLevel Level, string Message)> Logs => [.. _logs.Lines];

        public static async Task<KestrelHost> StartAsync(params string[] settings)
        {
            var data = Path.Combine(Path.GetTempPath(), "iomt-tests", Guid.NewGuid().ToString("N"));
            var builder = WebApplication.CreateBuilder([
                "--urls=http://127.0.0.1:0", $"--IoMT:DataDirectory={data}", "--IoMT:Simulate=false",
                "--IoMT:DeviceHttpsPort=0", "--IoMT:DeviceMqttPort=0", .. settings]);
            var logs = new LogRecorder();
            builder.Logging.AddProvider(logs);
            builder.AddIoMTLocal();
            var app = builder.Build();
            app.MapIoMTLocal();
            await app.StartAsync();
            return new KestrelHost(app, data, logs);
        }

        public string Token(LocalUser user) => GatewayFixture.Token(Services.GetRequiredService<SqliteDirectory>(), user);

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
    }

    private sealed class LogRecorder : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Recorder(LogRecorder owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    owner.Lines.Enqueue((category, logLevel, formatter(state, exception)));
                }
            }
        }
    }
}

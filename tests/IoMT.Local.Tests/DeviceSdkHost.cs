using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Access;
using IoMT.Core.Patients;
using IoMT.Core.Timeline;
using IoMT.Local.Tls;
using IoMT.Storage.Sqlite;
using IoMT.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Local.Tests;

/// <summary>
/// The local host on the standard device ports (HTTPS 443, MQTT 8883: Microsoft's device SDKs use no others), with
/// patient-1 of ward 7, a device maker and a nurse; and a runner of tests/device-sdks/drive.mjs, which drives the
/// official Node.js SDKs unmodified, trusting the host's CA through NODE_EXTRA_CA_CERTS and nothing else.
/// Binding 443 needs root or CAP_NET_BIND_SERVICE: elsewhere the tests say so and are skipped (under CI they fail).
/// </summary>
public sealed class DeviceSdkHost : IAsyncLifetime
{
    private static readonly string Driver = RepositoryPaths.Combine("tests", "device-sdks", "drive.mjs");
    private readonly string _data = Path.Combine(Path.GetTempPath(), "iomt-tests", Guid.NewGuid().ToString("N"));
    private WebApplication _app = null!;

    public HttpClient Api { get; private set; } = null!;

    public string MakerToken { get; private set; } = "";

    public string NurseToken { get; private set; } = "";

    /// <summary>Why the SDKs cannot reach this host, or null when they can.</summary>
    public string? Unavailable { get; private set; }

    public IServiceProvider Services => _app.Services;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder([
            "--urls=http://127.0.0.1:0", $"--IoMT:DataDirectory={_data}", "--IoMT:Simulate=false",
            "--IoMT:DeviceHttpsPort=443", "--IoMT:DeviceMqttPort=8883", "--IoMT:DeviceHttpsFallbackPort=0", "--IoMT:DeviceMqttFallbackPort=0",
            "--IoMT:DeviceMessagesPerSecond=1000"]);
        builder.AddIoMTLocal();
        _app = builder.Build();
        _app.MapIoMTLocal();
        await _app.StartAsync();

        Api = new HttpClient { BaseAddress = new Uri(_app.Urls.First().TrimEnd('/') + "/") };
        var directory = Services.GetRequiredService<SqliteDirectory>();
        await directory.SaveAsync(new PatientRecord("patient-1", ["ward-7"]));
        MakerToken = GatewayFixture.Token(directory, new LocalUser("acme", [Role.DeviceMaker], [], "Acme Medical"));
        NurseToken = GatewayFixture.Token(directory, new LocalUser("nurse-7", [Role.Nurse], ["ward-7"]));

        var endpoints = Services.GetRequiredService<DeviceEndpoints>();
        Unavailable = !File.Exists(Path.Combine(Path.GetDirectoryName(Driver)!, "node_modules", "azure-iot-device", "package.json"))
            ? "Microsoft's device SDKs are not installed: run `dotnet test` at the repository root (or `npm ci --prefix tests/device-sdks`)."
            : endpoints.HttpsPort != 443 || endpoints.MqttPort != 8883
                ? $"The device SDKs need ports 443 and 8883, which this user cannot bind or others hold (got {endpoints.HttpsPort} and {endpoints.MqttPort}): run as root or allow them (docs/devices.md)."
                : null;
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    /// <summary>Registers a device of the maker, bound to patient-1 unless told otherwise; returns its connection string.</summary>
    public async Task<string> RegisterAsync(string deviceId, string? bindTo = "patient-1")
    {
        (await SendAsync(HttpMethod.Post, "api/devices", MakerToken, new { id = deviceId, model = "PulseOx 2", kinds = new[] { "spo2", "heartRate" } })).EnsureSuccessStatusCode();
        if (bindTo is not null)
        {
            (await SendAsync(HttpMethod.Post, $"api/devices/{deviceId}/bind", NurseToken, new { patientId = bindTo, at = "2026-11-20T00:00:00Z" })).EnsureSuccessStatusCode();
        }

        var credentials = await (await SendAsync(HttpMethod.Get, $"api/devices/{deviceId}/credentials", MakerToken)).Content.ReadFromJsonAsync<JsonObject>();
        return (string)credentials!["connectionString"]!;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Content = body is null ? null : JsonContent.Create(body);
        return await Api.SendAsync(request);
    }

    /// <summary>Runs the steps with the official SDKs; one outcome per step (<c>ok</c>, <c>result</c>, <c>error.name</c>).</summary>
    public async Task<IReadOnlyList<JsonObject>> DriveAsync(params object[] steps)
    {
        var plan = Path.Combine(_data, $"plan-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(plan, JsonSerializer.Serialize(new { steps }));
        var start = new ProcessStartInfo("node") { ArgumentList = { Driver, plan }, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["NODE_EXTRA_CA_CERTS"] = Path.Combine(_data, "iot-hub-ca.pem");
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await node.WaitForExitAsync(timeout.Token);
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.True(lines.Count == steps.Length, $"The SDK driver reported {lines.Count} of {steps.Length} steps: {await errors}");
        return lines;
    }

    /// <summary>Waits until patient-1's timeline holds <paramref name="count"/> entries matching <paramref name="predicate"/>.</summary>
    public async Task<IReadOnlyList<TimelineRecord>> WaitForAsync(Func<TimelineRecord, bool> predicate, int count)
    {
        var timeline = Services.GetRequiredService<ITimelineStore>();
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var matching = (await timeline.QueryAsync(new TimelineQuery("patient-1", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, PageSize: 1000))).Items.Where(predicate).ToList();
            if (matching.Count >= count)
            {
                return matching;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"patient-1's timeline did not get {count} matching entries within 30 s.");
    }
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using IoMT.Core.Access;
using IoMT.Core.Devices;
using IoMT.Core.Patients;
using IoMT.Core.Timeline;
using IoMT.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Local.Tests;

/// <summary>The local host with a device maker, a ward-7 nurse and patient-1, and helpers to speak as devices.</summary>
public sealed class GatewayFixture : IDisposable
{
    public const string Host = "localhost";

    public GatewayFixture()
        : this(new LocalHostFactory())
    {
    }

    internal GatewayFixture(LocalHostFactory factory)
    {
        Factory = factory;
        Client = Factory.CreateClient();
        var directory = Factory.Services.GetRequiredService<SqliteDirectory>();
        directory.SaveAsync(new PatientRecord("patient-1", ["ward-7"])).GetAwaiter().GetResult();
        MakerToken = Token(directory, new LocalUser("acme", [Role.DeviceMaker], [], "Acme Medical"));
        NurseToken = Token(directory, new LocalUser("nurse-7", [Role.Nurse], ["ward-7"]));
    }

    public LocalHostFactory Factory { get; }

    public HttpClient Client { get; }

    public string MakerToken { get; }

    public string NurseToken { get; }

    public ITimelineStore Timeline => Factory.Services.GetRequiredService<ITimelineStore>();

    /// <summary>Registers a device through the API and returns its primary key.</summary>
    public async Task<string> RegisterAsync(string deviceId, string? bindTo = "patient-1")
    {
        using var registered = await SendAsync(HttpMethod.Post, "/api/devices", MakerToken,
            new { id = deviceId, model = "PulseOx 2", kinds = new[] { "spo2", "heartRate" } });
        registered.EnsureSuccessStatusCode();
        if (bindTo is not null)
        {
            using var bound = await SendAsync(HttpMethod.Post, $"/api/devices/{deviceId}/bind", NurseToken, new { patientId = bindTo, at = "2026-11-20T00:00:00Z" });
            bound.EnsureSuccessStatusCode();
        }

        using var credentials = await SendAsync(HttpMethod.Get, $"/api/devices/{deviceId}/credentials", MakerToken);
        return (string)(await credentials.Content.ReadFromJsonAsync<JsonObject>())!["primaryKey"]!;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>Sends a device-to-cloud message as IoT Hub's HTTPS protocol does.</summary>
    public async Task<HttpResponseMessage> SendEventAsync(string pathDeviceId, string? sasToken, string body, string? messageId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/devices/{pathDeviceId}/messages/events?api-version=2020-03-13", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (sasToken is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", sasToken);
        }

        if (messageId is not null)
        {
            request.Headers.Add("iothub-messageid", messageId);
        }

        return await Client.SendAsync(request);
    }

    public static string SasFor(string deviceId, string key, DateTimeOffset? expiry = null) =>
        SasToken.Create($"{Host}/devices/{deviceId}", key, expiry ?? DateTimeOffset.UtcNow.AddHours(1));

    /// <summary>Waits until the processor has written entries matching <paramref name="predicate"/> to the timeline.</summary>
    public async Task<IReadOnlyList<TimelineRecord>> WaitForAsync(string timeline, Func<TimelineRecord, bool> predicate, int count = 1)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var page = await Timeline.QueryAsync(new TimelineQuery(timeline, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, PageSize: 1000));
            var matching = page.Items.Where(predicate).ToList();
            if (matching.Count >= count)
            {
                return matching;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The timeline '{timeline}' did not get {count} matching entries within 10 s.");
    }

    public void Dispose()
    {
        Client.Dispose();
        Factory.Dispose();
    }

    public static string Token(SqliteDirectory directory, LocalUser user)
    {
        directory.SaveUserAsync(user).GetAwaiter().GetResult();
        return directory.IssueTokenAsync(user.Id, "test", DateTimeOffset.UtcNow).GetAwaiter().GetResult();
    }
}

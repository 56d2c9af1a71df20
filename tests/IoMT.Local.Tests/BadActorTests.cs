using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Access;
using IoMT.Core.Devices;
using IoMT.Core.Patients;
using IoMT.Core.Timeline;
using IoMT.Storage.Sqlite;
using IoMT.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IoMT.Local.Tests;

/// <summary>Devices and callers that misbehave are refused, and each refusal is in the security audit.</summary>
public sealed class BadActorTests : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _gateway;

    public BadActorTests(GatewayFixture gateway)
    {
        _gateway = gateway;
    }

    [Fact]
    public async Task FloodingDevice_IsAnswered429WithRetryAfter_OtherDevicesUnaffected_AndAuditedOncePerMinute()
    {
        var floodKey = await _gateway.RegisterAsync("flood-01");
        var quietKey = await _gateway.RegisterAsync("quiet-01");
        var (flood, quiet) = (new List<HttpStatusCode>(), new List<HttpStatusCode>());

        // The default limit is a burst of 100, then 10 a second: 250 at once leave about 150 refused (fewer when a loaded
        // machine takes seconds to send them: the bound below counts the refill of the time they took).
        var sending = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 250; i++)
        {
            using var flooding = await _gateway.SendEventAsync("flood-01", GatewayFixture.SasFor("flood-01", floodKey), Message("flood-01", $"f-{i}"));
            flood.Add(flooding.StatusCode);
            if (flooding.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(flooding.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
                Assert.Equal("ThrottlingException", flooding.Headers.GetValues("iothub-errorcode").Single());
                Assert.StartsWith("ErrorCode:ThrottlingException;", (string)(await flooding.Content.ReadFromJsonAsync<JsonObject>())!["Message"]!, StringComparison.Ordinal);
            }

            if (i % 10 == 0)
            {
                using var calm = await _gateway.SendEventAsync("quiet-01", GatewayFixture.SasFor("quiet-01", quietKey), Message("quiet-01", $"q-{i}"));
                quiet.Add(calm.StatusCode);
            }
        }

        var refilled = (int)Math.Ceiling(sending.Elapsed.TotalSeconds * 10);
        Assert.InRange(flood.Count(s => s == HttpStatusCode.NoContent), 100, 100 + refilled);
        Assert.Contains(HttpStatusCode.TooManyRequests, flood);
        Assert.Equal(250, flood.Count(s => s is HttpStatusCode.NoContent or HttpStatusCode.TooManyRequests));
        Assert.All(quiet, s => Assert.Equal(HttpStatusCode.NoContent, s));
        var audited = (await AuditAsync()).Where(e => e.Actor == "device:flood-01").ToList();
        Assert.Equal(SecurityEventCodes.DeviceRateLimited, Assert.Single(audited).Code);
    }

    [Fact]
    public async Task ForgedAndExpiredTokens_AreRefused_AndAuditedWithTheReason()
    {
        var key = await _gateway.RegisterAsync("forged-01");
        var forged = GatewayFixture.SasFor("forged-01", Convert.ToBase64String(new byte[32]));
        var expired = GatewayFixture.SasFor("forged-01", key, DateTimeOffset.UtcNow - SasToken.ClockSkew - TimeSpan.FromMinutes(1));

        using var withForged = await _gateway.SendEventAsync("forged-01", forged, Message("forged-01", "x-1"));
        using var withExpired = await _gateway.SendEventAsync("forged-01", expired, Message("forged-01", "x-2"));
        using var asAnother = await _gateway.SendEventAsync("forged-01", GatewayFixture.SasFor("quiet-02", key), Message("forged-01", "x-3"));

        Assert.Equal(HttpStatusCode.Unauthorized, withForged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withExpired.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, asAnother.StatusCode);
        var audited = Assert.Single(await AuditAsync(), e => e.Actor == "device:forged-01");
        Assert.Equal(SecurityEventCodes.DeviceUnauthenticated, audited.Code);
        Assert.Contains("signature", audited.Detail, StringComparison.Ordinal);
        Assert.StartsWith("POST /devices/forged-01/messages/events", audited.Request, StringComparison.Ordinal);
        Assert.Empty(await _gateway.Timeline.QueryAsync(new TimelineQuery("patient-1", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, PageSize: 1000))
            .ContinueWith(t => t.Result.Items.Where(r => r.DeviceId == "forged-01").ToList(), TaskScheduler.Default));
    }

    [Fact]
    public async Task ReplayedMessage_IsStoredOnce_AndAudited()
    {
        var key = await _gateway.RegisterAsync("replay-01");
        var token = GatewayFixture.SasFor("replay-01", key);
        var body = Message("replay-01", "r-1");

        for (var i = 0; i < 3; i++)
        {
            using var sent = await _gateway.SendEventAsync("replay-01", token, body, "r-1");
            Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
        }

        using var later = await _gateway.SendEventAsync("replay-01", token, Message("replay-01", "r-2"), "r-2");
        var stored = await _gateway.WaitForAsync("patient-1", r => r.DeviceId == "replay-01" && r.Type == TimelineEntryType.Reading, 2);
        await Task.Delay(500);
        Assert.Equal(2, (await _gateway.WaitForAsync("patient-1", r => r.DeviceId == "replay-01" && r.Type == TimelineEntryType.Reading, 2)).Count);
        Assert.Equal(2, stored.Select(r => r.Id).Distinct().Count());
        var audited = await WaitForAuditAsync(e => e.Actor == "device:replay-01");
        Assert.Equal(SecurityEventCodes.DeviceMessageReplayed, audited.Code);
        Assert.Equal("POST /devices/replay-01/messages/events", audited.Request);
        Assert.Contains("'r-1'", audited.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayedMessage_AuditFailing_BatchNotFailedAndReadingsCommitted()
    {
        var logs = new LevelLog();
        using var gateway = new GatewayFixture(new LocalHostFactory
        {
            ReplaceServices = s => s.AddSingleton<ISecurityEventStore, FailingEventStore>().AddSingleton<ILoggerProvider>(logs),
        });
        var key = await gateway.RegisterAsync("replay-02");
        var token = GatewayFixture.SasFor("replay-02", key);

        for (var i = 0; i < 2; i++)
        {
            using var sent = await gateway.SendEventAsync("replay-02", token, Message("replay-02", "r-1"), "r-1");
        }

        using var later = await gateway.SendEventAsync("replay-02", token, Message("replay-02", "r-2"), "r-2");

        Assert.Equal(2, (await gateway.WaitForAsync("patient-1", r => r.DeviceId == "replay-02" && r.Type == TimelineEntryType.Reading, 2)).Count);
        // The readings are written before the audit is tried: wait for the processor's word on it. A failed batch would
        // be retried after a pause, delaying every reading of its partitions.
        bool Processor(LogLevel level) =>
            logs.Entries.Any(e => e.Category.EndsWith("IngestionProcessor", StringComparison.Ordinal) && e.Level == level);
        await PollAsync(() => Task.FromResult(Processor(LogLevel.Warning) || Processor(LogLevel.Error)), said => said);

        Assert.True(Processor(LogLevel.Warning));
        Assert.False(Processor(LogLevel.Error));
    }

    [Fact]
    public async Task CoordinatorReadingAnotherTeamsPatient_IsAnsweredNotFound_AndAudited()
    {
        var directory = _gateway.Factory.Services.GetRequiredService<SqliteDirectory>();
        await directory.SaveAsync(new PatientRecord("patient-9", ["ward-9"]));
        var coordinator = GatewayFixture.Token(directory, new LocalUser("coordinator-7", [Role.CareCoordinator], ["ward-7"]));

        using var other = await _gateway.SendAsync(HttpMethod.Get, "/api/patients/patient-9", coordinator);
        using var timeline = await _gateway.SendAsync(HttpMethod.Get, "/api/patients/patient-9/timeline", coordinator);
        using var own = await _gateway.SendAsync(HttpMethod.Get, "/api/patients/patient-1", coordinator);
        using var audit = await _gateway.SendAsync(HttpMethod.Get, "/api/audit", coordinator);

        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, timeline.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, audit.StatusCode);
        var events = (await AuditAsync()).Where(e => e.Actor == "coordinator-7").ToList();
        Assert.Contains(events, e => e.Code == SecurityEventCodes.AccessDenied && e.Request == "GET /api/patients/patient-9");
        Assert.Contains(events, e => e.Code == SecurityEventCodes.Forbidden && e.Request == "GET /api/audit");
    }

    [Fact]
    public async Task UnknownBearerToken_IsRefused_AndAuditedAsAnonymous()
    {
        using var refused = await _gateway.SendAsync(HttpMethod.Get, "/api/patients", "iomt_not-a-real-token");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains(await AuditAsync(), e => e.Code == SecurityEventCodes.Unauthenticated && e.Actor == "anonymous" && e.Request == "GET /api/patients");
    }

    private async Task<List<SecurityEvent>> AuditAsync()
    {
        var directory = _gateway.Factory.Services.GetRequiredService<SqliteDirectory>();
        var admin = GatewayFixture.Token(directory, new LocalUser("audit-admin", [Role.Admin], []));
        using var response = await _gateway.SendAsync(HttpMethod.Get, "/api/audit", admin);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<List<SecurityEvent>>(Api.ApiJson.Options))!;
    }

    /// <summary>Events the ingestion processor records appear once it has processed the message, not with the answer.</summary>
    private async Task<SecurityEvent> WaitForAuditAsync(Func<SecurityEvent, bool> match) =>
        Assert.Single(await PollAsync(async () => (await AuditAsync()).Where(match).ToList(), found => found.Count > 0));

    /// <summary>Reads until <paramref name="done"/> holds or 30 s have passed, and returns the last reading.</summary>
    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                return value;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The category and level of everything the host logs.</summary>
    private sealed class LevelLog : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<(string Category, LogLevel Level)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(LevelLog log, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                log.Entries.Enqueue((category, logLevel));
        }
    }

    private sealed class FailingEventStore : ISecurityEventStore
    {
        public Task AppendAsync(SecurityEvent securityEvent, CancellationToken cancellationToken = default) =>
            throw new IOException("The audit cannot be written.");

        public Task<IReadOnlyList<SecurityEvent>> ListAsync(SecurityEventQuery query, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<SecurityEvent>>([]);
    }

    private static string Message(string deviceId, string messageId) =>
        new TelemetryMessage(deviceId, messageId, DateTimeOffset.UtcNow).Spo2(97, DateTimeOffset.UtcNow).ToString();
}

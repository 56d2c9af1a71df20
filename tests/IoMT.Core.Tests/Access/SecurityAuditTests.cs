using IoMT.Core.Access;
using IoMT.Testing;

namespace IoMT.Core.Tests.Access;

public class SecurityAuditTests
{
    private static readonly DateTimeOffset T0 = TelemetryMessage.DefaultTime;
    private readonly ManualClock _clock = new(T0);
    private readonly RecordingStore _store = new();

    [Fact]
    public async Task Record_RepeatsWithinAMinute_AreCountedIntoTheNextEventAfterIt()
    {
        var audit = new SecurityAudit(_store, _clock);

        for (var i = 0; i < 5; i++)
        {
            await audit.RecordAsync(SecurityEventCodes.DeviceRateLimited, "device:d-1", "POST /devices/d-1/messages/events", "too fast");
            _clock.Advance(TimeSpan.FromSeconds(10));
        }

        _clock.Advance(TimeSpan.FromSeconds(20));
        await audit.RecordAsync(SecurityEventCodes.DeviceRateLimited, "device:d-1", "POST /devices/d-1/messages/events", "too fast");

        Assert.Collection(_store.Events,
            first => Assert.Equal((T0, 1), (first.At, first.Count)),
            second => Assert.Equal((T0.AddSeconds(70), 5), (second.At, second.Count)));
    }

    [Fact]
    public async Task Record_OtherActorsSourcesAndCodes_AreWrittenAtOnce()
    {
        var audit = new SecurityAudit(_store, _clock);

        await audit.RecordAsync(SecurityEventCodes.DeviceUnauthenticated, "device:d-1", "POST /devices/d-1/messages/events", "expired", "10.0.0.1");
        await audit.RecordAsync(SecurityEventCodes.DeviceUnauthenticated, "device:d-2", "POST /devices/d-2/messages/events", "expired", "10.0.0.2");
        await audit.RecordAsync(SecurityEventCodes.DeviceRateLimited, "device:d-1", "POST /devices/d-1/messages/events", null);

        Assert.Equal(["device:d-1", "device:d-2", "device:d-1"], _store.Events.Select(e => e.Actor));
        Assert.All(_store.Events, e => Assert.Equal(1, e.Count));
    }

    [Fact]
    public async Task Record_UnauthenticatedRefusalsWithRandomLongDeviceIds_OneEventPerCodeAndSourceAMinute()
    {
        var audit = new SecurityAudit(_store, _clock);

        for (var i = 0; i < 20_000; i++)
        {
            var id = $"{i}-" + new string('x', 7_000);
            await audit.RecordAsync(SecurityEventCodes.DeviceUnauthenticated, "device:" + id, $"POST /devices/{id}/messages/events", $"Device '{id}' is not for this hub.", "203.0.113.9");
        }

        _clock.Advance(SecurityAudit.Window);
        await audit.RecordAsync(SecurityEventCodes.DeviceUnauthenticated, "device:last", "POST /devices/last/messages/events", "expired", "203.0.113.9");
        await audit.RecordAsync(SecurityEventCodes.DeviceUnauthenticated, "device:other", "POST /devices/other/messages/events", "expired", "198.51.100.7");

        Assert.Equal([1, 20_000, 1], _store.Events.Select(e => e.Count));
        Assert.Equal(["203.0.113.9", "203.0.113.9", "198.51.100.7"], _store.Events.Select(e => e.Source));
        var first = _store.Events[0];
        Assert.Equal(SecurityAudit.MaxActorLength, first.Actor.Length);
        Assert.Equal(SecurityAudit.MaxRequestLength, first.Request.Length);
        Assert.Equal(SecurityAudit.MaxDetailLength, first.Detail!.Length);
        Assert.False(first.Authenticated);
        Assert.Equal(2, audit.Tracked);
    }

    [Fact]
    public async Task Record_AuthenticatedRefusals_StillOnePerActorWhateverTheSource()
    {
        var audit = new SecurityAudit(_store, _clock);

        await audit.RecordAsync(SecurityEventCodes.AccessDenied, "coordinator-7", "GET /api/patients/p-9", null, "203.0.113.9");
        await audit.RecordAsync(SecurityEventCodes.AccessDenied, "coordinator-8", "GET /api/patients/p-9", null, "203.0.113.9");
        await audit.RecordAsync(SecurityEventCodes.AccessDenied, "coordinator-7", "GET /api/patients/p-9", null, "198.51.100.7");

        Assert.Equal(["coordinator-7", "coordinator-8"], _store.Events.Select(e => e.Actor));
        Assert.All(_store.Events, e => Assert.True(e.Authenticated));
    }

    [Fact]
    public async Task Record_MoreSourcesThanTracked_MemoryBounded_TheRestCountedTogether()
    {
        var audit = new SecurityAudit(_store, _clock);

        for (var i = 0; i < SecurityAudit.MaxTracked + 500; i++)
        {
            await audit.RecordAsync(SecurityEventCodes.DeviceUnknown, $"device:d-{i}", "POST /devices/d/messages/events", null, $"10.{i / 65536}.{i / 256 % 256}.{i % 256}");
        }

        Assert.Equal(SecurityAudit.MaxTracked + 1, audit.Tracked);
        Assert.Equal(SecurityAudit.MaxTracked + 1, _store.Events.Count);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(7_000)]
    public void Shorten_LongText_CutWithAHashOfTheWhole_ShortTextKept(int length)
    {
        var text = new string('a', length);

        var shortened = SecurityAudit.Shorten(text, 128);

        Assert.Equal(Math.Min(length, 128), shortened.Length);
        Assert.NotEqual(shortened, SecurityAudit.Shorten(text + "b", 128));
    }

    private sealed class RecordingStore : ISecurityEventStore
    {
        public List<SecurityEvent> Events { get; } = [];

        public Task AppendAsync(SecurityEvent securityEvent, CancellationToken cancellationToken = default)
        {
            Events.Add(securityEvent);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<SecurityEvent>> ListAsync(SecurityEventQuery query, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<SecurityEvent>>([.. Events.Where(e => e.At >= query.Since).Reverse().Take(query.Limit)]);
    }
}

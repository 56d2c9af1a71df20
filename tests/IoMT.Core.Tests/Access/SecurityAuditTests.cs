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
    public async Task Record_OtherActorsAndCodes_AreWrittenAtOnce()
    {
        var audit = new SecurityAudit(_store, _clock);

        await audit.RecordAsync(SecurityEventCodes.DeviceUnauthenticated, "device:d-1", "POST /devices/d-1/messages/events", "expired");
        await audit.RecordAsync(SecurityEventCodes.DeviceUnauthenticated, "device:d-2", "POST /devices/d-2/messages/events", "expired");
        await audit.RecordAsync(SecurityEventCodes.DeviceRateLimited, "device:d-1", "POST /devices/d-1/messages/events", null);

        Assert.Equal(["device:d-1", "device:d-2", "device:d-1"], _store.Events.Select(e => e.Actor));
        Assert.All(_store.Events, e => Assert.Equal(1, e.Count));
    }

    private sealed class RecordingStore : ISecurityEventStore
    {
        public List<SecurityEvent> Events { get; } = [];

        public Task AppendAsync(SecurityEvent securityEvent, CancellationToken cancellationToken = default)
        {
            Events.Add(securityEvent);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<SecurityEvent>> ListAsync(DateTimeOffset since, int max, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<SecurityEvent>>([.. Events.Where(e => e.At >= since).Reverse().Take(max)]);
    }
}

using Azure.Messaging.EventHubs;
using IoMT.Core.Pipeline;
using IoMT.Core.Timeline;
using IoMT.Core.Validation;
using IoMT.Functions.Ingestion;
using IoMT.Functions.Tests.Workflows;
using IoMT.Functions.Workflows;
using IoMT.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IoMT.Functions.Tests.Ingestion;

public class IngestionFunctionTests
{
    private static readonly DateTimeOffset T0 = TelemetryMessage.DefaultTime;
    private readonly DurableTestHost _durable = new(T0.AddSeconds(5));
    private readonly FlakyTimelineStore _timeline = new(() => new HttpRequestException("Cosmos DB unavailable"));
    private readonly DeadLetters _deadLetter = new();
    private readonly InMemoryDeviceRegistry _devices = new();
    private long _sequence;

    [Fact]
    public async Task Batch_ValidSpoofedAndRedelivered_EachReadingOnce_SpoofQuarantined_DesaturationEscalates()
    {
        var function = await CreateAsync();
        var desaturation = Enumerable.Range(0, 4).Select(i => Event(new TelemetryMessage("monitor-1", $"m-{i}").Spo2(85, T0.AddSeconds(i * 10)), "monitor-1")).ToList();
        var spoofed = Event(new TelemetryMessage("monitor-2", "m-9").Spo2(99, T0), "monitor-1");
        var resent = Event(new TelemetryMessage("monitor-1", "m-0").Spo2(85, T0), "monitor-1");

        await function.RunAsync([.. desaturation, spoofed, resent], _durable, default);
        await function.RunAsync([.. desaturation], _durable, default);

        var readings = _timeline.All.Where(r => r.Type == TimelineEntryType.Reading).ToList();
        Assert.Equal(4, readings.Count);
        Assert.Single(_timeline.All, r => r.Type == TimelineEntryType.Quarantine);
        var alertId = Assert.Single(_durable.Instances.Keys);
        Assert.StartsWith("patient-1:spo2-low:", alertId, StringComparison.Ordinal);
        Assert.Empty(_deadLetter.Batches);
    }

    [Fact]
    public async Task StoreFailsTwice_RetriedAndStored_NothingDeadLettered()
    {
        var function = await CreateAsync();
        _timeline.FailNext = 2;

        await function.RunAsync([Event(new TelemetryMessage("monitor-1", "m-1").Spo2(97, T0), "monitor-1")], _durable, default);

        Assert.Single(_timeline.All, r => r.Type == TimelineEntryType.Reading);
        Assert.Empty(_deadLetter.Batches);
    }

    [Fact]
    public async Task StoreKeepsFailing_WholeBatchDeadLettered_FunctionReturns()
    {
        var function = await CreateAsync();
        _timeline.FailNext = int.MaxValue;

        await function.RunAsync([Event(new TelemetryMessage("monitor-1", "m-1").Spo2(97, T0), "monitor-1"), Event(new TelemetryMessage("monitor-1", "m-2").Spo2(96, T0), "monitor-1")],
            _durable, default);

        var (batch, reason) = Assert.Single(_deadLetter.Batches);
        Assert.Equal(["m-1", "m-2"], batch.Select(m => MessageIds.TryRead(m.Body.Span)));
        Assert.Equal(nameof(HttpRequestException), reason);
    }

    [Fact]
    public void ToReceived_DeviceFromIoTHubNotFromTheBody_PositionStableAcrossRedeliveries()
    {
        var body = new TelemetryMessage("monitor-2", "m-1").Spo2(97, T0).ToBytes();
        EventData Delivered() => EventHubsModelFactory.EventData(new BinaryData(body),
            systemProperties: new Dictionary<string, object> { [IngestionFunction.DeviceIdProperty] = "monitor-1" }, sequenceNumber: 42, offsetString: "4200", enqueuedTime: T0);

        var first = IngestionFunction.ToReceived(Delivered());
        var again = IngestionFunction.ToReceived(Delivered());
        var anonymous = IngestionFunction.ToReceived(EventHubsModelFactory.EventData(new BinaryData(body), sequenceNumber: 43, offsetString: "4300", enqueuedTime: T0));

        Assert.Equal(("monitor-1", T0), (first.AuthenticatedDeviceId, first.ReceivedAt));
        Assert.Equal(first.SourcePosition, again.SourcePosition);
        Assert.Equal(body, first.Body.ToArray());
        Assert.Null(anonymous.AuthenticatedDeviceId);
    }

    [Fact]
    public void ToReceived_CarriesPropertiesCreationTimeAndMessageIdForMappings()
    {
        var created = new DateTime(2026, 11, 21, 8, 29, 58, DateTimeKind.Utc);
        var delivered = EventHubsModelFactory.EventData(new BinaryData("{\"spo2\":91}"u8.ToArray()),
            properties: new Dictionary<string, object> { ["probe"] = "finger", ["unset"] = null! },
            systemProperties: new Dictionary<string, object>
            {
                [IngestionFunction.DeviceIdProperty] = "oximeter-0042",
                [IngestionFunction.MessageIdProperty] = "m-77",
                [IngestionFunction.CreationTimeProperty] = created,
            },
            sequenceNumber: 44, offsetString: "4400", enqueuedTime: T0);

        var received = IngestionFunction.ToReceived(delivered);

        Assert.Equal("m-77", received.TransportMessageId);
        Assert.Equal("finger", received.Properties!["probe"]);
        Assert.Equal("2026-11-21T08:29:58.0000000Z", received.Properties[IngestionFunction.CreationTimeProperty]);
        Assert.False(received.Properties.ContainsKey("unset"));
    }

    private async Task<IngestionFunction> CreateAsync()
    {
        await _devices.CreateAsync([WorkflowFixtures.WatchedMonitor(T0.AddDays(-1), TimeSpan.FromSeconds(10))], "admin");
        var accessor = new DurableClientAccessor();
        var ingestion = new BatchIngestion(_devices, _timeline, new InMemoryIngestionStateStore(), new DurableEventSink(_durable.Workflows, accessor), _durable.Clock);
        var options = Options.Create(new AzureIngestionOptions { MaxAttempts = 3, RetryDelay = TimeSpan.FromMilliseconds(1), DeadLetterContainerUri = "https://a.blob.core.windows.net/dl" });
        return new IngestionFunction(ingestion, accessor, _deadLetter, options, TimeProvider.System, NullLogger<IngestionFunction>.Instance);
    }

    private EventData Event(TelemetryMessage message, string? deviceId) => EventHubsModelFactory.EventData(new BinaryData(message.ToBytes()),
        systemProperties: deviceId is null ? null : new Dictionary<string, object> { [IngestionFunction.DeviceIdProperty] = deviceId },
        sequenceNumber: Interlocked.Increment(ref _sequence), offsetString: null, enqueuedTime: T0.AddSeconds(5));

    private sealed class DeadLetters : IDeadLetter
    {
        public List<(IReadOnlyList<ReceivedMessage> Batch, string Reason)> Batches { get; } = [];

        public Task WriteAsync(IReadOnlyList<ReceivedMessage> batch, string reason, CancellationToken cancellationToken)
        {
            Batches.Add((batch, reason));
            return Task.CompletedTask;
        }
    }
}

using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Pipeline;
using IoMT.Core.Timeline;
using IoMT.Testing;

namespace IoMT.Core.Tests.Pipeline;

public sealed class CachedIngestionStateTests : IngestionStateStoreContract
{
    protected override Task<IIngestionStateStore> CreateStoreAsync() =>
        Task.FromResult<IIngestionStateStore>(new CachedIngestionState(new InMemoryIngestionStateStore()));

    [Fact]
    public async Task Load_AfterSave_TheSavedStateWithoutReadingTheStore()
    {
        var store = new CountingStateStore();
        var cached = new CachedIngestionState(store);
        var state = new PatientState("patient-1") { Spo2 = new VitalSample(91, T0) };
        await cached.SaveAsync([state], [], T0);

        var loaded = await cached.LoadStatesAsync(["patient-1"]);

        Assert.Same(state, Assert.Single(loaded));
        Assert.Equal(0, store.StatesLoaded);
    }

    [Fact]
    public async Task Load_ChangedButNeverSaved_TheStoredStateAgain()
    {
        // A batch that fails after the pipeline changed a state must not leave the change behind for its retry.
        var cached = new CachedIngestionState(new InMemoryIngestionStateStore());
        await cached.SaveAsync([new PatientState("patient-1") { Spo2 = new VitalSample(91, T0) }], [], T0);
        var changed = Assert.Single(await cached.LoadStatesAsync(["patient-1"]));
        changed.Spo2 = new VitalSample(80, T0.AddMinutes(1));

        var retried = Assert.Single(await cached.LoadStatesAsync(["patient-1"]));

        Assert.NotSame(changed, retried);
        Assert.Equal(91, retried.Spo2!.Value.Value);
    }

    [Fact]
    public async Task Process_BatchFailsAtTheTimelineThenRetried_SameTimelineAndEventsAsWithoutTheFailure()
    {
        var (expectedTimeline, expectedEvents) = await RunAsync(failOnce: false);

        var (timeline, events) = await RunAsync(failOnce: true);

        Assert.NotEmpty(expectedEvents);

        Assert.Equal(expectedTimeline, timeline);
        Assert.Equal(expectedEvents, events);
    }

    private static async Task<(List<TimelineRecord> Timeline, List<WorkflowEvent> Events)> RunAsync(bool failOnce)
    {
        var devices = new InMemoryDeviceRegistry();
        await devices.CreateAsync([new DeviceRecord
        {
            Id = "oximeter-1", Manufacturer = "Acme Medical", Model = "PulseOx 2", Kinds = ["spo2"], Credentials = DeviceCredentials.NewKeys(),
            Bindings = [new DeviceBinding("oximeter-1", "patient-1", T0.AddHours(-1), null)], CreatedAt = T0.AddDays(-1), UpdatedAt = T0.AddDays(-1),
        }], "admin");
        var timeline = new FlakyTimelineStore(() => new IOException("disk full"));
        var events = new RecordingWorkflowEventSink();
        var ingestion = new BatchIngestion(devices, timeline, new CachedIngestionState(new InMemoryIngestionStateStore()), events, new ManualClock(T0.AddHours(1)));
        var batches = Enumerable.Range(0, 6)
            .Select(i => new[] { new TelemetryMessage("oximeter-1", $"m-{i}").Spo2(i is 2 or 3 ? 84 : 97, T0.AddMinutes(i)).Received(T0.AddMinutes(i).AddSeconds(1), $"0:{i}") })
            .ToList();
        foreach (var (batch, index) in batches.Select((b, i) => (b, i)))
        {
            if (failOnce && index == 2)
            {
                timeline.FailNext = 1;
                await Assert.ThrowsAsync<IOException>(() => ingestion.ProcessAsync(batch));
            }

            await ingestion.ProcessAsync(batch);
        }

        return ([.. timeline.All], events.Events);
    }

    private sealed class CountingStateStore : IIngestionStateStore
    {
        private readonly InMemoryIngestionStateStore _inner = new();

        public int StatesLoaded { get; private set; }

        public async Task<IReadOnlyList<PatientState>> LoadStatesAsync(IEnumerable<string> patientIds, CancellationToken cancellationToken = default)
        {
            var states = await _inner.LoadStatesAsync(patientIds, cancellationToken);
            StatesLoaded += states.Count;
            return states;
        }

        public Task<IReadOnlyList<(string DeviceId, string MessageId, string SourcePosition)>> LoadSeenAsync(
            IEnumerable<(string DeviceId, string MessageId)> keys, CancellationToken cancellationToken = default) => _inner.LoadSeenAsync(keys, cancellationToken);

        public Task SaveAsync(
            IReadOnlyList<PatientState> states, IReadOnlyList<(string DeviceId, string MessageId, string SourcePosition)> seen, DateTimeOffset now,
            CancellationToken cancellationToken = default) => _inner.SaveAsync(states, seen, now, cancellationToken);
    }
}

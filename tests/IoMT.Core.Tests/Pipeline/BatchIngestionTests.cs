using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Pipeline;
using IoMT.Core.Timeline;
using IoMT.Core.Validation;
using IoMT.Testing;

namespace IoMT.Core.Tests.Pipeline;

public class BatchIngestionTests
{
    private static readonly DateTimeOffset T0 = TelemetryMessage.DefaultTime;
    private readonly InMemoryDeviceRegistry _devices = new();
    private readonly InMemoryTimelineStore _timeline = new();
    private readonly InMemoryIngestionStateStore _state = new();
    private readonly RecordingWorkflowEventSink _events = new();

    private BatchIngestion Ingestion => new(_devices, _timeline, _state, _events, new ManualClock(T0.AddMinutes(1)));

    [Fact]
    public async Task Process_BindingReassigned_EachReadingOnThePatientBoundAtItsTime()
    {
        await RegisterAsync("oximeter-1", new DeviceBinding("oximeter-1", "patient-1", T0.AddHours(-1), T0.AddSeconds(30)),
            new DeviceBinding("oximeter-1", "patient-2", T0.AddSeconds(30), null));

        await Ingestion.ProcessAsync([Message("oximeter-1", "m-1", T0.AddSeconds(10), "0:1"), Message("oximeter-1", "m-2", T0.AddSeconds(40), "0:2")]);

        Assert.Equal(["patient-1"], Readings("patient-1"));
        Assert.Equal(["patient-2"], Readings("patient-2"));
    }

    [Fact]
    public async Task Process_SameBatchAgain_SameTimelineAndNoEventTwice()
    {
        await RegisterAsync("oximeter-1", new DeviceBinding("oximeter-1", "patient-1", T0.AddHours(-1), null));
        var batch = Enumerable.Range(0, 6).Select(i => new TelemetryMessage("oximeter-1", $"m-{i}").Spo2(84, T0.AddSeconds(i * 10))
            .Received(T0.AddSeconds((i * 10) + 1), $"0:{i}")).ToList();

        await Ingestion.ProcessAsync(batch);
        var after = _timeline.All.ToList();
        var events = _events.Events.Count;
        var again = await Ingestion.ProcessAsync(batch);

        Assert.Equal(after, _timeline.All);
        Assert.True(events > 0);
        Assert.Equal(events, _events.Events.Count);
        Assert.Equal(0, again.Duplicates);
        Assert.Empty(again.Replayed);
    }

    [Fact]
    public async Task Process_DeviceResendsAMessageIdFromAnEarlierBatch_Duplicate()
    {
        await RegisterAsync("oximeter-1", new DeviceBinding("oximeter-1", "patient-1", T0.AddHours(-1), null));
        await Ingestion.ProcessAsync([Message("oximeter-1", "m-1", T0, "0:1")]);

        var resent = await Ingestion.ProcessAsync([Message("oximeter-1", "m-1", T0, "0:7")]);

        Assert.Equal(1, resent.Duplicates);
        Assert.Equal([("oximeter-1", "m-1")], resent.Replayed);
        Assert.Single(_timeline.All, r => r.Type == TimelineEntryType.Reading);
    }

    [Fact]
    public async Task Process_BodyClaimsAnotherDevice_QuarantinedAsMismatchUnderTheSender()
    {
        await RegisterAsync("device-a", new DeviceBinding("device-a", "patient-1", T0.AddHours(-1), null));
        await RegisterAsync("device-b", new DeviceBinding("device-b", "patient-2", T0.AddHours(-1), null));
        var spoof = new TelemetryMessage("device-b", "m-1").Spo2(97).Received(T0.AddSeconds(5), "0:1", authenticatedDeviceId: "device-a");

        await Ingestion.ProcessAsync([spoof]);

        var record = Assert.Single(_timeline.All);
        Assert.Equal((TimelineEntryType.Quarantine, ErrorCodes.DeviceMismatch, "device-a"), (record.Type, record.Code, record.DeviceId));
        Assert.Empty(Readings("patient-2"));
    }

    [Fact]
    public async Task Process_StatesCarriedAcrossBatches_AlertRaisedOnceThenCleared()
    {
        await RegisterAsync("oximeter-1", new DeviceBinding("oximeter-1", "patient-1", T0.AddHours(-1), null));

        foreach (var i in Enumerable.Range(0, 8))
        {
            await Ingestion.ProcessAsync([new TelemetryMessage("oximeter-1", $"low-{i}").Spo2(84, T0.AddSeconds(i * 10)).Received(T0.AddSeconds((i * 10) + 1), $"0:{i}")]);
        }

        await Ingestion.ProcessAsync([new TelemetryMessage("oximeter-1", "ok").Spo2(97, T0.AddMinutes(5)).Received(T0.AddMinutes(5).AddSeconds(1), "0:99")]);

        Assert.Single(_events.Events.OfType<AlertRaised>(), e => e.RuleId == "spo2-low");
        Assert.Single(_events.Events.OfType<AlertCleared>(), e => e.RuleId == "spo2-low");
    }

    [Fact]
    public async Task Process_MarksDevicesSeenAtTheirLatestReceiveTime()
    {
        await RegisterAsync("oximeter-1");

        await Ingestion.ProcessAsync([Message("oximeter-1", "m-1", T0, "0:1"), Message("oximeter-1", "m-2", T0.AddSeconds(30), "0:2")]);

        Assert.Equal(T0.AddSeconds(35), (await _devices.FindAsync("oximeter-1"))!.LastSeenAt);
    }

    [Fact]
    public async Task Process_TwoBatchesForOnePatientAtOnce_TheSecondStartsFromTheFirstOnesState()
    {
        // A late reading can bring a patient into another partition's batch; the two must not overwrite each other's state.
        await RegisterAsync("oximeter-1", new DeviceBinding("oximeter-1", "patient-1", T0.AddHours(-1), null));
        var (ingestion, timeline, held) = WithNextAppendHeld();

        var first = ingestion.ProcessAsync([Message("oximeter-1", "m-1", T0, "0:1")]);
        var second = ingestion.ProcessAsync([Message("oximeter-1", "m-2", T0.AddSeconds(20), "2:1")]);
        await Task.WhenAny(second, Task.Delay(TimeSpan.FromMilliseconds(200)));
        var secondRanAhead = second.IsCompleted;
        held.SetResult();
        await Task.WhenAll(first, second);

        Assert.False(secondRanAhead);
        Assert.Equal(T0.AddSeconds(20), Assert.Single(await _state.LoadStatesAsync(["patient-1"])).Spo2!.Value.At);
        Assert.Equal(2, timeline.All.Count(r => r.Type == TimelineEntryType.Reading));
    }

    [Fact]
    public async Task Process_DeviceResendsAMessageIdInABatchRunningAtTheSameTime_Duplicate()
    {
        await RegisterAsync("oximeter-1", new DeviceBinding("oximeter-1", "patient-1", T0.AddHours(-1), null));
        var (ingestion, timeline, held) = WithNextAppendHeld();

        var first = ingestion.ProcessAsync([Message("oximeter-1", "m-1", T0, "0:1")]);
        var resent = ingestion.ProcessAsync([Message("oximeter-1", "m-1", T0, "2:1")]);
        held.SetResult();

        await first;
        Assert.Equal(1, (await resent).Duplicates);
        Assert.Single(timeline.All, r => r.Type == TimelineEntryType.Reading);
    }

    [Fact]
    public async Task Process_BatchesForDifferentPatientsAtOnce_NeitherWaitsForTheOther()
    {
        await RegisterAsync("oximeter-1", new DeviceBinding("oximeter-1", "patient-1", T0.AddHours(-1), null));
        await RegisterAsync("oximeter-2", new DeviceBinding("oximeter-2", "patient-2", T0.AddHours(-1), null));
        var (ingestion, timeline, held) = WithNextAppendHeld();

        var first = ingestion.ProcessAsync([Message("oximeter-1", "m-1", T0, "0:1")]);
        await ingestion.ProcessAsync([Message("oximeter-2", "m-1", T0, "1:1")]).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(first.IsCompleted);
        held.SetResult();
        await first;
        Assert.Equal(["patient-1"], timeline.All.Where(r => r.Type == TimelineEntryType.Reading && r.PatientId == "patient-1").Select(r => r.PatientId));
    }

    [Fact]
    public async Task Process_BatchFailsWhileAnotherWaitsForItsPatient_TheOtherRunsFromTheSavedState()
    {
        await RegisterAsync("oximeter-1", new DeviceBinding("oximeter-1", "patient-1", T0.AddHours(-1), null));
        var (ingestion, timeline, held) = WithNextAppendHeld();
        timeline.FailNext = 1;

        var failing = ingestion.ProcessAsync([Message("oximeter-1", "m-1", T0.AddSeconds(30), "0:1")]);
        var waiting = ingestion.ProcessAsync([Message("oximeter-1", "m-2", T0.AddSeconds(20), "2:1")]);
        held.SetResult();

        await Assert.ThrowsAsync<IOException>(() => failing);
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(T0.AddSeconds(20), Assert.Single(await _state.LoadStatesAsync(["patient-1"])).Spo2!.Value.At);
    }

    private async Task RegisterAsync(string id, params DeviceBinding[] bindings) =>
        await _devices.CreateAsync([new DeviceRecord
        {
            Id = id, Manufacturer = "Acme Medical", Model = "PulseOx 2", Kinds = ["spo2"], Credentials = DeviceCredentials.NewKeys(),
            Bindings = bindings, CreatedAt = T0.AddDays(-1), UpdatedAt = T0.AddDays(-1),
        }], "admin");

    /// <summary>An ingestion whose next timeline append waits until the returned source is set.</summary>
    private (BatchIngestion Ingestion, FlakyTimelineStore Timeline, TaskCompletionSource Held) WithNextAppendHeld()
    {
        var held = new TaskCompletionSource();
        var timeline = new FlakyTimelineStore(() => new IOException("disk full")) { HoldNext = held.Task };
        return (new BatchIngestion(_devices, timeline, _state, _events, new ManualClock(T0.AddMinutes(1))), timeline, held);
    }

    private static ReceivedMessage Message(string device, string id, DateTimeOffset at, string position) =>
        new TelemetryMessage(device, id).Spo2(97, at).Received(at.AddSeconds(5), position);

    private IEnumerable<string> Readings(string patientId) =>
        _timeline.All.Where(r => r.Type == TimelineEntryType.Reading && r.PatientId == patientId).Select(r => r.PatientId);
}

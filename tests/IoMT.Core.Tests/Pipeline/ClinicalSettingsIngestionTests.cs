using System.Text.Json.Nodes;
using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Patients;
using IoMT.Core.Pipeline;
using IoMT.Core.Timeline;
using IoMT.Testing;

namespace IoMT.Core.Tests.Pipeline;

/// <summary>Ingestion scores and alerts each patient by their own clinical settings.</summary>
public class ClinicalSettingsIngestionTests
{
    private static readonly DateTimeOffset T0 = TelemetryMessage.DefaultTime;
    private readonly InMemoryDeviceRegistry _devices = new();
    private readonly InMemoryTimelineStore _timeline = new();
    private readonly InMemoryIngestionStateStore _state = new();
    private readonly RecordingWorkflowEventSink _events = new();
    private readonly InMemoryClinicalSettingsStore _settings = new();
    private readonly BatchIngestion _ingestion;

    public ClinicalSettingsIngestionTests()
    {
        _ingestion = new(_devices, _timeline, _state, _events, new ManualClock(T0.AddMinutes(1)), profiles: new ClinicalProfiles(_settings));
    }

    [Fact]
    public async Task Process_Spo2Of89OnAir_Scale2ScoresNothing_Scale1Scores3_OneSettingsReadPerBatch()
    {
        await PatientAsync("copd-1", "oximeter-1", new ClinicalSettings { Spo2Scale = 2 });
        await PatientAsync("patient-2", "oximeter-2", settings: null);

        await _ingestion.ProcessAsync([
            new TelemetryMessage("oximeter-1", "m-1").Spo2(89).Received(T0.AddSeconds(5), "0:1"),
            new TelemetryMessage("oximeter-2", "m-1").Spo2(89).Received(T0.AddSeconds(5), "0:2")]);

        Assert.Equal(0, Spo2Score("copd-1"));
        Assert.Equal(3, Spo2Score("patient-2"));
        Assert.Equal(1, _settings.FindManyCalls);
    }

    /// <summary>RCP NEWS2 chart 1, SpO2 Scale 2: ≤83 → 3, 84–85 → 2, 86–87 → 1, 88–92 (and ≥93 on air) → 0; on oxygen 93–94 → 1, 95–96 → 2, ≥97 → 3.</summary>
    [Theory]
    [InlineData(83, false, 3)]
    [InlineData(83.4, false, 3)]
    [InlineData(83.5, false, 2)]
    [InlineData(84, false, 2)]
    [InlineData(85, false, 2)]
    [InlineData(86, false, 1)]
    [InlineData(87, false, 1)]
    [InlineData(87.4, false, 1)]
    [InlineData(87.5, false, 0)]
    [InlineData(88, false, 0)]
    [InlineData(92, false, 0)]
    [InlineData(93, false, 0)]
    [InlineData(97, false, 0)]
    [InlineData(100, false, 0)]
    [InlineData(83, true, 3)]
    [InlineData(84, true, 2)]
    [InlineData(85, true, 2)]
    [InlineData(86, true, 1)]
    [InlineData(87, true, 1)]
    [InlineData(88, true, 0)]
    [InlineData(92, true, 0)]
    [InlineData(92.4, true, 0)]
    [InlineData(92.5, true, 1)]
    [InlineData(93, true, 1)]
    [InlineData(94, true, 1)]
    [InlineData(95, true, 2)]
    [InlineData(96, true, 2)]
    [InlineData(97, true, 3)]
    [InlineData(100, true, 3)]
    public async Task Process_Scale2Patient_Spo2ScoredByScale2(double percent, bool onOxygen, int score)
    {
        await PatientAsync("copd-1", "oximeter-1", new ClinicalSettings { Spo2Scale = 2 });
        var message = new TelemetryMessage("oximeter-1", "m-1").Spo2(percent)
            .Add(new JsonObject { ["kind"] = "oxygenSupplement", ["value"] = onOxygen, ["at"] = TelemetryMessage.Iso(T0) });

        await _ingestion.ProcessAsync([message.Received(T0.AddSeconds(5), "0:1")]);

        Assert.Equal(score, Spo2Score("copd-1"));
    }

    [Fact]
    public async Task Process_Spo2LowOverriddenToRaiseBelow85_NotRaisedAt86_RaisedAt84_WhileTheDefaultRaisesAt86()
    {
        var limits = new Dictionary<string, RuleOverride>(StringComparer.Ordinal) { ["spo2-low"] = new() { RaiseAt = 85, ClearAt = 88 } };
        await PatientAsync("copd-1", "oximeter-1", new ClinicalSettings { Spo2Scale = 2, Limits = limits });
        await PatientAsync("patient-2", "oximeter-2", settings: null);

        // A minute at 86 % (the rule's 15 s sustained four times over), one reading a batch.
        for (var i = 0; i <= 6; i++)
        {
            await _ingestion.ProcessAsync([
                new TelemetryMessage("oximeter-1", $"a-{i}").Spo2(86, T0.AddSeconds(i * 10)).Received(T0.AddSeconds((i * 10) + 1), $"0:{i}"),
                new TelemetryMessage("oximeter-2", $"a-{i}").Spo2(86, T0.AddSeconds(i * 10)).Received(T0.AddSeconds((i * 10) + 1), $"1:{i}")]);
        }

        Assert.DoesNotContain(_events.Events.OfType<AlertRaised>(), e => e.PatientId == "copd-1");
        var byDefault = Assert.Single(_events.Events.OfType<AlertRaised>(), e => e.PatientId == "patient-2" && e.RuleId == "spo2-low");
        Assert.Equal(90, byDefault.Limit);

        for (var i = 7; i <= 9; i++)
        {
            await _ingestion.ProcessAsync([new TelemetryMessage("oximeter-1", $"b-{i}").Spo2(84, T0.AddSeconds(i * 10)).Received(T0.AddSeconds((i * 10) + 1), $"0:{i}")]);
        }

        var raised = Assert.Single(_events.Events.OfType<AlertRaised>(), e => e.PatientId == "copd-1");
        // Below 85 from 70 s on, sustained 15 s: raised with the reading at 90 s.
        Assert.Equal(("spo2-low", 84.0, T0.AddSeconds(90)), (raised.RuleId, raised.Value, raised.At));
        Assert.Equal(85, raised.Limit);
    }

    [Fact]
    public async Task Process_SettingsDisableARuleWithAnOpenEpisode_EndedAtTheNextReading()
    {
        await PatientAsync("patient-1", "oximeter-1", settings: null);
        for (var i = 0; i <= 3; i++)
        {
            await _ingestion.ProcessAsync([new TelemetryMessage("oximeter-1", $"m-{i}").Spo2(84, T0.AddSeconds(i * 10)).Received(T0.AddSeconds((i * 10) + 1), $"0:{i}")]);
        }

        var disabled = new Dictionary<string, RuleOverride>(StringComparer.Ordinal) { ["spo2-low"] = new() { Enabled = false } };
        await _settings.SaveAsync("patient-1", new ClinicalSettingsChange(T0, "dr-who", "palliative", ClinicalSettings.Default, new ClinicalSettings { Limits = disabled }));
        await _ingestion.ProcessAsync([new TelemetryMessage("oximeter-1", "m-9").Spo2(84, T0.AddSeconds(60)).Received(T0.AddSeconds(61), "0:9")]);

        Assert.Single(_events.Events.OfType<AlertRaised>(), e => e.RuleId == "spo2-low");
        var cleared = Assert.Single(_events.Events.OfType<AlertCleared>(), e => e.RuleId == "spo2-low");
        Assert.Equal((ClearReason.RuleDisabled, T0.AddSeconds(60)), (cleared.Reason, cleared.At));
    }

    [Fact]
    public async Task Process_StoredOverrideOfARuleNoLongerThere_MonitoredByTheOrganizationsRules()
    {
        var limits = new Dictionary<string, RuleOverride>(StringComparer.Ordinal) { ["retired-rule"] = new() { RaiseAt = 1, ClearAt = 2 } };
        await PatientAsync("patient-1", "oximeter-1", new ClinicalSettings { Spo2Scale = 2, Limits = limits });

        for (var i = 0; i <= 3; i++)
        {
            await _ingestion.ProcessAsync([new TelemetryMessage("oximeter-1", $"m-{i}").Spo2(84, T0.AddSeconds(i * 10)).Received(T0.AddSeconds((i * 10) + 1), $"0:{i}")]);
        }

        Assert.Single(_events.Events.OfType<AlertRaised>(), e => e.RuleId == "spo2-low");
        Assert.Equal(2, Spo2Score("patient-1"));
    }

    private async Task PatientAsync(string patientId, string deviceId, ClinicalSettings? settings)
    {
        await _devices.CreateAsync([new DeviceRecord
        {
            Id = deviceId, Manufacturer = "Acme Medical", Model = "PulseOx 2", Kinds = ["spo2"], Credentials = DeviceCredentials.NewKeys(),
            Bindings = [new DeviceBinding(deviceId, patientId, T0.AddHours(-1), null)], CreatedAt = T0.AddDays(-1), UpdatedAt = T0.AddDays(-1),
        }], "admin");
        if (settings is not null)
        {
            await _settings.SaveAsync(patientId, new ClinicalSettingsChange(T0.AddDays(-1), "dr-who", "test", ClinicalSettings.Default, settings));
        }
    }

    private int? Spo2Score(string patientId) =>
        TimelineJson.Deserialize<News2Data>(_timeline.All.Last(r => r.Type == TimelineEntryType.News2 && r.PatientId == patientId).Data).Scores.Spo2;
}

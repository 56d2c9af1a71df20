using System.Text;
using IoMT.Core.Devices;
using IoMT.Core.Mapping;
using IoMT.Core.Pipeline;
using IoMT.Core.Timeline;
using IoMT.Core.Validation;
using IoMT.Testing;

namespace IoMT.Core.Tests.Mapping;

/// <summary>Mapped messages through the whole ingestion: active mappings per model, hot reload, timeline, quarantine, alerts.</summary>
public sealed class MappedIngestionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 29, 40, TimeSpan.Zero);
    private static readonly MappingScope CuffModel = new("Acme Medical", "AC-200");
    private readonly InMemoryDeviceRegistry _devices = new();
    private readonly InMemoryTimelineStore _timeline = new();
    private readonly RecordingWorkflowEventSink _events = new();
    private readonly InMemoryMappingStore _mappings = new();
    private readonly ManualClock _clock = new(T0.AddSeconds(30));
    private readonly BatchIngestion _ingestion;

    public MappedIngestionTests()
    {
        _ingestion = new BatchIngestion(_devices, _timeline, new InMemoryIngestionStateStore(), _events, _clock, mappings: new MappingCatalog(_mappings, _clock));
    }

    [Fact]
    public async Task Process_VendorCuffMessage_StoresReadingsOnTheBoundPatient()
    {
        await RegisterAsync("bp-cuff-0009", CuffModel);
        await ActivateAsync(CuffModel, "bp-cuff");

        var outcome = await _ingestion.ProcessAsync([Received("bp-cuff", "bp-cuff-0009", "0:1")]);

        Assert.Equal((3, 0), (outcome.Readings, outcome.Quarantined));
        var readings = _timeline.All.Where(r => r.Type == TimelineEntryType.Reading).ToList();
        Assert.All(readings, r => Assert.Equal("patient-1", r.PatientId));
        Assert.Contains(readings, r => r.Code == "bloodPressure" && r.Value == 142 && r.Value2 == 91);
        Assert.Contains(readings, r => r.Code == "heartRate" && r.Value == 77);
    }

    [Fact]
    public async Task Process_SameVendorBodyAgain_IsADuplicate()
    {
        await RegisterAsync("bp-cuff-0009", CuffModel);
        await ActivateAsync(CuffModel, "bp-cuff");
        await _ingestion.ProcessAsync([Received("bp-cuff", "bp-cuff-0009", "0:1")]);

        var again = await _ingestion.ProcessAsync([Received("bp-cuff", "bp-cuff-0009", "0:2")]);

        Assert.Equal(1, again.Duplicates);
        Assert.Equal(3, _timeline.All.Count(r => r.Type == TimelineEntryType.Reading));
    }

    [Fact]
    public async Task Process_MessageNoTemplateMatches_QuarantinedWithTheOriginalBody()
    {
        await RegisterAsync("bp-cuff-0009", CuffModel);
        await ActivateAsync(CuffModel, "bp-cuff");

        await _ingestion.ProcessAsync([Received("oximeter-iothub", "bp-cuff-0009", "0:1")]);

        var record = Assert.Single(_timeline.All);
        Assert.Equal((TimelineEntryType.Quarantine, ErrorCodes.MappingNoMatch), (record.Type, record.Code));
        Assert.Contains("\\u0022probe\\u0022", record.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_RequiredValueMissing_QuarantinesThatMeasurementAndKeepsTheOthers()
    {
        await RegisterAsync("cgm-0003", new MappingScope("Acme Medical", "G7"));
        await ActivateAsync(MappingScope.Organization, "cgm-export");
        _clock.Advance(TimeSpan.FromMinutes(10));

        var outcome = await _ingestion.ProcessAsync([Received("cgm-export", "cgm-0003", "0:1")]);

        Assert.Equal((2, 1), (outcome.Readings, outcome.Quarantined));
        var quarantined = Assert.Single(_timeline.All, r => r.Type == TimelineEntryType.Quarantine);
        Assert.Equal(ErrorCodes.MappingRequiredMissing, quarantined.Code);
        Assert.Equal("patient-1", quarantined.PatientId);
    }

    [Fact]
    public async Task Process_ContractMessageFromAMappedDevice_IsJudgedAsTheContract()
    {
        await RegisterAsync("bp-cuff-0009", CuffModel);
        await ActivateAsync(CuffModel, "bp-cuff");

        var outcome = await _ingestion.ProcessAsync([new TelemetryMessage("bp-cuff-0009", "m-1").Spo2(97, T0).Received(T0.AddSeconds(5), "0:1")]);

        Assert.Equal((1, 0), (outcome.Readings, outcome.Quarantined));
    }

    [Fact]
    public async Task Process_DeviceWithoutMapping_VendorBodyIsQuarantinedAsTheContractSays()
    {
        await RegisterAsync("bp-cuff-0009", CuffModel);

        await _ingestion.ProcessAsync([Received("bp-cuff", "bp-cuff-0009", "0:1")]);

        Assert.Equal(ErrorCodes.SchemaRequired, Assert.Single(_timeline.All).Code);
    }

    [Fact]
    public async Task Process_NewVersionActivated_TakesEffectWithinTheRefreshInterval()
    {
        await RegisterAsync("bp-cuff-0009", CuffModel);
        await ActivateAsync(CuffModel, "bp-cuff");
        await _ingestion.ProcessAsync([Received("bp-cuff", "bp-cuff-0009", "0:1")]);

        var newer = await ActivateAsync(CuffModel, "oximeter-iothub");
        var before = await _ingestion.ProcessAsync([Received("bp-cuff", "bp-cuff-0009", "0:2", "m-2")]);
        _clock.Advance(MappingCatalog.RefreshInterval);
        var after = await _ingestion.ProcessAsync([Received("bp-cuff", "bp-cuff-0009", "0:3", "m-3")]);

        Assert.Equal(2, newer.Version);
        Assert.Equal(3, before.Readings);
        Assert.Equal((0, 1), (after.Readings, after.Quarantined));
    }

    [Fact]
    public async Task Process_LowSpo2FromAMappedOximeter_RaisesAnAlert()
    {
        await RegisterAsync("oximeter-0042", new MappingScope("Acme Medical", "PulseOx 2"));
        await ActivateAsync(MappingScope.Organization, "oximeter-iothub");

        for (var i = 0; i < 6; i++)
        {
            var at = T0.AddSeconds(i * 10);
            var body = Encoding.UTF8.GetBytes($"{{\"spo2\": 84, \"pr\": 110, \"seq\": {i}}}");
            var message = new ReceivedMessage(body, "oximeter-0042", at.AddSeconds(1), $"0:{i}")
            {
                Properties = new Dictionary<string, string> { ["iothub-creation-time-utc"] = at.ToString("O") },
            };
            _clock.Advance(TimeSpan.FromSeconds(10));
            await _ingestion.ProcessAsync([message]);
        }

        Assert.Contains(_timeline.All, r => r.Type == TimelineEntryType.AlertRaised);
        Assert.NotEmpty(_events.Events);
    }

    private static ReceivedMessage Received(string fixture, string deviceId, string position, string? transportId = null) =>
        new(TestFixtures.Read("mappings", fixture + ".message.json"), deviceId, T0.AddSeconds(20), position) { TransportMessageId = transportId };

    private async Task<MappingVersion> ActivateAsync(MappingScope scope, string fixture)
    {
        var version = await _mappings.AddAsync(scope, File.ReadAllText(TestFixtures.PathOf("mappings", fixture + ".mapping.json")), null, "admin", T0);
        await _mappings.SetActiveAsync(scope, new ActiveMapping(scope, version.Version, T0, "admin"));
        return version;
    }

    private async Task RegisterAsync(string id, MappingScope model) =>
        await _devices.CreateAsync([new DeviceRecord
        {
            Id = id, Manufacturer = model.Manufacturer!, Model = model.Model!, Kinds = ["spo2"], Credentials = DeviceCredentials.NewKeys(),
            Bindings = [new DeviceBinding(id, "patient-1", T0.AddDays(-1), null)], CreatedAt = T0.AddDays(-1), UpdatedAt = T0.AddDays(-1),
        }], "admin");
}

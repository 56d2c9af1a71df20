using System.Text.Json.Nodes;
using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Enrichment;
using IoMT.Core.Pipeline;
using IoMT.Core.Telemetry;
using IoMT.Core.Validation;
using IoMT.Testing;

namespace IoMT.Core.Tests.Pipeline;

public class IngestionPipelineTests
{
    private const string Device = "oximeter-0042";
    private const string Patient = "patient-0001";
    private static readonly DateTimeOffset T0 = TelemetryMessage.DefaultTime;

    private readonly IngestionPipeline _pipeline = new();

    [Fact]
    public void Process_UnknownDevice_RejectedAndQuarantinedWithWholeBody()
    {
        var context = new InMemoryIngestionContext();
        var message = new TelemetryMessage(Device).Spo2(95);

        var result = _pipeline.Process([message.Received()], context);

        var outcome = Assert.Single(result.Outcomes);
        Assert.Equal(MessageStatus.Rejected, outcome.Status);
        Assert.Equal((-1, ErrorCodes.DeviceUnknown), (outcome.Rejected[0].Index, outcome.Rejected[0].Error.Code));
        var record = Assert.Single(result.Quarantine);
        Assert.Equal((Device, -1, message.ToString()), (record.DeviceId, record.ReadingIndex, record.Raw.Content));
        Assert.Empty(result.Readings);
    }

    [Fact]
    public void Process_DisabledDevice_DeviceDisabled()
    {
        var context = new InMemoryIngestionContext().AddDevice(Device, DeviceStatus.Disabled);

        var result = _pipeline.Process([new TelemetryMessage(Device).Spo2(95).Received()], context);

        Assert.Equal(ErrorCodes.DeviceDisabled, result.Outcomes[0].Rejected[0].Error.Code);
    }

    [Fact]
    public void Process_BodyClaimsAnotherDevice_QuarantinedUnderTheSender()
    {
        var context = BoundContext();
        var message = new TelemetryMessage("bp-cuff-0090").Spo2(95);

        var result = _pipeline.Process([message.Received(authenticatedDeviceId: Device)], context);

        var record = Assert.Single(result.Quarantine);
        Assert.Equal((Device, ErrorCodes.DeviceMismatch), (record.DeviceId, record.Error.Code));
        Assert.Empty(result.Readings);
    }

    [Fact]
    public void Process_SameMessageIdFromDeviceAgainAtAnotherPosition_DuplicateNotStoredTwice()
    {
        var context = BoundContext();
        var message = new TelemetryMessage(Device, "m-1").Spo2(95);

        var first = _pipeline.Process([message.Received(sourcePosition: "0:10")], context);
        var second = _pipeline.Process([message.Received(sourcePosition: "0:11")], context);

        Assert.Single(first.Readings);
        var outcome = Assert.Single(second.Outcomes);
        Assert.Equal(MessageStatus.Duplicate, outcome.Status);
        Assert.Equal(ErrorCodes.MessageDuplicate, outcome.Rejected[0].Error.Code);
        Assert.Empty(second.Readings);
        Assert.Empty(second.Quarantine);
    }

    [Fact]
    public void Process_SameMessageIdFromAnotherDevice_NotADuplicate()
    {
        var context = BoundContext().AddDevice("oximeter-0043").AddBinding(new DeviceBinding("oximeter-0043", "patient-0002", T0.AddDays(-1), null));

        _pipeline.Process([new TelemetryMessage(Device, "m-1").Spo2(95).Received()], context);
        var result = _pipeline.Process([new TelemetryMessage("oximeter-0043", "m-1").Spo2(95).Received()], context);

        Assert.Equal(MessageStatus.Accepted, result.Outcomes[0].Status);
    }

    [Fact]
    public void Process_RedeliveryOfTheSamePosition_ReprocessedIdempotently()
    {
        var context = BoundContext();
        var batch = Spo2Series(Device, (0, 85), (5, 85), (10, 85), (15, 85));

        var first = _pipeline.Process(batch, context);
        var redelivered = _pipeline.Process(batch, context);

        Assert.All(redelivered.Outcomes, o => Assert.Equal(MessageStatus.Accepted, o.Status));
        Assert.Equal(first.Readings.Select(r => r.Id), redelivered.Readings.Select(r => r.Id));
        Assert.Single(first.Events.OfType<AlertRaised>());
        Assert.Empty(redelivered.Events);
    }

    [Fact]
    public void Process_SameBatchIntoFreshContexts_IdenticalEntriesAndEvents()
    {
        var batch = Spo2Series(Device, (0, 85), (5, 86), (10, 84), (15, 85), (20, 95));

        var first = _pipeline.Process(batch, BoundContext());
        var second = _pipeline.Process(batch, BoundContext());

        Assert.Equal(first.Readings.Select(r => (r.Id, r.PatientId)), second.Readings.Select(r => (r.Id, r.PatientId)));
        Assert.Equal(first.Events, second.Events);
        Assert.Equal(first.Scores.Select(s => s.Id), second.Scores.Select(s => s.Id));
    }

    [Fact]
    public void Process_ReadingsRoutedToThePatientBoundAtTheirTime()
    {
        var handover = T0.AddMinutes(-30);
        var context = new InMemoryIngestionContext().AddDevice(Device)
            .AddBinding(new DeviceBinding(Device, "patient-A", T0.AddHours(-2), handover))
            .AddBinding(new DeviceBinding(Device, "patient-B", handover, null));
        var message = new TelemetryMessage(Device)
            .Spo2(95, T0.AddHours(-3))
            .Spo2(96, T0.AddHours(-1))
            .Spo2(97, handover.AddMilliseconds(-1))
            .Spo2(98, handover)
            .Spo2(99, T0);

        var result = _pipeline.Process([message.Received()], context);

        Assert.Equal(["patient-A", "patient-A", "patient-B", "patient-B"], result.Readings.Select(r => r.PatientId));
        var unbound = Assert.Single(result.Quarantine);
        Assert.Equal((0, ErrorCodes.BindingNone, (string?)null), (unbound.ReadingIndex, unbound.Error.Code, unbound.PatientId));
        Assert.Equal(MessageStatus.Partial, result.Outcomes[0].Status);
    }

    [Fact]
    public void Process_RejectedReading_QuarantineRecordHasReasonRawReadingDeviceAndReceiveTime()
    {
        var context = BoundContext();
        var message = new TelemetryMessage(Device, "m-q").Spo2(95).Add(new JsonObject { ["kind"] = "spo2", ["value"] = 140, ["unit"] = "%", ["at"] = TelemetryMessage.Iso(T0) });
        var received = message.Received(receivedAt: T0.AddSeconds(3), sourcePosition: "3:99");

        var result = _pipeline.Process([received], context);

        var record = Assert.Single(result.Quarantine);
        Assert.Equal(
            (Device, Patient, "m-q", 1, T0.AddSeconds(3), "3:99", ErrorCodes.ValueOutOfRange, "/readings/1/value"),
            (record.DeviceId, record.PatientId, record.MessageId, record.ReadingIndex, record.ReceivedAt, record.SourcePosition, record.Error.Code, record.Error.Pointer));
        Assert.Equal(message.Readings[1]!.ToJsonString(), record.Raw.Content);
        Assert.False(record.Raw.IsBase64);
    }

    [Fact]
    public void Process_InvalidUtf8Body_QuarantinedAsBase64WithEveryByte()
    {
        var body = new TelemetryMessage(Device).Spo2(95).ToBytes();
        body[^3] = 0xFF;

        var result = _pipeline.Process([new ReceivedMessage(body, Device, T0, "0:1")], BoundContext());

        var record = Assert.Single(result.Quarantine);
        Assert.True(record.Raw.IsBase64);
        Assert.Equal(body, record.Raw.ToBytes());
    }

    [Fact]
    public void Process_Spo2BelowLimitSustainedAcrossMessages_RaisesOnceThenClearsWithHysteresis()
    {
        var context = BoundContext();

        var raising = _pipeline.Process(Spo2Series(Device, (0, 88), (5, 87), (10, 89), (15, 88), (20, 86)), context);
        var holding = _pipeline.Process(Spo2Series(Device, (25, 91)), context);
        var clearing = _pipeline.Process(Spo2Series(Device, (30, 93)), context);

        var raised = Assert.Single(raising.Events.OfType<AlertRaised>());
        Assert.Equal("spo2-low", raised.RuleId);
        Assert.Equal((AlertPriority.High, AlertDirection.Low, AlertCategory.VitalSign), (raised.Priority, raised.Direction, raised.Category));
        Assert.Equal((T0.AddSeconds(15), T0, 88.0, "%"), (raised.At, raised.EpisodeStart, raised.Value!.Value, raised.Unit));
        Assert.Equal(raising.Readings[3].Id, raised.ReadingId);
        Assert.Equal($"{Patient}:spo2-low", raised.DedupKey);
        Assert.Empty(holding.Events);
        var cleared = Assert.Single(clearing.Events.OfType<AlertCleared>());
        Assert.Equal((raised.AlertId, 93.0), (cleared.AlertId, cleared.Value!.Value));
    }

    [Fact]
    public void Process_BriefDipShorterThanSustain_NoAlert()
    {
        var result = _pipeline.Process(Spo2Series(Device, (0, 88), (5, 87), (10, 92), (15, 96)), BoundContext());

        Assert.Empty(result.Events);
    }

    [Fact]
    public void Process_LateReadingOlderThanAlertingAge_StoredButNoAlert()
    {
        var context = BoundContext();
        var old = T0.AddMinutes(-20);
        var message = new TelemetryMessage(Device).Spo2(80, old).Spo2(80, old.AddSeconds(30));

        var result = _pipeline.Process([message.Received(receivedAt: T0)], context);

        Assert.Equal(2, result.Readings.Count);
        Assert.Empty(result.Events);
    }

    [Fact]
    public void Process_ReadingTenMinutesOld_RaisedWhenReceivedWithTheReadingAsOnset()
    {
        var old = T0.AddMinutes(-10);
        var message = new TelemetryMessage(Device).Spo2(80, old).Spo2(80, old.AddSeconds(20));

        var result = _pipeline.Process([message.Received(receivedAt: T0)], BoundContext());

        var raised = Assert.Single(result.Events.OfType<AlertRaised>());
        Assert.Equal((old.AddSeconds(20), old, T0), (raised.At, raised.EpisodeStart, raised.RaisedAt));
    }

    [Fact]
    public void Process_PatientOverride_UsesThePatientsThreshold()
    {
        var context = BoundContext().SetProfile(new PatientProfile
        {
            PatientId = Patient,
            Rules = new AlertRuleSet(DefaultAlertRules.All, new Dictionary<string, RuleOverride> { ["spo2-low"] = new() { RaiseAt = 85, ClearAt = 88, SustainFor = TimeSpan.Zero } }),
        });

        var result = _pipeline.Process(Spo2Series(Device, (0, 88), (5, 86), (10, 84)), context);

        var raised = Assert.Single(result.Events.OfType<AlertRaised>());
        Assert.Equal(T0.AddSeconds(10), raised.At);
    }

    [Fact]
    public void Process_VitalsReachingNews2Of5_News2EntryAndUrgentAlert()
    {
        var context = BoundContext();
        // RR 22 → 2, SpO2 95 → 1, systolic 105 → 1, pulse 95 → 1, temp 37 → 0, air, alert: 5.
        var message = new TelemetryMessage(Device).RespiratoryRate(22).Spo2(95).BloodPressure(105, 70).HeartRate(95).Temperature(37);

        var result = _pipeline.Process([message.Received()], context);

        var last = result.Scores[^1];
        Assert.Equal((5, News2Band.Medium, true), (last.Score.Total, last.Score.Band, last.Score.Complete));
        var raised = Assert.Single(result.Events.OfType<AlertRaised>());
        Assert.Equal(("news2-urgent", AlertCategory.EarlyWarningScore, 5.0), (raised.RuleId, raised.Category, raised.Value!.Value));
    }

    [Fact]
    public void Process_SpotCheckOfSeveralVitals_OneNews2EntryPerInstant()
    {
        var context = BoundContext();
        var later = T0.AddMinutes(1);
        var message = new TelemetryMessage(Device).RespiratoryRate(22).Spo2(95).BloodPressure(105, 70).HeartRate(95).Temperature(37)
            .Spo2(93, later).HeartRate(100, later);

        var result = _pipeline.Process([message.Received(receivedAt: later.AddSeconds(1))], context);

        Assert.Equal([T0, later], result.Scores.Select(s => s.At));
        Assert.Equal([5, 6], result.Scores.Select(s => s.Score.Total));
    }

    [Fact]
    public void Process_News2IncompleteAndLow_DoesNotClearTheUrgentAlert()
    {
        var context = BoundContext();
        _pipeline.Process([new TelemetryMessage(Device).RespiratoryRate(22).Spo2(95).BloodPressure(105, 70).HeartRate(95).Temperature(37).Received()], context);

        // Five hours later only SpO2 is fresh: the score is a low lower bound and must not clear the alert.
        var later = T0.AddHours(5);
        var result = _pipeline.Process([new TelemetryMessage(Device).Spo2(97, later).Received(receivedAt: later)], context);

        Assert.False(result.Scores[^1].Score.Complete);
        Assert.Empty(result.Events.OfType<AlertCleared>());
        Assert.True(context.States[Patient].Rules["news2-urgent"].IsActive);
    }

    [Fact]
    public void Process_Spo2Scale2PatientOnAir_ScoresByScale2()
    {
        var context = BoundContext().SetProfile(new PatientProfile { PatientId = Patient, Spo2Scale = 2 });

        var result = _pipeline.Process([new TelemetryMessage(Device).Spo2(89).Received()], context);

        Assert.Equal(0, result.Scores[^1].Score.Scores.Spo2);
    }

    [Fact]
    public void Process_OxygenSupplementReading_ChangesAirOrOxygenScore()
    {
        var context = BoundContext();
        var message = new TelemetryMessage(Device).Spo2(97).Add(new JsonObject { ["kind"] = "oxygenSupplement", ["value"] = true, ["at"] = TelemetryMessage.Iso(T0.AddSeconds(1)) });

        var result = _pipeline.Process([message.Received()], context);

        Assert.Equal(2, result.Scores[^1].Score.Scores.OnOxygen);
    }

    [Fact]
    public void Process_CgmFallingFast_TrendOnEntryAndUrgentLowSoonRaised()
    {
        var context = BoundContext();
        var message = new TelemetryMessage(Device);
        for (var minute = 0; minute <= 15; minute += 5)
        {
            message.Glucose(110 - (3 * minute), T0.AddMinutes(minute - 15));
        }

        var result = _pipeline.Process([message.Received(receivedAt: T0.AddSeconds(5))], context);

        var last = result.Readings[^1];
        Assert.Equal((-3.0, TrendArrow.SingleDown), (Math.Round(last.Trend!.RateMgPerDlPerMinute, 6), last.Trend.Arrow));
        Assert.Equal(5.0, last.Trend.PredictedMgPerDl, 6);
        Assert.Contains(result.Events.OfType<AlertRaised>(), e => e.RuleId == "glucose-urgent-low-soon");
        Assert.DoesNotContain(result.Events.OfType<AlertRaised>(), e => e.RuleId == "glucose-urgent-low");
    }

    [Fact]
    public void Process_NewConfusionReported_AlertRaisedAtOnceAndClearedWhenAlert()
    {
        var context = BoundContext();

        var raised = _pipeline.Process([new TelemetryMessage(Device).Coded("consciousness", "C").Received()], context);
        var cleared = _pipeline.Process([new TelemetryMessage(Device).Coded("consciousness", "A", T0.AddMinutes(5)).Received(receivedAt: T0.AddMinutes(5))], context);

        var alert = Assert.Single(raised.Events.OfType<AlertRaised>());
        Assert.Equal(("consciousness-not-alert", AlertPriority.High, "C"), (alert.RuleId, alert.Priority, alert.Code));
        Assert.Equal(alert.AlertId, Assert.Single(cleared.Events.OfType<AlertCleared>()).AlertId);
    }

    [Fact]
    public void Process_DoseAndInhalerReadings_AdherenceEvents()
    {
        var context = BoundContext();
        var message = new TelemetryMessage(Device)
            .Add(new JsonObject { ["kind"] = "doseEvent", ["medicationId"] = "metformin-500mg", ["event"] = "missed", ["at"] = TelemetryMessage.Iso(T0) })
            .Add(new JsonObject { ["kind"] = "inhalerActuation", ["medicationId"] = "salbutamol", ["puffs"] = 2, ["at"] = TelemetryMessage.Iso(T0) });

        var result = _pipeline.Process([message.Received(receivedAt: T0.AddMinutes(10))], context);

        var dose = Assert.Single(result.Events.OfType<DoseReported>());
        var inhaler = Assert.Single(result.Events.OfType<InhalerActuated>());
        Assert.Equal((Patient, "metformin-500mg", DoseEventType.Missed, result.Readings[0].Id), (dose.PatientId, dose.MedicationId, dose.Event, dose.ReadingId));
        Assert.Equal(("salbutamol", 2, T0, T0.AddMinutes(10)), (inhaler.MedicationId, inhaler.Puffs, inhaler.At, inhaler.ReceivedAt));
    }

    [Fact]
    public void Process_ValidationOnlyContext_CountsWithoutStoringOrDeviceChecks()
    {
        var result = _pipeline.Process([new TelemetryMessage("any-device").Spo2(95).Spo2(140).Received()], InMemoryIngestionContext.ValidationOnly());

        Assert.Equal((MessageStatus.Partial, 1), (result.Outcomes[0].Status, result.Outcomes[0].Accepted));
        Assert.Empty(result.Readings);
        Assert.Single(result.Quarantine);
    }

    [Fact]
    public void Process_ReadingIdsAreDeterministicFromDeviceMessageAndIndex()
    {
        var message = new TelemetryMessage(Device, "m-fixed").Spo2(95).Spo2(96);

        var result = _pipeline.Process([message.Received()], BoundContext());

        Assert.Equal(2, result.Readings.Select(r => r.Id).Distinct().Count());
        Assert.All(result.Readings, r => Assert.Matches("^rd_[0-9a-f]{32}$", r.Id));
        Assert.Equal(Core.Timeline.DeterministicId.Create("rd_", Device, "m-fixed", 1), result.Readings[1].Id);
    }

    private static InMemoryIngestionContext BoundContext() =>
        new InMemoryIngestionContext().AddDevice(Device).AddBinding(new DeviceBinding(Device, Patient, T0.AddDays(-1), null));

    private static List<ReceivedMessage> Spo2Series(string device, params (int Second, double Percent)[] points) =>
        [.. points.Select(p => new TelemetryMessage(device, $"spo2-{p.Second}").Spo2(p.Percent, T0.AddSeconds(p.Second))
            .Received(receivedAt: T0.AddSeconds(p.Second + 1), sourcePosition: $"0:{p.Second}"))];
}

using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Pipeline;
using IoMT.Core.Telemetry;
using IoMT.Core.Timeline;
using IoMT.Testing;

namespace IoMT.Core.Tests.Timeline;

public class TimelineRecordsTests
{
    private const string Device = "oximeter-0042";
    private static readonly DateTimeOffset T0 = TelemetryMessage.DefaultTime;

    [Fact]
    public void From_EveryReadingKind_DataRoundTripsToTheSameReading()
    {
        var result = Ingest(TestFixtures.Read("telemetry", "all-kinds.json"));

        Assert.Equal(17, result.Readings.Count);
        foreach (var entry in result.Readings)
        {
            var record = TimelineRecords.From(entry);
            var data = TimelineJson.Deserialize<ReadingData>(record.Data);

            Assert.Equal(entry.Reading, data.Reading);
            Assert.Equal((entry.Id, "patient-1", entry.At, TimelineEntryType.Reading, entry.Reading.Kind.ContractName(), Device),
                (record.Id, record.PatientId, record.At, record.Type, record.Code, record.DeviceId));
            Assert.Equal((entry.MessageId, entry.Index, entry.ReceivedAt, entry.SourcePosition), (data.MessageId, data.Index, data.ReceivedAt, data.SourcePosition));
        }
    }

    [Fact]
    public void From_BloodPressure_SystolicAndDiastolicAsValues()
    {
        var record = TimelineRecords.From(Ingest(new TelemetryMessage(Device).BloodPressure(128, 82).ToBytes()).Readings[0]);

        Assert.Equal((128.0, 82.0), (record.Value!.Value, record.Value2!.Value));
    }

    [Fact]
    public void From_IngestionResult_ReadingsScoresQuarantineAndAlerts()
    {
        var message = new TelemetryMessage(Device).Temperature(39.6).Spo2(140);

        var records = TimelineRecords.From(Ingest(message.ToBytes()));

        Assert.Equal(
            [TimelineEntryType.Reading, TimelineEntryType.News2, TimelineEntryType.Quarantine, TimelineEntryType.AlertRaised],
            records.Select(r => r.Type));
        var raised = TimelineJson.Deserialize<AlertRaised>(records[3].Data);
        Assert.Equal(("temperature-high", 39.6), (raised.RuleId, raised.Value!.Value));
    }

    [Fact]
    public void From_QuarantineWithoutPatient_FiledUnderTheDevice()
    {
        var result = new IngestionPipeline().Process([new TelemetryMessage(Device).Spo2(95).Received()], new InMemoryIngestionContext());

        var record = TimelineRecords.From(result.Quarantine[0]);

        Assert.Equal("device:" + Device, record.PatientId);
        Assert.Equal(result.Quarantine[0], TimelineJson.Deserialize<QuarantineRecord>(record.Data));
    }

    [Fact]
    public void From_SameInputTwice_SameRecords()
    {
        var body = new TelemetryMessage(Device, "m-fixed").Temperature(39.6).ToBytes();

        Assert.Equal(TimelineRecords.From(Ingest(body)), TimelineRecords.From(Ingest(body)));
    }

    [Fact]
    public void IsRebuildable_WhatIngestionDerives_YesWhatPeopleDo_No()
    {
        var rebuildable = Enum.GetValues<TimelineEntryType>().Where(t => t.IsRebuildable());

        Assert.Equal(
            [TimelineEntryType.Reading, TimelineEntryType.News2, TimelineEntryType.Quarantine, TimelineEntryType.AlertRaised, TimelineEntryType.AlertCleared],
            rebuildable);
    }

    [Fact]
    public void From_News2RisingToEmergency_OneRegradeEntry_SameIdWhenDeliveredAgain()
    {
        static List<TimelineRecord> Deliver() => TimelineRecords.From(Ingest(News2Vitals(0, pulse: 95, celsius: 37), News2Vitals(1, pulse: 115, celsius: 38.5)));

        var records = Deliver();

        var raised = TimelineJson.Deserialize<AlertRaised>(Assert.Single(records, r => r.Type == TimelineEntryType.AlertRaised).Data);
        var entry = Assert.Single(records, r => r.Type == TimelineEntryType.AlertRegraded);
        var regraded = TimelineJson.Deserialize<AlertRegraded>(entry.Data);
        Assert.Equal((raised.AlertId, "news2-emergency", AlertPriority.High), (regraded.AlertId, regraded.RuleId, regraded.Priority));
        Assert.Equal(("patient-1", T0.AddMinutes(1), "news2-emergency"), (entry.PatientId, entry.At, entry.Code));
        Assert.Equal(entry, Assert.Single(Deliver(), r => r.Type == TimelineEntryType.AlertRegraded));
    }

    private static ReceivedMessage News2Vitals(int minute, double pulse, double celsius)
    {
        var at = T0.AddMinutes(minute);
        return new TelemetryMessage(Device, $"vitals-{minute}").RespiratoryRate(22, at).Spo2(minute == 0 ? 95 : 93, at).BloodPressure(105, 70, at)
            .HeartRate(pulse, at).Temperature(celsius, at).Received(receivedAt: at, sourcePosition: $"0:{minute}");
    }

    private static IngestionResult Ingest(params ReceivedMessage[] messages)
    {
        var context = new InMemoryIngestionContext().AddDevice(Device).AddBinding(new DeviceBinding(Device, "patient-1", T0.AddDays(-1), null));
        return new IngestionPipeline().Process(messages, context);
    }

    private static IngestionResult Ingest(byte[] body)
    {
        var context = new InMemoryIngestionContext().AddDevice(Device).AddBinding(new DeviceBinding(Device, "patient-1", T0.AddDays(-1), null));
        return new IngestionPipeline().Process([new ReceivedMessage(body, Device, T0.AddSeconds(10), "0:1")], context);
    }
}

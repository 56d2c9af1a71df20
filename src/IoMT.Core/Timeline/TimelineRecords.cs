using IoMT.Core.Alerts;
using IoMT.Core.Pipeline;
using IoMT.Core.Telemetry;

namespace IoMT.Core.Timeline;

/// <summary>Turns what ingestion produces into timeline records, each with its deterministic id.</summary>
public static class TimelineRecords
{
    /// <summary>Everything of a batch that belongs on timelines: readings, NEWS2 scores, quarantine records, alert episodes.</summary>
    public static List<TimelineRecord> From(IngestionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var records = new List<TimelineRecord>(result.Readings.Count + result.Scores.Count + result.Quarantine.Count + result.Events.Count);
        foreach (var entry in result.Readings)
        {
            records.Add(From(entry));
        }

        foreach (var score in result.Scores)
        {
            records.Add(From(score));
        }

        foreach (var quarantined in result.Quarantine)
        {
            records.Add(From(quarantined));
        }

        foreach (var workflowEvent in result.Events)
        {
            switch (workflowEvent)
            {
                case AlertRaised raised:
                    records.Add(From(raised));
                    break;
                case AlertRegraded regraded:
                    records.Add(From(regraded));
                    break;
                case AlertCleared cleared:
                    records.Add(From(cleared));
                    break;
            }
        }

        return records;
    }

    public static TimelineRecord From(ReadingEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var reading = entry.Reading;
        var (value, value2) = reading switch
        {
            QuantityReading quantity => (quantity.Value, (double?)null),
            BloodPressureReading pressure => (pressure.Systolic, pressure.Diastolic),
            GlucoseReading glucose => (glucose.MgPerDl, null),
            OxygenSupplementReading oxygen => (oxygen.OnOxygen ? 1 : 0, oxygen.FlowLitresPerMinute),
            InhalerActuationReading inhaler => (inhaler.Puffs, null),
            _ => ((double?)null, (double?)null),
        };
        var data = new ReadingData(reading, entry.DeviceId, entry.MessageId, entry.Index, entry.ReceivedAt, entry.SourcePosition, entry.Trend);
        return new TimelineRecord(entry.Id, entry.PatientId, reading.At, TimelineEntryType.Reading, reading.Kind.ContractName(),
            value, value2, entry.DeviceId, TimelineJson.Serialize(data));
    }

    public static TimelineRecord From(News2Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new TimelineRecord(entry.Id, entry.PatientId, entry.At, TimelineEntryType.News2, "news2", entry.Score.Total, null, null,
            TimelineJson.Serialize(News2Data.From(entry)));
    }

    public static TimelineRecord From(QuarantineRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new TimelineRecord(record.Id, record.PatientId ?? TimelineRecord.UnassignedTimeline(record.DeviceId), record.ReceivedAt,
            TimelineEntryType.Quarantine, record.Error.Code, null, null, record.DeviceId, TimelineJson.Serialize(record));
    }

    public static TimelineRecord From(AlertRaised raised)
    {
        ArgumentNullException.ThrowIfNull(raised);
        return new TimelineRecord(DeterministicId.Create("ar_", raised.AlertId), raised.PatientId, raised.At, TimelineEntryType.AlertRaised,
            raised.RuleId, raised.Value, null, null, TimelineJson.Serialize(raised));
    }

    /// <summary>One record per grade change of an episode: the id holds the grade and the reading's time, so redelivery rewrites it.</summary>
    public static TimelineRecord From(AlertRegraded regraded)
    {
        ArgumentNullException.ThrowIfNull(regraded);
        return new TimelineRecord(DeterministicId.Create("ag_", regraded.AlertId, regraded.RuleId, regraded.At.UtcTicks), regraded.PatientId, regraded.At,
            TimelineEntryType.AlertRegraded, regraded.RuleId, regraded.Value, null, null, TimelineJson.Serialize(regraded));
    }

    public static TimelineRecord From(AlertCleared cleared)
    {
        ArgumentNullException.ThrowIfNull(cleared);
        return new TimelineRecord(DeterministicId.Create("ac_", cleared.AlertId), cleared.PatientId, cleared.At, TimelineEntryType.AlertCleared,
            cleared.RuleId, cleared.Value, null, null, TimelineJson.Serialize(cleared));
    }

    public static TimelineRecord From(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new TimelineRecord(entry.Id, entry.PatientId, entry.At, TimelineEntryType.Audit, entry.Action, null, null, null,
            TimelineJson.Serialize(entry));
    }
}

using System.Diagnostics;
using IoMT.Core.Telemetry;
using IoMT.Core.Timeline;
using IoMT.Storage.Sqlite;

namespace IoMT.Benchmarks;

/// <summary>
/// One million reading entries: 100 patients × 10,000 readings over 24 hours (one every 8.64 s per patient, cycling
/// through heart rate, SpO2, respiratory rate, temperature and blood pressure), appended in time order across
/// patients as ingestion batches arrive. Each entry is what ingestion writes: id, indexed columns and its JSON (about
/// 300 bytes).
/// </summary>
public static class TimelineDataset
{
    public const int Patients = 100;
    public const int ReadingsPerPatient = 10_000;
    public const int Total = Patients * ReadingsPerPatient;
    public static readonly DateTimeOffset Start = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1) / ReadingsPerPatient;

    public static string DefaultPath => Path.Combine(Path.GetTempPath(), "iomt-bench", "timeline-1m.db");

    public static string PatientId(int patient) => $"patient-{patient:D3}";

    /// <summary>The entries in arrival order, <paramref name="count"/> of them from <paramref name="first"/>.</summary>
    public static IEnumerable<TimelineRecord> Records(int first = 0, int count = Total)
    {
        for (var n = first; n < first + count; n++)
        {
            var (step, patient) = Math.DivRem(n, Patients);
            yield return Record(patient, step);
        }
    }

    public static TimelineRecord Record(int patient, int step)
    {
        var at = Start + (Interval * step);
        Reading reading = (step % 5) switch
        {
            0 => new QuantityReading(ReadingKind.HeartRate, at, 60 + ((step * 7) % 40), Ucum.PerMinute),
            1 => new QuantityReading(ReadingKind.Spo2, at, 90 + (step % 10), Ucum.Percent),
            2 => new QuantityReading(ReadingKind.RespiratoryRate, at, 12 + (step % 12), Ucum.PerMinute),
            3 => new QuantityReading(ReadingKind.BodyTemperature, at, 36.2 + ((step % 20) / 10.0), Ucum.Celsius),
            _ => new BloodPressureReading(at, 110 + (step % 40), 70 + (step % 20)),
        };
        var device = $"device-{patient:D3}";
        var source = new MessageSource(device, $"m-{step}", at.AddSeconds(2), $"{patient % 32}:{step}");
        return TimelineRecords.From(new ReadingEntry(PatientId(patient), source, 0, reading));
    }

    /// <summary>Appends <paramref name="records"/> in batches; returns the elapsed time.</summary>
    public static TimeSpan Append(SqliteTimelineStore store, IEnumerable<TimelineRecord> records, int batchSize)
    {
        var stopwatch = Stopwatch.StartNew();
        foreach (var batch in records.Chunk(batchSize))
        {
            store.AppendAsync(batch[0].Id, batch).GetAwaiter().GetResult();
        }

        return stopwatch.Elapsed;
    }

    /// <summary>The million-entry file, built on first use (about a minute) and reused by later runs.</summary>
    public static string EnsureBuilt()
    {
        var path = DefaultPath;
        if (!File.Exists(path))
        {
            var building = path + ".building";
            DeleteDatabase(building);
            using (var store = new SqliteTimelineStore(building))
            {
                Append(store, Records(), 500);
            }

            File.Move(building, path);
        }

        return path;
    }

    public static void DeleteDatabase(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using IoMT.Core.Access;
using IoMT.Core.Fhir;
using IoMT.Core.Patients;
using IoMT.Core.Timeline;
using IoMT.Storage.Sqlite;

namespace IoMT.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/IoMT.Benchmarks -- timeline-load</c>: SQLite append throughput. Builds the
/// million-entry timeline from empty in batches of 500, then measures smaller runs that show what batching and replays
/// cost, and range queries on the full file (median and 95th percentile of repeated runs).
/// </summary>
public static class TimelineLoad
{
    public static void Run()
    {
        var directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "iomt-bench", "load")).FullName;
        var path = Path.Combine(directory, "timeline.db");
        TimelineDataset.DeleteDatabase(path);
        using var store = new SqliteTimelineStore(path);

        var elapsed = TimelineDataset.Append(store, TimelineDataset.Records(), 500);
        Report($"append {TimelineDataset.Total:N0} entries, batches of 500, into an empty file", TimelineDataset.Total, elapsed);
        Console.WriteLine($"  file size: {new FileInfo(path).Length / 1024.0 / 1024.0:F0} MiB ({new FileInfo(path).Length / TimelineDataset.Total} bytes per entry)");

        var next = TimelineDataset.Total;
        foreach (var batchSize in new[] { 1, 10, 100, 500, 2000 })
        {
            var count = Math.Min(100_000, batchSize * 2_000);
            Report($"append {count:N0} more, batches of {batchSize}, into 1 million", count,
                TimelineDataset.Append(store, TimelineDataset.Records(next, count), batchSize));
            next += count;
        }

        Report("replay 100,000 already stored (same ids), batches of 500", 100_000,
            TimelineDataset.Append(store, TimelineDataset.Records(0, 100_000), 500));

        var day = new TimelineQuery(TimelineDataset.PatientId(42), TimelineDataset.Start, TimelineDataset.Start.AddDays(1), PageSize: TimelineQuery.MaxPageSize);
        var hour = day with { From = TimelineDataset.Start.AddHours(12), To = TimelineDataset.Start.AddHours(13) };
        Time("query one patient's hour (417 entries, 1 page)", () => ReadAll(store, hour));
        Time("query one patient's day (10,000 entries, 10 pages)", () => ReadAll(store, day));
        Time("first page of 100 of one patient's day", () => store.QueryAsync(day with { PageSize = 100 }).GetAwaiter().GetResult().Items.Count);

        using var devices = new SqliteDeviceRegistry(Path.Combine(directory, "devices.db"));
        var export = new FhirExport(store, new OnePatientDirectory(), devices, TimeProvider.System);
        var caller = new Caller("bench", new HashSet<Role> { Role.Admin }, new HashSet<string>());
        var request = new FhirExportRequest(day.PatientId, day.From, day.To);
        Time("FHIR export of one patient's day (10,000 readings) to a stream", () =>
        {
            using var output = new CountingStream();
            export.WriteAsync(caller, request, output).GetAwaiter().GetResult();
            return (int)output.Length;
        }, "bytes");
    }

    private sealed class OnePatientDirectory : IPatientDirectory
    {
        public Task<PatientRecord?> FindAsync(string patientId, CancellationToken cancellationToken = default) =>
            Task.FromResult<PatientRecord?>(new PatientRecord(patientId, []));

        public Task SaveAsync(PatientRecord patient, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<IReadOnlyList<PatientRecord>> ListAsync(IReadOnlyCollection<string>? careTeams, int limit, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<PatientRecord>>([]);
    }

    /// <summary>Counts what is written and keeps nothing.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static int ReadAll(SqliteTimelineStore store, TimelineQuery query)
    {
        var count = 0;
        do
        {
            var page = store.QueryAsync(query).GetAwaiter().GetResult();
            count += page.Items.Count;
            query = query with { ContinuationToken = page.ContinuationToken };
        }
        while (query.ContinuationToken is not null);
        return count;
    }

    private static void Time(string what, Func<int> query, string unit = "entries")
    {
        query();
        var samples = new List<double>();
        var count = 0;
        for (var i = 0; i < 50; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            count = query();
            samples.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        samples.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {count:N0} {unit}, median {samples[25]:F2} ms, p95 {samples[47]:F2} ms"));
    }

    private static void Report(string what, int count, TimeSpan elapsed) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {elapsed.TotalSeconds:F1} s, {count / elapsed.TotalSeconds:N0} entries/s"));
}

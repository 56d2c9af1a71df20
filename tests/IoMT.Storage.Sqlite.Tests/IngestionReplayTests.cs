using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Pipeline;
using IoMT.Core.Validation;
using IoMT.Testing;
using Microsoft.Data.Sqlite;

namespace IoMT.Storage.Sqlite.Tests;

/// <summary>
/// Replay: the whole ingestion log processed again, and processed in another order, gives the same timelines and the
/// same alerts. The log holds 12 patients with two devices each (a monitor whose SpO2 dips below 90 % for longer than
/// the rule's 15 s, a thermometer with a fever), resends and malformed messages, over 20 minutes.
/// </summary>
public sealed class IngestionReplayTests : IDisposable
{
    private static readonly DateTimeOffset T0 = TelemetryMessage.DefaultTime;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iomt-replay-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteIngestionLog _log;
    private readonly InMemoryDeviceRegistry _devices = new();
    private readonly List<IDisposable> _stores = [];

    public IngestionReplayTests()
    {
        _log = new SqliteIngestionLog(Path.Combine(_directory, "log", "ingestion.db"));
        _stores.Add(_log);
    }

    [Fact]
    public async Task WholeLogProcessedTwice_SameTimelinesAndNoAlertRaisedAgain()
    {
        await WriteLogAsync();
        var run = Run("twice");

        await run.ProcessAsync(await BatchesAsync(), CancellationToken.None);
        var first = Dump(run.TimelinePath);
        var alerts = run.Alerts();
        await run.ProcessAsync(await BatchesAsync(), CancellationToken.None);

        Assert.True(first.Count(r => r.StartsWith("0|", StringComparison.Ordinal)) > 8_000, "the log produced readings");
        Assert.Equal(24, alerts.Count(a => a.Contains(":spo2-low:", StringComparison.Ordinal) || a.Contains(":temperature-high:", StringComparison.Ordinal)));
        Assert.Equal(first, Dump(run.TimelinePath));
        Assert.Equal(alerts, run.Alerts());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task PartitionsInterleavedInShuffledOrder_SameTimelinesAndSameAlerts(int seed)
    {
        await WriteLogAsync();
        var inOrder = Run("in-order");
        await inOrder.ProcessAsync(await BatchesAsync(), CancellationToken.None);
        var shuffled = Run("shuffled");

        // Each partition's batches keep their order (as the local log delivers them, a patient's devices in one
        // partition); which partition goes next is random.
        var random = new Random(seed);
        var queues = (await BatchesAsync()).GroupBy(b => b[0].SourcePosition.Split(':')[0]).Select(g => new Queue<IReadOnlyList<ReceivedMessage>>(g)).ToList();
        var order = new List<IReadOnlyList<ReceivedMessage>>();
        while (queues.Any(q => q.Count > 0))
        {
            var open = queues.Where(q => q.Count > 0).ToList();
            order.Add(open[random.Next(open.Count)].Dequeue());
        }

        await shuffled.ProcessAsync(order, CancellationToken.None);

        Assert.Equal(Dump(inOrder.TimelinePath), Dump(shuffled.TimelinePath));
        Assert.Equal(inOrder.Alerts(), shuffled.Alerts());
    }

    [Fact]
    public async Task BatchesInFullyShuffledOrder_SameReadingsAndQuarantineAndNoAlertTwice()
    {
        await WriteLogAsync();
        var inOrder = Run("in-order");
        await inOrder.ProcessAsync(await BatchesAsync(), CancellationToken.None);
        var shuffled = Run("shuffled");

        await shuffled.ProcessAsync([.. (await BatchesAsync()).OrderBy(_ => Random.Shared.Next())], CancellationToken.None);

        // Readings and quarantine records depend on the message alone. Alerts depend on order on purpose: a reading
        // older than the last one a rule evaluated is ignored (docs/alerts.md), so out-of-order delivery never raises
        // an episode twice, and never raises one that in-order delivery would not.
        static List<string> Facts(IEnumerable<string> rows) => [.. rows.Where(r => r[0] is '0' or '2')];
        Assert.Equal(Facts(Dump(inOrder.TimelinePath)), Facts(Dump(shuffled.TimelinePath)));
        var alerts = shuffled.Alerts();
        Assert.Equal(alerts.Count, alerts.Distinct().Count());
        Assert.Subset(inOrder.Alerts().Select(a => a.Split(':')[0] + ":" + a.Split(':')[1]).ToHashSet(), alerts.Select(a => a.Split(':')[0] + ":" + a.Split(':')[1]).ToHashSet());
    }

    public void Dispose()
    {
        _stores.ForEach(s => s.Dispose());
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task WriteLogAsync()
    {
        for (var p = 0; p < 12; p++)
        {
            await RegisterAsync($"monitor-{p:D2}", $"patient-{p:D2}");
            await RegisterAsync($"thermometer-{p:D2}", $"patient-{p:D2}");
        }

        // One message per device every 5 s for 20 minutes; patient p's SpO2 dips to 86 % for 40 s and its
        // temperature reaches 39.5 °C, at a moment that depends on p.
        for (var second = 0; second < 1200; second += 5)
        {
            var at = T0.AddSeconds(second);
            for (var p = 0; p < 12; p++)
            {
                var dipping = second >= 60 + (p * 60) && second < 100 + (p * 60);
                var monitor = new TelemetryMessage($"monitor-{p:D2}", $"m-{p}-{second}", at).Spo2(dipping ? 86 : 96 + (p % 3), at).HeartRate(70 + p, at);
                var thermometer = new TelemetryMessage($"thermometer-{p:D2}", $"t-{p}-{second}", at).Temperature(second == 300 + (p * 30) ? 39.5 : 37.0, at);
                await AppendAsync(monitor.DeviceId, monitor.ToBytes(), at);
                await AppendAsync(thermometer.DeviceId, thermometer.ToBytes(), at);
                if (second % 100 == 0)
                {
                    await AppendAsync(monitor.DeviceId, monitor.ToBytes(), at.AddSeconds(1));
                    await AppendAsync(monitor.DeviceId, "{\"schema\":\"iomt.telemetry/1\",\"readings\":["u8.ToArray(), at.AddSeconds(1));
                }
            }
        }
    }

    private Task<LoggedMessage> AppendAsync(string deviceId, byte[] body, DateTimeOffset receivedAt) =>
        _log.AppendAsync(deviceId, MessageIds.TryRead(body), receivedAt.AddSeconds(2), body, partitionKey: "patient-" + deviceId[^2..]);

    private async Task RegisterAsync(string deviceId, string patientId) =>
        await
_devices.CreateAsync([new DeviceRecord
        {
            Id = deviceId, Manufacturer = "Acme", Model = "Replay", Kinds = ["spo2", "heartRate", "bodyTemperature"], Credentials = DeviceCredentials.NewKeys(),
            Bindings = [new DeviceBinding(deviceId, patientId, T0.AddDays(-1), null)], CreatedAt = T0.AddDays(-1), UpdatedAt = T0.AddDays(-1),
        }], "admin");

    /// <summary>The log as the processor reads it: each partition in batches of 50, partitions in turn.</summary>
    private async Task<List<IReadOnlyList<ReceivedMessage>>> BatchesAsync()
    {
        var batches = new List<IReadOnlyList<ReceivedMessage>>();
        for (var partition = 0; partition < SqliteIngestionLog.Partitions; partition++)
        {
            long after = 0;
            while (await _log.ReadAsync(partition, 50, after) is { Count: > 0 } batch)
            {
                batches.Add([.. batch.Select(m => new ReceivedMessage(m.Body, m.DeviceId, m.ReceivedAt, m.SourcePosition))]);
                after = batch[^1].Sequence;
            }
        }

        return batches;
    }

    private Replay Run(string name)
    {
        var timeline = new SqliteTimelineStore(Path.Combine(_directory, name, "timelines.db"));
        var state = new SqliteIngestionLog(Path.Combine(_directory, name, "ingestion.db"));
        _stores.Add(timeline);
        _stores.Add(state);
        var events = new RecordingWorkflowEventSink();
        return new Replay(new BatchIngestion(_devices, timeline, state, events, new ManualClock(T0.AddHours(1))), events, Path.Combine(_directory, name, "timelines.db"));
    }

    /// <summary>Every timeline row, as text, in id order.</summary>
    private static List<string> Dump(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT type, id, patient_id, at, offset_minutes, code, value, value2, device_id, data FROM timeline ORDER BY id";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    private sealed record Replay(BatchIngestion Ingestion, RecordingWorkflowEventSink Events, string TimelinePath)
    {
        public async Task ProcessAsync(IEnumerable<IReadOnlyList<ReceivedMessage>> batches, CancellationToken cancellationToken)
        {
            foreach (var batch in batches)
            {
                await Ingestion.ProcessAsync(batch, cancellationToken);
            }
        }

        /// <summary>The alerts raised, by id, in id order.</summary>
        public List<string> Alerts() => [.. Events.Events.OfType<AlertRaised>().Select(a => a.AlertId).Order(StringComparer.Ordinal)];
    }
}

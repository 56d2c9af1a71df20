using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace IoMT.Load;

/// <summary>What a crash loop found: acknowledged against stored, and whether escalations pending at a kill still ran.</summary>
public sealed record CrashLoopResult(
    int Kills, IReadOnlyList<double> RestartSeconds, long Acknowledged, long AcknowledgedReadings, long Missing, long Incomplete, long StoredTwice,
    long RefusedWhileDown, int AlertsRaised, int EscalatedAfterRestart, int EscalationsPendingAtAKill, int EscalationsMissing)
{
    public bool Passed => Missing == 0 && Incomplete == 0 && StoredTwice == 0 && EscalationsMissing == 0;
}

/// <summary>
/// Sends at a steady rate while the host is killed with SIGKILL <c>kills</c> times at seeded random moments and
/// started again on the same data. Alerts escalate to a second level 30 s after they are raised (a policy set for the
/// run), and are never cleared, so timers are pending at the kills. At the end every message the gateway acknowledged
/// must be in the timeline exactly once with all its readings, and every alert must have reached its second level.
/// </summary>
public sealed class CrashLoop(string dataDirectory, LoadSettings settings, int kills, TextWriter output)
{
    public static readonly TimeSpan SecondLevelAfter = TimeSpan.FromSeconds(30);

    /// <summary>A two-level escalation: the nurse at once, the care coordinator 30 s later.</summary>
    public static IReadOnlyList<string> Policy { get; } =
    [
        "--Workflows:Policies:0:Id=crash-loop",
        .. new[] { "nurse", "care-coordinator" }.SelectMany((role, level) => new[]
        {
            $"--Workflows:Policies:0:Levels:{level}:EscalateAfter=00:00:{SecondLevelAfter.TotalSeconds:00}",
            $"--Workflows:Policies:0:Levels:{level}:Targets:0:Kind=Role",
            $"--Workflows:Policies:0:Levels:{level}:Targets:0:Id={role}",
            $"--Workflows:Policies:0:Levels:{level}:Channels:0=console",
        }),
    ];

    public async Task<CrashLoopResult> RunAsync(Uri address, TextWriter hostLog, CancellationToken cancellationToken)
    {
        var host = await HostProcess.StartAsync(address, dataDirectory, Policy, hostLog, cancellationToken);
        var acknowledged = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var restarts = new List<double>();
        var killTimes = new List<DateTimeOffset>();
        var random = new Random(settings.Seed);
        var run = new LoadRun(address, dataDirectory, settings, output)
        {
            OnAccepted = (device, message, readings) => acknowledged[$"{device}/{message}"] = readings,
            During = async (total, token) =>
            {
                var gap = total / (kills + 1);
                for (var kill = 0; kill < kills; kill++)
                {
                    await Task.Delay(gap * (0.5 + random.NextDouble()), token);
                    host.Kill();
                    host.Dispose();
                    killTimes.Add(DateTimeOffset.UtcNow);
                    var started = Clock.Now;
                    host = await HostProcess.StartAsync(address, dataDirectory, Policy, hostLog, token);
                    restarts.Add(Math.Round(Clock.Milliseconds(started, Clock.Now) / 1000, 2));
                    output.WriteLine($"Kill {kill + 1} of {kills}: restarted in {restarts[^1]:0.00} s.");
                }
            },
        };
        var load = await run.RunAsync(cancellationToken);

        // Every alert's second level is due 30 s after it was raised: wait for the last one, then stop the host.
        await Task.Delay(SecondLevelAfter + TimeSpan.FromSeconds(10), cancellationToken);
        host.Stop();
        host.Dispose();
        SqliteConnection.ClearAllPools();
        return Verify(acknowledged, load.Statuses.GetValueOrDefault("network"), restarts, killTimes);
    }

    private CrashLoopResult Verify(IReadOnlyDictionary<string, int> acknowledged, long refused, List<double> restarts, List<DateTimeOffset> killTimes)
    {
        using var timeline = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "timelines.db"), Mode = SqliteOpenMode.ReadOnly }.ToString());
        timeline.Open();
        var stored = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var alerts = new List<(string AlertId, DateTimeOffset At)>();
        var notified = new Dictionary<string, List<DateTimeOffset>>(StringComparer.Ordinal);
        using var command = timeline.CreateCommand();
        command.CommandText = "SELECT type, code, at, data FROM timeline WHERE type IN (0, 3, 10)";
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                using var data = JsonDocument.Parse(reader.GetString(3));
                var at = new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero);
                switch (reader.GetInt32(0))
                {
                    case 0:
                        var key = $"{data.RootElement.GetProperty("deviceId").GetString()}/{data.RootElement.GetProperty("messageId").GetString()}";
                        (stored.TryGetValue(key, out var indexes) ? indexes : stored[key] = []).Add(data.RootElement.GetProperty("index").GetInt32());
                        break;
                    case 3:
                        alerts.Add((data.RootElement.GetProperty("alertId").GetString()!, at));
                        break;
                    default:
                        var alertId = reader.GetString(1);
                        (notified.TryGetValue(alertId, out var times) ? times : notified[alertId] = []).Add(at);
                        break;
                }
            }
        }

        var escalated = alerts.Where(a => notified.GetValueOrDefault(a.AlertId)?.Count >= 2).ToList();
        return new CrashLoopResult(
            Kills: killTimes.Count,
            RestartSeconds: restarts,
            Acknowledged: acknowledged.Count,
            AcknowledgedReadings: acknowledged.Values.Sum(),
            Missing: acknowledged.Keys.Count(k => !stored.ContainsKey(k)),
            Incomplete: acknowledged.Count(a => stored.TryGetValue(a.Key, out var indexes) && indexes.Distinct().Count() != a.Value),
            StoredTwice: stored.Values.Count(indexes => indexes.Count != indexes.Distinct().Count()),
            RefusedWhileDown: refused,
            AlertsRaised: alerts.Count,
            EscalatedAfterRestart: escalated.Count(a => killTimes.Any(k => k > a.At && k < a.At + SecondLevelAfter)),
            EscalationsPendingAtAKill: alerts.Count(a => killTimes.Any(k => k > a.At && k < a.At + SecondLevelAfter)),
            EscalationsMissing: alerts.Count - escalated.Count);
    }
}

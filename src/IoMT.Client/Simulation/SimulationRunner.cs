using System.Net;

namespace IoMT.Client.Simulation;

/// <summary>What a simulation sent and how the gateway answered, by status code.</summary>
public sealed class SimulationStats
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<int, int> _statuses = [];

    public int Sent { get; private set; }

    public int Accepted { get; private set; }

    public int Failed { get; private set; }

    public IReadOnlyDictionary<int, int> Statuses
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<int, int>(_statuses);
            }
        }
    }

    internal void Record(HttpStatusCode? status)
    {
        lock (_lock)
        {
            Sent++;
            if (status is { } code && (int)code is >= 200 and < 300)
            {
                Accepted++;
            }
            else
            {
                Failed++;
            }

            var key = status is null ? 0 : (int)status;
            _statuses[key] = _statuses.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>E.g. <c>120 sent, 120 accepted, 0 failed (204: 120)</c>; status 0 counts network failures.</summary>
    public override string ToString() =>
        $"{Sent} sent, {Accepted} accepted, {Failed} failed ({string.Join(", ", Statuses.Select(s => $"{(s.Key == 0 ? "network" : s.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))}: {s.Value}"))})";
}

/// <summary>
/// Runs provisioned devices: every second, each device whose interval has passed sends what it measures now, through
/// the IoT Hub HTTPS protocol; an optional rate caps messages per second over all devices.
/// </summary>
public sealed class SimulationRunner(IoTHubDeviceClient client, TimeProvider time)
{
    /// <param name="accepted">Told of each message the gateway acknowledged: device id, message id, readings in it.</param>
    public async Task<SimulationStats> RunAsync(
        IReadOnlyList<(SimulatedDevice Device, DeviceConnection Connection)> devices, double? rate, TimeSpan? duration,
        Action<SimulationStats>? progress, CancellationToken cancellationToken, Action<string, string, int>? accepted = null)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var stats = new SimulationStats();
        var start = time.GetUtcNow();
        var due = devices.Select((_, i) => TimeSpan.FromMilliseconds(i * 97 % 5000)).ToArray();
        var sequence = 0L;
        var nextSend = start;
        var gap = rate is > 0 ? TimeSpan.FromSeconds(1 / rate.Value) : TimeSpan.Zero;
        var lastProgress = start;
        using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            do
            {
                var now = time.GetUtcNow();
                var elapsed = now - start;
                if (duration is { } limit && elapsed >= limit)
                {
                    break;
                }

                var sends = new List<Task>();
                for (var i = 0; i < devices.Count; i++)
                {
                    if (due[i] > elapsed)
                    {
                        continue;
                    }

                    var (device, connection) = devices[i];
                    due[i] = elapsed + device.Interval;
                    var readings = device.ReadingsAt(elapsed, now);
                    if (readings.Count == 0)
                    {
                        continue;
                    }

                    if (gap > TimeSpan.Zero)
                    {
                        nextSend = nextSend < now ? now : nextSend;
                        if (nextSend > now)
                        {
                            await Task.Delay(nextSend - now, time, cancellationToken).ConfigureAwait(false);
                        }

                        nextSend += gap;
                    }

                    var messageId = $"{device.DeviceId}-{start.ToUnixTimeSeconds()}-{Interlocked.Increment(ref sequence)}";
                    var count = readings.Count;
                    sends.Add(SendAsync(connection, messageId, SimulationPlan.Message(device.DeviceId, messageId, time.GetUtcNow(), readings), stats,
                        () => accepted?.Invoke(device.DeviceId, messageId, count), cancellationToken));
                }

                await Task.WhenAll(sends).ConfigureAwait(false);
                if (progress is not null && time.GetUtcNow() - lastProgress >= TimeSpan.FromSeconds(10))
                {
                    lastProgress = time.GetUtcNow();
                    progress(stats);
                }
            }
            while (await ticks.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: stop sending and report.
        }

        return stats;
    }

    private async Task SendAsync(DeviceConnection connection, string messageId, string body, SimulationStats stats, Action onAccepted, CancellationToken cancellationToken)
    {
        try
        {
            var status = await client.SendEventAsync(connection, messageId, body, cancellationToken).ConfigureAwait(false);
            stats.Record(status);
            if (status is { } code && (int)code is >= 200 and < 300)
            {
                onAccepted();
            }
        }
        catch (HttpRequestException)
        {
            stats.Record(null);
        }
    }
}

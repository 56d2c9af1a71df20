using System.Diagnostics;
using IoMT.Core.Devices;
using IoMT.Core.Pipeline;
using IoMT.Testing;

namespace IoMT.Load;

/// <summary>What a fuzz run found: outcomes, codes, exceptions (must be none), and the time each message took.</summary>
public sealed record FuzzResult(
    long Messages, double Seconds, long Exceptions, long UnknownCodes, long WithoutPointerOrMessage, IReadOnlyDictionary<string, long> Statuses,
    IReadOnlyDictionary<string, long> Codes, LatencySummary MicrosecondsPerMessage)
{
    public bool Passed => Exceptions == 0 && UnknownCodes == 0 && WithoutPointerOrMessage == 0;
}

/// <summary>
/// Generated and mutated messages (<see cref="TelemetryFuzzer"/>: truncation, byte flips, invalid UTF-8, escapes, wrong
/// types, huge numbers, deep nesting, clock extremes, wrong units, dropped and duplicated members) through the whole
/// ingestion pipeline one at a time, each timed: no exception, and every message accepted or quarantined with a known
/// code, a JSON pointer and a message.
/// </summary>
public static class FuzzRun
{
    private const string Device = "fuzz-device-01";

    public static FuzzResult Run(long messages, int seed)
    {
        var fuzzer = new TelemetryFuzzer(seed);
        var context = new InMemoryIngestionContext().AddDevice(Device).AddBinding(new DeviceBinding(Device, "fuzz-patient-01", DateTimeOffset.MinValue, null));
        var pipeline = new IngestionPipeline();
        var statuses = new Dictionary<string, long>(StringComparer.Ordinal);
        var codes = new Dictionary<string, long>(StringComparer.Ordinal);
        var times = new double[messages];
        long exceptions = 0, unknown = 0, incomplete = 0;
        var total = Stopwatch.StartNew();
        for (var i = 0L; i < messages; i++)
        {
            var message = new ReceivedMessage(fuzzer.Next(Device), Device, fuzzer.ReceivedAt, $"0:{i}");
            var started = Stopwatch.GetTimestamp();
            try
            {
                var outcome = pipeline.Process([message], context).Outcomes.Single();
                times[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                statuses[outcome.Status.ToString()] = statuses.GetValueOrDefault(outcome.Status.ToString()) + 1;
                foreach (var rejection in outcome.Rejected)
                {
                    codes[rejection.Error.Code] = codes.GetValueOrDefault(rejection.Error.Code) + 1;
                    unknown += KnownErrorCodes.All.Contains(rejection.Error.Code) ? 0 : 1;
                    incomplete += rejection.Error.Pointer is not ("" or ['/', ..]) || string.IsNullOrWhiteSpace(rejection.Error.Message) ? 1 : 0;
                }
            }
#pragma warning disable CA1031 // Counting every exception is the point of the run.
            catch (Exception)
#pragma warning restore CA1031
            {
                times[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                exceptions++;
            }
        }

        return new FuzzResult(messages, Math.Round(total.Elapsed.TotalSeconds, 1), exceptions, unknown, incomplete, statuses,
            codes.OrderByDescending(c => c.Value).ToDictionary(c => c.Key, c => c.Value), LatencySummary.Of(times));
    }
}

using System.Text.Json;
using BenchmarkDotNet.Attributes;
using IoMT.Core.Pipeline;
using IoMT.Core.Validation;

namespace IoMT.Benchmarks;

/// <summary>
/// The ingestion CPU path against its floor, per message, over a corpus of about 500-byte, 3-reading messages.
/// <see cref="TokenWalk"/> only reads every JSON token. <see cref="Parse"/> parses and validates. <see cref="Pipeline"/>
/// parses, validates, normalizes, enriches (bindings, NEWS2, CGM trend) and evaluates alert rules with in-memory
/// ports, in batches of <see cref="BatchSize"/> as an Event Hubs trigger delivers them. Each iteration starts from a
/// context warmed with the previous hour of data, so every reading is new and gets the full enrichment and rules.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[MinColumn]
public class IngestionBenchmarks
{
    private const int Count = 10_000;
    private const int BatchSize = 100;

    private List<ReceivedMessage> _warmUp = null!;
    private List<ReceivedMessage> _messages = null!;
    private List<ReceivedMessage[]> _batches = null!;
    private InMemoryIngestionContext _context = null!;
    private readonly IngestionPipeline _pipeline = new();
    private readonly List<ReadingResult> _readings = [];

    [GlobalSetup]
    public void Setup()
    {
        _warmUp = TelemetryCorpus.Messages(Count, seed: 7, start: TelemetryCorpus.Start.AddHours(-3));
        _messages = TelemetryCorpus.Messages(Count);
        _batches = [.. _messages.Chunk(BatchSize)];
    }

    [IterationSetup(Target = nameof(Pipeline))]
    public void FreshContext()
    {
        // The context holds the warm-up's messages and the measured ones, as a host's holds its batch.
        _context = TelemetryCorpus.Context(2 * Count);
        _pipeline.Process(_warmUp, _context);

        // The warm-up's garbage is not the measured code's cost.
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public int TokenWalk()
    {
        var tokens = 0;
        foreach (var message in _messages)
        {
            var reader = new Utf8JsonReader(message.Body.Span);
            while (reader.Read())
            {
                tokens += (int)reader.TokenType;
            }
        }

        return tokens;
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public int Parse()
    {
        var readings = 0;
        foreach (var message in _messages)
        {
            _readings.Clear();
            TelemetryParser.Parse(message.Body.Span, message.AuthenticatedDeviceId, message.ReceivedAt, _pipeline.Options, _readings);
            readings += _readings.Count;
        }

        return readings;
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public int Pipeline()
    {
        var accepted = 0;
        foreach (var batch in _batches)
        {
            accepted += _pipeline.Process(batch, _context).Readings.Count;
        }

        return accepted;
    }
}

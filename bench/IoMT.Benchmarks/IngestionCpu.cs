using System.Runtime.InteropServices;
using IoMT.Core.Alerts;
using IoMT.Core.Pipeline;
using IoMT.Core.Timeline;

namespace IoMT.Benchmarks;

/// <summary>
/// <see cref="IngestionBenchmarks"/>' loops timed by the measuring thread's own CPU time, for a machine too busy for
/// wall-clock times, and split into parts: the pipeline with a validation-only context (envelope, duplicate check,
/// outcome) and with an empty rule set (everything but the rules). Also times what the timeline write adds for every
/// accepted reading: its deterministic id (the pipeline itself computes only the ids the patient state keeps). Prints
/// each part's median round and its median ratio to the token walk of the same round.
/// </summary>
public static class IngestionCpu
{
    private const int Count = 10_000;

    public static void Run(int rounds)
    {
        if (!OperatingSystem.IsLinux())
        {
            Console.Error.WriteLine("ingestion-cpu reads the thread's CPU time with clock_gettime: Linux only.");
            return;
        }

        var benchmarks = new IngestionBenchmarks();
        benchmarks.Setup();
        var warmUp = TelemetryCorpus.Messages(Count, seed: 7, start: TelemetryCorpus.Start.AddHours(-3));
        var batches = TelemetryCorpus.Messages(Count).Chunk(100).ToList();
        var pipeline = new IngestionPipeline();
        string[] parts = ["TokenWalk", "Parse", "Pipeline, validation only", "Pipeline, no rules", "Pipeline", "Ids of all readings"];
        var times = parts.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            var start = ThreadCpuNanoseconds();
            benchmarks.TokenWalk();
            times[0].Add((ThreadCpuNanoseconds() - start) / Count);
            start = ThreadCpuNanoseconds();
            benchmarks.Parse();
            times[1].Add((ThreadCpuNanoseconds() - start) / Count);
            for (var part = 2; part < parts.Length - 1; part++)
            {
                var context = part == 2 ? InMemoryIngestionContext.ValidationOnly() : TelemetryCorpus.Context(2 * Count);
                for (var device = 0; part == 3 && device < TelemetryCorpus.DeviceCount; device++)
                {
                    context.SetProfile(new PatientProfile { PatientId = TelemetryCorpus.PatientId(device), Rules = new AlertRuleSet([]) });
                }

                pipeline.Process(warmUp, context);
                GC.Collect();
                start = ThreadCpuNanoseconds();
                foreach (var batch in batches)
                {
                    pipeline.Process(batch, context);
                }

                times[part].Add((ThreadCpuNanoseconds() - start) / Count);
            }

            times[^1].Add(IdsOfAllReadings(batches, pipeline));
        }

        for (var part = 0; part < parts.Length; part++)
        {
            var ratio = Median(times[part].Zip(times[0], (time, floor) => time / floor));
            Console.WriteLine($"{parts[part],-26} {Median(times[part]),7:N0} ns  {ratio,5:N2} ×");
        }
    }

    /// <summary>Per message: the ids of its accepted readings, as their timeline records get them (entries made untimed).</summary>
    private static double IdsOfAllReadings(List<ReceivedMessage[]> batches, IngestionPipeline pipeline)
    {
        var entries = new List<ReadingEntry>(3 * Count);
        foreach (var batch in batches)
        {
            foreach (var entry in pipeline.Process(batch, TelemetryCorpus.Context(batch.Length)).Readings)
            {
                entries.Add(new ReadingEntry(entry.PatientId, entry.Source, entry.Index, entry.Reading));
            }
        }

        GC.Collect();
        var length = 0;
        var start = ThreadCpuNanoseconds();
        foreach (var entry in entries)
        {
            length += entry.Id.Length;
        }

        var perMessage = (ThreadCpuNanoseconds() - start) / Count;
        return length > 0 ? perMessage : double.NaN;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static double ThreadCpuNanoseconds()
    {
        const int ThreadCpuTimeClock = 3;
        return clock_gettime(ThreadCpuTimeClock, out var time) == 0 ? (time.Seconds * 1e9) + time.Nanoseconds : double.NaN;
    }

    [DllImport("libc")]
    private static extern int clock_gettime(int clock, out TimeSpec time);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

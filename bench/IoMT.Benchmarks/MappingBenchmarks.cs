using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using IoMT.Core.Mapping;
using IoMT.Core.Pipeline;

namespace IoMT.Benchmarks;

/// <summary>
/// A device message through the pipeline (validation only, no patient context) in the device's own format with a mapping,
/// next to the same three readings sent as contract v1: what mapping costs per message.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class MappingBenchmarks
{
    private const int Count = 1_000;
    private const string Device = "bp-cuff-0009";

    private static readonly DateTimeOffset Start = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    private readonly IngestionPipeline _pipeline = new();
    private List<ReceivedMessage> _native = null!;
    private List<ReceivedMessage> _vendor = null!;
    private InMemoryIngestionContext _plain = null!;
    private InMemoryIngestionContext _mapped = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        _native = [];
        _vendor = [];
        for (var i = 0; i < Count; i++)
        {
            var at = Start.AddMinutes(i).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            var (systolic, diastolic, pulse, battery) = (random.Next(100, 170), random.Next(60, 99), random.Next(50, 120), random.Next(5, 100));
            _vendor.Add(Received($$$"""{"device":{"serial":"{{{Device}}}","model":"AC-200","batteryPercent":{{{battery}}}},"measurement":{"sys":{{{systolic}}},"dia":{{{diastolic}}},"pulse":{{{pulse}}},"irregularHeartbeat":false,"takenAt":"{{{at}}}"}}"""));
            _native.Add(Received($$$"""{"schema":"iomt.telemetry/1","messageId":"m-{{{i}}}","deviceId":"{{{Device}}}","sentAt":"{{{at}}}","readings":[{"kind":"bloodPressure","systolic":{{{systolic}}},"diastolic":{{{diastolic}}},"unit":"mm[Hg]","at":"{{{at}}}"},{"kind":"heartRate","value":{{{pulse}}},"unit":"/min","at":"{{{at}}}"},{"kind":"battery","value":{{{battery}}},"unit":"%","at":"{{{at}}}"}]}"""));
        }

        var mapping = DeviceMapping.Load(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "bp-cuff.mapping.json"))).Mapping!;
        _plain = InMemoryIngestionContext.ValidationOnly();
        _mapped = InMemoryIngestionContext.ValidationOnly().AddMapping(Device, mapping);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public int Native() => Run(_native, _plain);

    [Benchmark(OperationsPerInvoke = Count)]
    public int Mapped() => Run(_vendor, _mapped);

    private int Run(List<ReceivedMessage> messages, InMemoryIngestionContext context)
    {
        var accepted = 0;
        foreach (var message in messages)
        {
            // One message per batch and a fresh position each time, so no message is ever a duplicate.
            accepted += _pipeline.Process([message with { SourcePosition = "p" }], context).Outcomes[0].Accepted;
        }

        return accepted;
    }

    private static ReceivedMessage Received(string body) => new(Encoding.UTF8.GetBytes(body), Device, Start.AddDays(1), "0:0");
}

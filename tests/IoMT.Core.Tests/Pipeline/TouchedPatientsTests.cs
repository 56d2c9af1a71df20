using IoMT.Core.Devices;
using IoMT.Core.Pipeline;
using IoMT.Testing;

namespace IoMT.Core.Tests.Pipeline;

/// <summary>The patients a batch changed are what a host saves: each once per batch, in every batch that changed them.</summary>
public class TouchedPatientsTests
{
    private static readonly DateTimeOffset T0 = TelemetryMessage.DefaultTime;
    private readonly IngestionPipeline _pipeline = new();

    [Fact]
    public void Process_PatientsInterleaved_EachTouchedOnceInOrderOfFirstReading()
    {
        var context = Context();

        var result = _pipeline.Process([Message("d1", 95), Message("d2", 96), Message("d1", 97), Message("d2", 98)], context);

        Assert.Equal(["p1", "p2"], result.TouchedPatients);
    }

    [Fact]
    public void Process_ThePatientsOfTheLastBatchAgain_TouchedAgain()
    {
        var context = Context();
        _pipeline.Process([Message("d1", 95), Message("d2", 96)], context);

        var next = _pipeline.Process([Message("d2", 97), Message("d1", 98)], context);

        Assert.Equal(["p2", "p1"], next.TouchedPatients);
    }

    private static InMemoryIngestionContext Context() => new InMemoryIngestionContext()
        .AddDevice("d1").AddBinding(new DeviceBinding("d1", "p1", T0.AddDays(-1), null))
        .AddDevice("d2").AddBinding(new DeviceBinding("d2", "p2", T0.AddDays(-1), null));

    private static ReceivedMessage Message(string device, double spo2) => new TelemetryMessage(device).Spo2(spo2).Received();
}

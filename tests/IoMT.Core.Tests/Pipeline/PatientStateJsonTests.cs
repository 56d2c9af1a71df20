using IoMT.Core.Devices;
using IoMT.Core.Pipeline;
using IoMT.Core.Timeline;
using IoMT.Testing;

namespace IoMT.Core.Tests.Pipeline;

public class PatientStateJsonTests
{
    private const string Device = "monitor-1";
    private static readonly DateTimeOffset T0 = TelemetryMessage.DefaultTime;

    [Fact]
    public void RoundTrip_StateAfterAlertsAndCgm_ContinuesExactlyAsTheOriginal()
    {
        var original = Context();
        var pipeline = new IngestionPipeline();
        pipeline.Process([.. FirstBatch()], original);
        var json = PatientStateJson.Serialize(original.States["patient-1"]);
        var restored = Context().AddState(PatientStateJson.Deserialize(json));

        Assert.Equal(json, PatientStateJson.Serialize(restored.States["patient-1"]));
        Assert.Contains("\"episodeStart\"", json, StringComparison.Ordinal);
        Assert.Contains("\"excursions\"", json, StringComparison.Ordinal);
        Assert.Contains("\"readingId\"", json, StringComparison.Ordinal);
        Assert.Equal(
            TimelineRecords.From(pipeline.Process([.. SecondBatch()], original)),
            TimelineRecords.From(pipeline.Process([.. SecondBatch()], restored)));
    }

    [Fact]
    public void RoundTrip_WeightsSpirometryAndAnOpenWeightGain_ContinuesExactlyAsTheOriginal()
    {
        var original = Context();
        var pipeline = new IngestionPipeline();
        pipeline.Process([Weight(0, 80.0), Weight(24, 81.5), Spirometry(25)], original);
        var json = PatientStateJson.Serialize(original.States["patient-1"]);
        var restored = Context().AddState(PatientStateJson.Deserialize(json));

        Assert.Equal(json, PatientStateJson.Serialize(restored.States["patient-1"]));
        Assert.Contains("\"weightGain\":{\"weights\":[", json, StringComparison.Ordinal);
        Assert.Contains("\"episodePeriod\":\"Day\"", json, StringComparison.Ordinal);
        Assert.Contains("\"peakFlow\":{", json, StringComparison.Ordinal);
        var next = pipeline.Process([Weight(48, 80.2)], original);
        Assert.Single(next.Events);
        Assert.Equal(TimelineRecords.From(next), TimelineRecords.From(pipeline.Process([Weight(48, 80.2)], restored)));
    }

    [Fact]
    public void Deserialize_StateSavedBeforeWeightsAndSpirometryWereKept_LoadsWithoutThem()
    {
        var state = PatientStateJson.Deserialize(
            """{"patientId":"patient-1","spo2":{"value":85,"at":"2026-11-21T08:30:00+00:00"},"rules":{"spo2-low":{"lastAt":"2026-11-21T08:30:00+00:00"}}}""");

        Assert.Equal(85, state.Spo2!.Value.Value);
        Assert.Null(state.WeightGain);
        Assert.Null(state.Fev1);
        Assert.Null(state.PeakFlow);
    }

    private static ReceivedMessage Weight(int hours, double kg) =>
        new TelemetryMessage(Device, $"w-{hours}").Quantity("weight", kg, "kg", T0.AddHours(hours)).Received(T0.AddHours(hours).AddSeconds(5), $"1:{hours}");

    private static ReceivedMessage Spirometry(int hours) =>
        new TelemetryMessage(Device, $"s-{hours}").Quantity("fev1", 1.8, "L", T0.AddHours(hours)).Quantity("peakFlow", 300, "L/min", T0.AddHours(hours))
            .Received(T0.AddHours(hours).AddSeconds(5), $"2:{hours}");

    private static InMemoryIngestionContext Context() =>
        new InMemoryIngestionContext().AddDevice(Device).AddBinding(new DeviceBinding(Device, "patient-1", T0.AddDays(-1), null));

    // SpO2 low long enough to raise an alert, a falling CGM, a fever, a warm fridge: rule states, glucose points, NEWS2 parameters, cold chain.
    private static IEnumerable<ReceivedMessage> FirstBatch() =>
        Enumerable.Range(0, 10).Select(i => new TelemetryMessage(Device, $"a-{i}")
            .Spo2(85, T0.AddSeconds(i * 10)).Temperature(39.2, T0.AddSeconds(i * 10)).Glucose(120 - (i * 4), T0.AddMinutes(i))
            .Quantity("storageTemperature", 12, "Cel", T0.AddMinutes(i))
            .Received(T0.AddMinutes(i).AddSeconds(5), $"0:{i}"));

    // Recovery: the open episodes clear, the CGM trend continues from the stored points.
    private static IEnumerable<ReceivedMessage> SecondBatch() =>
        Enumerable.Range(10, 10).Select(i => new TelemetryMessage(Device, $"b-{i}")
            .Spo2(97, T0.AddMinutes(i)).Temperature(37, T0.AddMinutes(i)).Glucose(80 - i, T0.AddMinutes(i))
            .Received(T0.AddMinutes(i).AddSeconds(5), $"0:{i}"));
}

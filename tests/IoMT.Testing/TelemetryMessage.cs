using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using IoMT.Core.Pipeline;

namespace IoMT.Testing;

/// <summary>Builds telemetry contract v1 messages for tests; every member can be changed or removed afterwards.</summary>
public sealed class TelemetryMessage
{
    public static readonly DateTimeOffset DefaultTime = new(2026, 11, 21, 8, 30, 0, TimeSpan.Zero);

    private static int _sequence;

    public TelemetryMessage(string deviceId = "oximeter-0042", string? messageId = null, DateTimeOffset? sentAt = null)
    {
        Json = new JsonObject
        {
            ["schema"] = "iomt.telemetry/1",
            ["messageId"] = messageId ?? $"msg-{Interlocked.Increment(ref _sequence):D6}",
            ["deviceId"] = deviceId,
            ["sentAt"] = Iso(sentAt ?? DefaultTime),
            ["readings"] = new JsonArray(),
        };
    }

    public JsonObject Json { get; }

    public string DeviceId => (string)Json["deviceId"]!;

    public JsonArray Readings => Json["readings"]!.AsArray();

    public static string Iso(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    public TelemetryMessage Add(JsonObject reading)
    {
        Readings.Add(reading);
        return this;
    }

    public TelemetryMessage Quantity(string kind, double value, string unit, DateTimeOffset? at = null) =>
        Add(new JsonObject { ["kind"] = kind, ["value"] = value, ["unit"] = unit, ["at"] = Iso(at ?? DefaultTime) });

    public TelemetryMessage Spo2(double percent, DateTimeOffset? at = null) => Quantity("spo2", percent, "%", at);

    public TelemetryMessage HeartRate(double perMinute, DateTimeOffset? at = null) => Quantity("heartRate", perMinute, "/min", at);

    public TelemetryMessage RespiratoryRate(double perMinute, DateTimeOffset? at = null) => Quantity("respiratoryRate", perMinute, "/min", at);

    public TelemetryMessage Temperature(double celsius, DateTimeOffset? at = null) => Quantity("bodyTemperature", celsius, "Cel", at);

    public TelemetryMessage Glucose(double mgPerDl, DateTimeOffset? at = null) => Quantity("glucose", mgPerDl, "mg/dL", at);

    public TelemetryMessage BloodPressure(double systolic, double diastolic, DateTimeOffset? at = null) =>
        Add(new JsonObject { ["kind"] = "bloodPressure", ["systolic"] = systolic, ["diastolic"] = diastolic, ["unit"] = "mm[Hg]", ["at"] = Iso(at ?? DefaultTime) });

    public TelemetryMessage Coded(string kind, string value, DateTimeOffset? at = null) =>
        Add(new JsonObject { ["kind"] = kind, ["value"] = value, ["at"] = Iso(at ?? DefaultTime) });

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(Json.ToJsonString());

    public override string ToString() => Json.ToJsonString();

    /// <summary>As the transport delivers it: authenticated as its own device unless told otherwise.</summary>
    public ReceivedMessage Received(DateTimeOffset? receivedAt = null, string? sourcePosition = null, string? authenticatedDeviceId = null) =>
        new(ToBytes(), authenticatedDeviceId ?? DeviceId, receivedAt ?? DefaultTime.AddSeconds(5), sourcePosition ?? $"0:{Interlocked.Increment(ref _sequence)}");
}

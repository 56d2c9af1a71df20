using System.Globalization;
using System.Text;
using IoMT.Core.Devices;
using IoMT.Core.Pipeline;

namespace IoMT.Benchmarks;

/// <summary>
/// Realistic device messages of about 500 bytes (envelope, device diagnostics, 3 readings) (oximeter, BP cuff, CGM, thermometer), from
/// <see cref="DeviceCount"/> devices bound to as many patients, with a fixed seed.
/// </summary>
public static class TelemetryCorpus
{
    public const int DeviceCount = 64;

    public static readonly DateTimeOffset Start = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    public static List<ReceivedMessage> Messages(int count, int seed = 42, DateTimeOffset? start = null)
    {
        var random = new Random(seed);
        var first = start ?? Start;
        var messages = new List<ReceivedMessage>(count);
        for (var i = 0; i < count; i++)
        {
            var device = i % DeviceCount;
            var at = first.AddSeconds(i);
            var body = (device % 4) switch
            {
                0 => Message(device, i, at, Quantity("spo2", random.Next(93, 99), "%", at), Quantity("heartRate", random.Next(60, 95), "/min", at), Quantity("battery", 80, "%", at)),
                1 => Message(device, i, at, $$"""{"kind":"bloodPressure","systolic":{{random.Next(110, 140)}},"diastolic":{{random.Next(65, 85)}},"unit":"mm[Hg]","at":"{{Iso(at)}}"}""",
                    Quantity("heartRate", random.Next(60, 95), "/min", at), Quantity("battery", 71, "%", at)),
                2 => Message(device, i, at, Quantity("glucose", random.Next(90, 160), "mg/dL", at.AddMinutes(-10)),
                    Quantity("glucose", random.Next(90, 160), "mg/dL", at.AddMinutes(-5)), Quantity("glucose", random.Next(90, 160), "mg/dL", at)),
                _ => Message(device, i, at, Quantity("bodyTemperature", 36.5 + (random.Next(0, 15) / 10.0), "Cel", at),
                    Quantity("respiratoryRate", random.Next(12, 20), "/min", at), Quantity("battery", 64, "%", at)),
            };
            messages.Add(new ReceivedMessage(Encoding.UTF8.GetBytes(body), DeviceId(device), at.AddSeconds(1), $"{device % 8}:{seed}:{i}"));
        }

        return messages;
    }

    /// <summary>Every device registered and bound to its own patient; sized for <paramref name="messages"/> messages.</summary>
    public static InMemoryIngestionContext Context(int messages = 0)
    {
        var context = new InMemoryIngestionContext(messages);
        for (var device = 0; device < DeviceCount; device++)
        {
            context.AddDevice(DeviceId(device)).AddBinding(new DeviceBinding(DeviceId(device), PatientId(device), Start.AddDays(-30), null));
        }

        return context;
    }

    public static string PatientId(int device) => $"patient-{device:D5}";

    public static string DeviceId(int device) => $"acme-{Models[device % 4].ToLowerInvariant()}-sn{device:D8}";

    private static readonly string[] Models = ["PO100", "BP200", "CGM300", "TH400"];

    private static string Message(int device, int sequence, DateTimeOffset at, params string[] readings) =>
        $$"""{"schema":"iomt.telemetry/1","messageId":"{{DeterministicGuid(device, sequence, at)}}","deviceId":"{{DeviceId(device)}}","sentAt":"{{Iso(at.AddMilliseconds(250))}}","model":"{{Models[device % 4]}}","firmware":"3.2.1","battery":{{80 - (device % 20)}},"link":{"rssi":-{{50 + (sequence % 40)}},"transport":"https"},"readings":[{{string.Join(",", readings)}}]}""";

    private static string Quantity(string kind, double value, string unit, DateTimeOffset at) =>
        $$"""{"kind":"{{kind}}","value":{{value.ToString(CultureInfo.InvariantCulture)}},"unit":"{{unit}}","at":"{{Iso(at)}}"}""";

    private static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static Guid DeterministicGuid(int device, int sequence, DateTimeOffset at)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, device);
        BitConverter.TryWriteBytes(bytes[4..], sequence);
        BitConverter.TryWriteBytes(bytes[8..], at.UtcTicks);
        return new Guid(bytes);
    }
}

using System.Globalization;
using IoMT.Core.Validation;

namespace IoMT.Load;

/// <summary>
/// The messages of a run, each a telemetry contract v1 message with three readings from a bedside monitor. Message
/// <c>i</c> comes from device <c>i mod devices</c>, so every device sends at the same pace. Every
/// <see cref="AlertEvery"/>-th message carries a temperature of 39.6 °C, which the <c>temperature-high</c> rule raises at
/// once (it has no clinical delay); unless <c>clears</c> is false, the device's next message brings 37.0 °C, which
/// ends the episode.
/// </summary>
public sealed class LoadMessages
{
    public const int ReadingsPerMessage = 3;
    private const string Prefix = "load-";
    private readonly Random _random;
    private readonly bool[] _feverish;
    private readonly bool _clears;

    public LoadMessages(int devices, double rate, double alertsPerSecond, int seed, bool clears = true)
    {
        _clears = clears;
        Devices = devices;
        _random = new Random(seed);
        _feverish = new bool[devices];
        AlertEvery = alertsPerSecond <= 0 ? long.MaxValue : CoprimeAtLeast((long)Math.Max(1, Math.Round(rate / alertsPerSecond)), devices);
    }

    public int Devices { get; }

    /// <summary>One alert every this many messages; coprime with the device count, so alerts go round all devices.</summary>
    public long AlertEvery { get; }

    public static string MessageId(long index) => Prefix + index.ToString(CultureInfo.InvariantCulture);

    public static int? IndexOf(string messageId) =>
        messageId.StartsWith(Prefix, StringComparison.Ordinal) && int.TryParse(messageId.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index : null;

    /// <summary>Message <paramref name="index"/>: call in index order (the values come from one seeded sequence).</summary>
    public (string Body, bool RaisesAlert) Next(long index, string deviceId, DateTimeOffset now)
    {
        var device = (int)(index % Devices);
        var at = Rfc3339.Format(now);
        var spo2 = 95 + _random.Next(5);
        var heartRate = 60 + _random.Next(30);
        string third;
        var raises = false;
        if (_feverish[device] && _clears)
        {
            _feverish[device] = false;
            third = Quantity("bodyTemperature", 37.0, "Cel", at);
        }
        else if (index > 0 && index % AlertEvery == 0 && !_feverish[device])
        {
            _feverish[device] = raises = true;
            third = Quantity("bodyTemperature", 39.6, "Cel", at);
        }
        else
        {
            third = Quantity("respiratoryRate", 12 + _random.Next(8), "/min", at);
        }

        var body = string.Create(CultureInfo.InvariantCulture,
            $$"""{"schema":"iomt.telemetry/1","messageId":"{{MessageId(index)}}","deviceId":"{{deviceId}}","sentAt":"{{at}}","readings":[{{Quantity("spo2", spo2, "%", at)}},{{Quantity("heartRate", heartRate, "/min", at)}},{{third}}]}""");
        return (body, raises);
    }

    private static string Quantity(string kind, double value, string unit, string at) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"kind":"{{kind}}","value":{{value:0.0}},"unit":"{{unit}}","at":"{{at}}"}""");

    private static long CoprimeAtLeast(long value, long other)
    {
        while (System.Numerics.BigInteger.GreatestCommonDivisor(value, other) != 1)
        {
            value++;
        }

        return value;
    }
}

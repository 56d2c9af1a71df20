using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace IoMT.Testing;

/// <summary>
/// Generates valid telemetry messages and mutates them, structurally and byte by byte, with a fixed seed: truncation,
/// wrong types, huge numbers, deep nesting, invalid UTF-8, wrong units, clock extremes, duplicated and dropped members.
/// </summary>
public sealed class TelemetryFuzzer(int seed)
{
    private static readonly string[] Kinds =
    [
        "heartRate", "respiratoryRate", "spo2", "bodyTemperature", "bloodPressure", "glucose", "weight", "ecgRhythm",
        "consciousness", "oxygenSupplement", "inhalerActuation", "doseEvent", "storageTemperature", "battery",
    ];

    private static readonly string[] Units = ["/min", "%", "Cel", "[degF]", "mm[Hg]", "mg/dL", "mmol/L", "kg", "[lb_av]", "L/min", "bpm", "", "MG/DL"];

    private static readonly string[] Times =
    [
        "2026-11-21T08:30:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00",
        "2026-02-30T00:00:00Z", "2026-11-21T08:30:00", "2026-11-21T25:00:00Z", "1970-01-01T00:00:00Z", "2026-11-21T08:30:00.1234567+05:45", "",
    ];

    private static readonly string[] Fragments = ["{", "}", "[", "]", ",", ":", "\"", "\\", "9e999", "null"];

    /// <summary>JSON escapes, valid and not: unpaired surrogates, control characters, escaped quotes and backslashes.</summary>
    private static readonly string[] Escapes = ["\\uD800", "\\uDC00", "\\uD83D\\uDE00", "\\u0000", "\\n", "\\\"", "\\\\", "\\u002B", "\\u0074", "\\/"];

    private static readonly string[] DoseEvents = ["dispensed", "taken", "missed", "skipped"];

    private static readonly JsonNode?[] Oddities =
    [
        null, true, false, 0, -1, 1e308, -1e308, 0.1, 255, int.MaxValue, long.MinValue, "", "x", "93", new string('a', 300),
        new JsonArray(), new JsonObject(), new JsonArray(1, "2", null), "\u0000", "\ud83d\ude00",
    ];

    private readonly Random _random = new(seed);

    public DateTimeOffset ReceivedAt { get; } = TelemetryMessage.DefaultTime.AddSeconds(5);

    /// <summary>A valid message, most of the time with readings that pass validation.</summary>
    public TelemetryMessage Valid(string deviceId)
    {
        var message = new TelemetryMessage(deviceId, $"fz-{_random.Next():x8}");
        var count = _random.Next(0, 6);
        for (var i = 0; i < count; i++)
        {
            message.Add(Reading(Kinds[_random.Next(Kinds.Length)]));
        }

        return message;
    }

    /// <summary>Either a valid message, a structurally mutated one or a byte-mutated one.</summary>
    public byte[] Next(string deviceId)
    {
        var message = Valid(deviceId);
        return _random.Next(10) switch
        {
            0 => message.ToBytes(),
            < 6 => Encoding.UTF8.GetBytes(MutateStructure(message.Json).ToJsonString()),
            _ => MutateBytes(message.ToBytes()),
        };
    }

    private JsonObject Reading(string kind)
    {
        var at = TelemetryMessage.Iso(TelemetryMessage.DefaultTime.AddSeconds(-_random.Next(0, 3600)));
        var reading = new JsonObject { ["kind"] = kind, ["at"] = at };
        switch (kind)
        {
            case "bloodPressure":
                reading["systolic"] = _random.Next(90, 180);
                reading["diastolic"] = _random.Next(50, 89);
                reading["unit"] = "mm[Hg]";
                break;
            case "ecgRhythm":
                reading["value"] = _random.Next(3) == 0 ? "afib" : "sinus";
                break;
            case "consciousness":
                reading["value"] = "ACVPU"[_random.Next(5)].ToString();
                break;
            case "oxygenSupplement":
                reading["value"] = _random.Next(2) == 0;
                break;
            case "inhalerActuation":
                reading["medicationId"] = "salbutamol";
                reading["puffs"] = _random.Next(1, 4);
                break;
            case "doseEvent":
                reading["medicationId"] = "metformin";
                reading["event"] = DoseEvents[_random.Next(DoseEvents.Length)];
                break;
            default:
                (reading["value"], reading["unit"]) = kind switch
                {
                    "heartRate" => (_random.Next(40, 160), "/min"),
                    "respiratoryRate" => (_random.Next(8, 30), "/min"),
                    "spo2" => (_random.Next(80, 100), "%"),
                    "bodyTemperature" => (Math.Round(35 + (_random.NextDouble() * 5), 1), "Cel"),
                    "glucose" => (_random.Next(40, 300), "mg/dL"),
                    "weight" => (_random.Next(40, 150), "kg"),
                    "storageTemperature" => (_random.Next(1, 10), "Cel"),
                    _ => ((JsonNode)_random.Next(0, 100), "%"),
                };
                break;
        }

        return reading;
    }

    private JsonObject MutateStructure(JsonObject message)
    {
        var mutations = _random.Next(1, 4);
        for (var i = 0; i < mutations; i++)
        {
            var readings = message["readings"] as JsonArray;
            var target = readings is { Count: > 0 } && _random.Next(3) > 0 ? readings[_random.Next(readings.Count)] as JsonObject : message;
            if (target is null)
            {
                continue;
            }

            var keys = target.Select(p => p.Key).ToList();
            switch (_random.Next(9))
            {
                case 0 when keys.Count > 0:
                    target.Remove(keys[_random.Next(keys.Count)]);
                    break;
                case 1 when keys.Count > 0:
                    target[keys[_random.Next(keys.Count)]] = Odd();
                    break;
                case 2:
                    target["unit"] = Units[_random.Next(Units.Length)];
                    break;
                case 3:
                    target[_random.Next(2) == 0 ? "at" : "sentAt"] = Times[_random.Next(Times.Length)];
                    break;
                case 4:
                    target["value"] = _random.NextDouble() switch
                    {
                        < 0.3 => JsonNode.Parse("1e400"),
                        < 0.6 => -_random.Next(1, 1000),
                        _ => _random.Next(100_000, int.MaxValue),
                    };
                    break;
                case 5:
                    target["kind"] = _random.Next(2) == 0 ? Kinds[_random.Next(Kinds.Length)] : "unknownKind" + _random.Next(9);
                    break;
                case 6:
                    target["nested"] = Nest(_random.Next(1, 40));
                    break;
                case 7 when readings is not null:
                    readings.Add(Odd());
                    break;
                default:
                    message["deviceId"] = _random.Next(2) == 0 ? "someone-else" : message["deviceId"]?.DeepClone();
                    break;
            }
        }

        return message;
    }

    private byte[] MutateBytes(byte[] body)
    {
        var bytes = new List<byte>(body);
        var mutations = _random.Next(1, 6);
        for (var i = 0; i < mutations && bytes.Count > 0; i++)
        {
            var at = _random.Next(bytes.Count);
            switch (_random.Next(7))
            {
                case 6:
                    // Inside a string when the byte before is a letter or digit; a structural error otherwise.
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Escapes[_random.Next(Escapes.Length)]));
                    break;
                case 0:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 1:
                    bytes[at] = (byte)_random.Next(256);
                    break;
                case 2:
                    bytes.InsertRange(at, [0xC3, 0x28]);
                    break;
                case 3:
                    bytes.RemoveAt(at);
                    break;
                case 4:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Fragments[_random.Next(Fragments.Length)]));
                    break;
                default:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(_random.Next(1, 40), bytes.Count - at)));
                    break;
            }
        }

        return [.. bytes];
    }

    private JsonNode? Odd() => Oddities[_random.Next(Oddities.Length)]?.DeepClone();

    private static JsonNode Nest(int depth)
    {
        JsonNode node = JsonValue.Create(depth.ToString(CultureInfo.InvariantCulture));
        for (var i = 0; i < depth; i++)
        {
            node = new JsonArray(node);
        }

        return node;
    }
}

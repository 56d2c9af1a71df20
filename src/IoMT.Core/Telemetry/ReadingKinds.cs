using System.Text;

namespace IoMT.Core.Telemetry;

/// <summary>
/// A unit a device may send for a kind, and its conversion to the kind's canonical unit: canonical = (value + Offset) × Scale
/// (every conversion the contract needs is linear; a plain multiplication avoids a delegate call per reading).
/// </summary>
public sealed class AcceptedUnit(string ucum, double scale = 1, double offset = 0)
{
    public string Ucum { get; } = ucum;

    public double Scale { get; } = scale;

    public double Offset { get; } = offset;

    internal byte[] Utf8 { get; } = Encoding.UTF8.GetBytes(ucum);

    public double ToCanonical(double value) => (value + Offset) * Scale;

    internal static AcceptedUnit Same(string ucum) => new(ucum);
}

/// <summary>Inclusive plausibility limits in the canonical unit; values outside are quarantined as implausible.</summary>
public readonly record struct PlausibleRange(double Min, double Max)
{
    public bool Contains(double value) => value >= Min && value <= Max;

    public override string ToString() => FormattableString.Invariant($"{Min}–{Max}");
}

/// <summary>Everything the product knows about one reading kind.</summary>
public sealed class ReadingKindInfo
{
    internal ReadingKindInfo(ReadingKind kind, string contractName, Coding code, string canonicalUnit, PlausibleRange? range, params AcceptedUnit[] units)
    {
        Kind = kind;
        ContractName = contractName;
        ContractNameUtf8 = Encoding.UTF8.GetBytes(contractName);
        Code = code;
        CanonicalUnit = canonicalUnit;
        Range = range;
        AcceptedUnits = units;
    }

    public ReadingKind Kind { get; }

    /// <summary>The <c>kind</c> value in the telemetry contract, e.g. <c>heartRate</c>.</summary>
    public string ContractName { get; }

    internal byte[] ContractNameUtf8 { get; }

    public Coding Code { get; }

    /// <summary>UCUM code of stored values; empty for kinds without a unit.</summary>
    public string CanonicalUnit { get; }

    /// <summary>Plausible values of the main quantity in the canonical unit; null when the kind has no single quantity.</summary>
    public PlausibleRange? Range { get; }

    /// <summary>Units a device may send; empty when the kind carries no unit.</summary>
    public IReadOnlyList<AcceptedUnit> Units => AcceptedUnits;

    /// <summary><see cref="Units"/> as the array it is, for the validator's per-reading loop (no interface calls).</summary>
    internal AcceptedUnit[] AcceptedUnits { get; }
}

/// <summary>
/// The catalog of reading kinds of telemetry contract v1: names, codes, canonical units, accepted units and
/// plausibility ranges. docs/telemetry.md documents every entry and the source of every range.
/// </summary>
public static class ReadingKinds
{
    /// <summary>Plausible blood pressures in mm[Hg] (automated cuffs measure within 0–300 mm[Hg]).</summary>
    public static readonly PlausibleRange Systolic = new(40, 300);
    public static readonly PlausibleRange Diastolic = new(20, 200);

    /// <summary>Oxygen flow in L/min: home concentrators give 0.5–10, high-flow nasal cannula up to 60–70.</summary>
    public static readonly PlausibleRange OxygenFlow = new(0, 70);

    /// <summary>Puffs per actuation report.</summary>
    public static readonly PlausibleRange Puffs = new(1, 20);

    private static readonly AcceptedUnit PerMinute = AcceptedUnit.Same(Ucum.PerMinute);
    private static readonly AcceptedUnit Percent = AcceptedUnit.Same(Ucum.Percent);
    private static readonly AcceptedUnit Celsius = AcceptedUnit.Same(Ucum.Celsius);
    private static readonly AcceptedUnit Fahrenheit = new(Ucum.Fahrenheit, scale: 5.0 / 9.0, offset: -32);

    private static readonly ReadingKindInfo[] All =
    [
        new(ReadingKind.HeartRate, "heartRate", Codes.HeartRate, Ucum.PerMinute, new(20, 300),
            PerMinute, AcceptedUnit.Same(Ucum.BeatsPerMinute)),
        new(ReadingKind.RespiratoryRate, "respiratoryRate", Codes.RespiratoryRate, Ucum.PerMinute, new(0, 80),
            PerMinute, AcceptedUnit.Same(Ucum.BreathsPerMinute)),
        new(ReadingKind.Spo2, "spo2", Codes.OxygenSaturation, Ucum.Percent, new(50, 100), Percent),
        new(ReadingKind.BodyTemperature, "bodyTemperature", Codes.BodyTemperature, Ucum.Celsius, new(25, 45), Celsius, Fahrenheit),
        new(ReadingKind.BloodPressure, "bloodPressure", Codes.BloodPressurePanel, Ucum.MillimetreOfMercury, null,
            AcceptedUnit.Same(Ucum.MillimetreOfMercury)),
        new(ReadingKind.Glucose, "glucose", Codes.CgmGlucoseMass, Ucum.MilligramsPerDecilitre, new(20, 600),
            AcceptedUnit.Same(Ucum.MilligramsPerDecilitre), new(Ucum.MillimolesPerLitre, Ucum.MgPerDlPerMmolPerL)),
        new(ReadingKind.Weight, "weight", Codes.BodyWeight, Ucum.Kilogram, new(0.5, 500),
            AcceptedUnit.Same(Ucum.Kilogram), new(Ucum.Pound, Ucum.KilogramsPerPound)),
        new(ReadingKind.EcgRhythm, "ecgRhythm", Codes.HeartRhythm, "", null),
        new(ReadingKind.Consciousness, "consciousness", Codes.Acvpu, "", null),
        new(ReadingKind.OxygenSupplement, "oxygenSupplement", Codes.OxygenSupplement, Ucum.LitresPerMinute, null,
            AcceptedUnit.Same(Ucum.LitresPerMinute)),
        new(ReadingKind.InhalerActuation, "inhalerActuation", Codes.InhalerActuation, "", null),
        new(ReadingKind.DoseEvent, "doseEvent", Codes.DoseEvent, "", null),
        new(ReadingKind.StorageTemperature, "storageTemperature", Codes.StorageTemperature, Ucum.Celsius, new(-40, 60), Celsius, Fahrenheit),
        new(ReadingKind.Battery, "battery", Codes.Battery, Ucum.Percent, new(0, 100), Percent),
        new(ReadingKind.Steps, "steps", Codes.Steps, Ucum.Steps, new(0, 100_000), AcceptedUnit.Same(Ucum.Steps)),
        new(ReadingKind.Fev1, "fev1", Codes.Fev1, Ucum.Litre, new(0.1, 8), AcceptedUnit.Same(Ucum.Litre)),
        new(ReadingKind.Fvc, "fvc", Codes.Fvc, Ucum.Litre, new(0.1, 10), AcceptedUnit.Same(Ucum.Litre)),
        new(ReadingKind.PeakFlow, "peakFlow", Codes.PeakFlow, Ucum.LitresPerMinute, new(30, 1000), AcceptedUnit.Same(Ucum.LitresPerMinute)),
    ];

    /// <summary>Kinds grouped by the length of their UTF-8 name, so a lookup compares at most two names.</summary>
    private static readonly ReadingKindInfo[][] ByLength = [.. Enumerable.Range(0, All.Max(k => k.ContractNameUtf8.Length) + 1)
        .Select(length => All.Where(k => k.ContractNameUtf8.Length == length).ToArray())];

    public static IReadOnlyList<ReadingKindInfo> Catalog => All;

    public static ReadingKindInfo Get(ReadingKind kind) => All[(int)kind];

    public static string ContractName(this ReadingKind kind) => All[(int)kind].ContractName;

    /// <summary>Matches a contract name given as UTF-8 (case-sensitive); null when it is not a kind.</summary>
    public static ReadingKind? Parse(ReadOnlySpan<byte> utf8Name)
    {
        if (utf8Name.Length < ByLength.Length)
        {
            foreach (var info in ByLength[utf8Name.Length])
            {
                if (utf8Name.SequenceEqual(info.ContractNameUtf8))
                {
                    return info.Kind;
                }
            }
        }

        return null;
    }

    public static bool TryParse(string name, out ReadingKind kind)
    {
        foreach (var info in All)
        {
            if (string.Equals(name, info.ContractName, StringComparison.Ordinal))
            {
                kind = info.Kind;
                return true;
            }
        }

        kind = default;
        return false;
    }
}

/// <summary>Rhythm codes an ECG device may report for <c>ecgRhythm</c>.</summary>
public static class EcgRhythms
{
    public const string Sinus = "sinus";
    public const string SinusBradycardia = "sinusBradycardia";
    public const string SinusTachycardia = "sinusTachycardia";
    public const string AtrialFibrillation = "afib";
    public const string AtrialFlutter = "aflutter";
    public const string SupraventricularTachycardia = "svt";
    public const string VentricularTachycardia = "vt";
    public const string VentricularFibrillation = "vf";
    public const string Asystole = "asystole";
    public const string Paced = "paced";
    public const string Unclassified = "unclassified";

    public static IReadOnlyList<string> All { get; } =
    [
        Sinus, SinusBradycardia, SinusTachycardia, AtrialFibrillation, AtrialFlutter, SupraventricularTachycardia,
        VentricularTachycardia, VentricularFibrillation, Asystole, Paced, Unclassified,
    ];
}

/// <summary>ACVPU levels of consciousness as used by NEWS2: Alert, new Confusion, responds to Voice, to Pain, Unresponsive.</summary>
public static class Acvpu
{
    public static IReadOnlyList<string> All { get; } = ["A", "C", "V", "P", "U"];
}

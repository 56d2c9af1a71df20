using System.Text.Json.Serialization;

namespace IoMT.Core.Telemetry;

/// <summary>
/// A validated reading in canonical units (see <see cref="ReadingKinds"/>). Devices may send other supported units;
/// <see cref="QuantityReading.SourceUnit"/> keeps what they sent. Stored as JSON with a <c>$type</c> discriminator.
/// </summary>
[JsonPolymorphic]
[JsonDerivedType(typeof(QuantityReading), "quantity")]
[JsonDerivedType(typeof(BloodPressureReading), "bloodPressure")]
[JsonDerivedType(typeof(GlucoseReading), "glucose")]
[JsonDerivedType(typeof(CodedReading), "coded")]
[JsonDerivedType(typeof(OxygenSupplementReading), "oxygenSupplement")]
[JsonDerivedType(typeof(InhalerActuationReading), "inhalerActuation")]
[JsonDerivedType(typeof(DoseEventReading), "doseEvent")]
public abstract record Reading(ReadingKind Kind, DateTimeOffset At);

/// <summary>One number in the kind's canonical unit: heart and respiratory rate, SpO2, temperatures, weight, battery.</summary>
public sealed record QuantityReading(ReadingKind Kind, DateTimeOffset At, double Value, string SourceUnit) : Reading(Kind, At)
{
    [JsonIgnore]
    public string Unit => ReadingKinds.Get(Kind).CanonicalUnit;
}

/// <summary>Blood pressure in mm[Hg].</summary>
public sealed record BloodPressureReading(DateTimeOffset At, double Systolic, double Diastolic) : Reading(ReadingKind.BloodPressure, At);

/// <summary>How a glucose value was measured; it selects the LOINC code.</summary>
public enum GlucoseMethod
{
    /// <summary>Continuous glucose monitor (interstitial fluid).</summary>
    Cgm,

    /// <summary>Blood glucose meter (capillary blood).</summary>
    Meter,
}

/// <summary>Glucose in mg/dL (mmol/L converted with <see cref="Ucum.MgPerDlPerMmolPerL"/>).</summary>
public sealed record GlucoseReading(DateTimeOffset At, double MgPerDl, GlucoseMethod Method, string SourceUnit) : Reading(ReadingKind.Glucose, At);

/// <summary>A coded observation: <c>ecgRhythm</c> (see <see cref="EcgRhythms"/>) or <c>consciousness</c> (ACVPU letter).</summary>
public sealed record CodedReading(ReadingKind Kind, DateTimeOffset At, string Code) : Reading(Kind, At);

/// <summary>Whether the patient breathes supplemental oxygen, and at what flow when known.</summary>
public sealed record OxygenSupplementReading(DateTimeOffset At, bool OnOxygen, double? FlowLitresPerMinute) : Reading(ReadingKind.OxygenSupplement, At);

/// <summary>Puffs taken from a smart inhaler.</summary>
public sealed record InhalerActuationReading(DateTimeOffset At, string MedicationId, int Puffs) : Reading(ReadingKind.InhalerActuation, At);

public enum DoseEventType
{
    Dispensed,
    Taken,
    Missed,
    Skipped,
}

/// <summary>A smart pill dispenser's report about one dose.</summary>
public sealed record DoseEventReading(DateTimeOffset At, string MedicationId, DoseEventType Event, DateTimeOffset? ScheduledFor) : Reading(ReadingKind.DoseEvent, At);

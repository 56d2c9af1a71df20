using IoMT.Core.Alerts;
using IoMT.Core.Enrichment;

namespace IoMT.Core.Pipeline;

public readonly record struct VitalSample(double Value, DateTimeOffset At);

public readonly record struct CodeSample(string Code, DateTimeOffset At);

public readonly record struct FlagSample(bool Value, DateTimeOffset At);

/// <summary>
/// What monitoring remembers about a patient between batches: the latest NEWS2 parameters, recent CGM points,
/// the last NEWS2 and each rule's state. Hosts persist it after the batch's timeline writes and workflow signals,
/// so a crash before that replays the batch against the previous state (see docs/ingestion.md).
/// </summary>
public sealed class PatientState(string patientId)
{
    /// <summary>CGM points older than this before the newest one are dropped.</summary>
    public static readonly TimeSpan GlucoseHistory = TimeSpan.FromMinutes(30);

    public string PatientId { get; } = patientId;

    public VitalSample? RespiratoryRate { get; set; }

    public VitalSample? Spo2 { get; set; }

    public VitalSample? Systolic { get; set; }

    public VitalSample? Pulse { get; set; }

    public VitalSample? Temperature { get; set; }

    public CodeSample? Consciousness { get; set; }

    public FlagSample? OnOxygen { get; set; }

    public News2Result? LastNews2 { get; set; }

    public List<GlucosePoint> RecentGlucose { get; init; } = [];

    public Dictionary<string, RuleState> Rules { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Adds a CGM point if it is the newest; returns false for a late point (the trend uses arrival order).</summary>
    public bool AddGlucose(GlucosePoint point)
    {
        if (RecentGlucose.Count > 0 && point.At <= RecentGlucose[^1].At)
        {
            return false;
        }

        RecentGlucose.Add(point);
        var oldest = 0;
        while (point.At - RecentGlucose[oldest].At > GlucoseHistory)
        {
            oldest++;
        }

        RecentGlucose.RemoveRange(0, oldest);
        return true;
    }
}

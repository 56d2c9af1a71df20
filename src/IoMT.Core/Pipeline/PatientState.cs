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

    // Rule states live in an array aligned with the rule set that last used them (no lookup by id per reading);
    // states of rules no longer in that set, or loaded from storage, wait in _unaligned until a rule set claims them.
    private AlertRuleSet? _alignedWith;
    private RuleState[] _aligned = [];
    private Dictionary<string, RuleState> _unaligned = new(StringComparer.Ordinal);

    /// <summary>Each rule's state by rule id (for storage and inspection).</summary>
    public IReadOnlyDictionary<string, RuleState> Rules
    {
        get
        {
            var all = new Dictionary<string, RuleState>(_unaligned, StringComparer.Ordinal);
            for (var i = 0; i < _aligned.Length; i++)
            {
                if (_aligned[i] != default)
                {
                    all[_alignedWith!.Rules[i].Id] = _aligned[i];
                }
            }

            return all;
        }

        init => _unaligned = new Dictionary<string, RuleState>(value, StringComparer.Ordinal);
    }

    /// <summary>The states of <paramref name="rules"/>, by rule position; a policy change keeps the state of rules it keeps.</summary>
    public Span<RuleState> RuleStates(AlertRuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (!ReferenceEquals(rules, _alignedWith))
        {
            var pending = new Dictionary<string, RuleState>(Rules, StringComparer.Ordinal);
            var aligned = new RuleState[rules.Rules.Count];
            for (var i = 0; i < aligned.Length; i++)
            {
                if (pending.Remove(rules.Rules[i].Id, out var kept))
                {
                    aligned[i] = kept;
                }
            }

            (_alignedWith, _aligned, _unaligned) = (rules, aligned, pending);
        }

        return _aligned;
    }

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

using IoMT.Core.Alerts;
using IoMT.Core.Enrichment;

namespace IoMT.Core.Pipeline;

// A NEWS2 parameter's newest sample and the reading it came from (none in states saved before readings were kept).

public readonly record struct VitalSample(double Value, DateTimeOffset At, string? ReadingId = null);

public readonly record struct CodeSample(string Code, DateTimeOffset At, string? ReadingId = null);

public readonly record struct FlagSample(bool Value, DateTimeOffset At, string? ReadingId = null);

/// <summary>
/// What monitoring remembers about a patient between batches: the latest NEWS2 parameters, recent CGM points,
/// the last NEWS2, the latest FEV1 and peak flow, the week's weights, each rule's state and each fridge's cold chain. Hosts persist it after the batch's timeline writes and workflow signals,
/// so a crash before that replays the batch against the previous state (see docs/ingestion.md).
/// </summary>
public sealed class PatientState(string patientId)
{
    /// <summary>CGM points older than this before the newest one are dropped.</summary>
    public static readonly TimeSpan GlucoseHistory = TimeSpan.FromMinutes(30);

    // Rule states live in an array aligned with the rule set that last used them (no lookup by id per reading);
    // states loaded from storage wait in _unaligned until the first alignment.
    private AlertRuleSet? _alignedWith;
    private RuleState[] _aligned = [];
    private Dictionary<string, RuleState> _unaligned = new(StringComparer.Ordinal);

    public string PatientId { get; } = patientId;

    /// <summary>The last batch (<see cref="IngestionResult"/>) that changed this state.</summary>
    internal long TouchedInBatch { get; set; }

    public VitalSample? RespiratoryRate { get; set; }

    public VitalSample? Spo2 { get; set; }

    public VitalSample? Systolic { get; set; }

    public VitalSample? Pulse { get; set; }

    public VitalSample? Temperature { get; set; }

    public CodeSample? Consciousness { get; set; }

    public FlagSample? OnOxygen { get; set; }

    public News2Result? LastNews2 { get; set; }

    /// <summary>The newest FEV1 (L), so that a peak flow of the same instant sent apart is graded with it.</summary>
    public VitalSample? Fev1 { get; set; }

    /// <summary>The newest peak flow (L/min).</summary>
    public VitalSample? PeakFlow { get; set; }

    /// <summary>The week's weights and the weight-gain episode (null until the first weight).</summary>
    public WeightGainState? WeightGain { get; set; }

    public List<GlucosePoint> RecentGlucose { get; init; } = [];

    /// <summary>Each medication fridge's cold chain, by device id.</summary>
    public Dictionary<string, ColdChainState> ColdChain { get; init; } = new(StringComparer.Ordinal);

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

    /// <summary>
    /// Adds a CGM point and returns its position in <see cref="RecentGlucose"/>: appended when it is the newest, found
    /// when it is already there (a redelivery), −1 for a late point (the trend follows arrival order).
    /// </summary>
    public int AddGlucose(GlucosePoint point)
    {
        if (RecentGlucose.Count > 0 && point.At <= RecentGlucose[^1].At)
        {
            return RecentGlucose.LastIndexOf(point);
        }

        RecentGlucose.Add(point);
        var oldest = 0;
        while (point.At - RecentGlucose[oldest].At > GlucoseHistory)
        {
            oldest++;
        }

        RecentGlucose.RemoveRange(0, oldest);
        return RecentGlucose.Count - 1;
    }

    /// <summary>
    /// Aligns the rule states with the patient's current rules (a policy edit, or the first use after loading): rules
    /// that remain keep their state; the open episode of a rule that was disabled or removed is closed and returned, so
    /// the caller can end it; states of rules no longer in use are dropped.
    /// </summary>
    public IReadOnlyList<(string RuleId, DateTimeOffset EpisodeStart)> Align(AlertRuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (ReferenceEquals(rules, _alignedWith))
        {
            return [];
        }

        var previous = new Dictionary<string, RuleState>(Rules, StringComparer.Ordinal);
        var aligned = new RuleState[rules.Rules.Count];
        var closed = new List<(string, DateTimeOffset)>();
        for (var i = 0; i < aligned.Length; i++)
        {
            var rule = rules.Rules[i];
            if (!previous.Remove(rule.Id, out var kept))
            {
                continue;
            }

            if (rule.Enabled)
            {
                aligned[i] = kept;
            }
            else if (kept.EpisodeStart is { } start)
            {
                closed.Add((rule.Id, start));
            }
        }

        foreach (var (ruleId, removed) in previous)
        {
            if (removed.EpisodeStart is { } start)
            {
                closed.Add((ruleId, start));
            }
        }

        (_alignedWith, _aligned, _unaligned) = (rules, aligned, new Dictionary<string, RuleState>(StringComparer.Ordinal));
        return closed;
    }

    /// <summary>The states of <paramref name="rules"/> by rule position, aligning first if needed (<see cref="Align"/> says what closed).</summary>
    public Span<RuleState> RuleStates(AlertRuleSet rules)
    {
        if (!ReferenceEquals(rules, _alignedWith))
        {
            Align(rules);
        }

        return _aligned;
    }
}

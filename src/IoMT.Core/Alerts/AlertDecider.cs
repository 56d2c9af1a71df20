namespace IoMT.Core.Alerts;

/// <summary>
/// Where one rule stands for one patient. <see cref="PendingSince"/> is when the raise condition started to hold;
/// <see cref="EpisodeStart"/> is set while an alert is open (one alert per episode); <see cref="LastClearedAt"/> is
/// when the last episode ended.
/// </summary>
public record struct RuleState(DateTimeOffset LastAt, DateTimeOffset? PendingSince, DateTimeOffset? EpisodeStart, DateTimeOffset? LastClearedAt = null)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public readonly bool IsActive => EpisodeStart.HasValue;
}

public enum RuleTransition
{
    None,
    Raised,
    Cleared,

    /// <summary>The reading is older than the last one evaluated for this rule; it changes nothing.</summary>
    Ignored,
}

/// <summary>
/// The pure decider of a rule: (state, condition at a time) → (state, transition). It raises once the raise
/// condition has held across readings for the sustain duration, raises nothing more during the episode, and
/// clears only on the clear condition (hysteresis). Readings older than the last evaluated one are ignored, so late
/// readings change nothing. Readings at the same instant are evaluated (several values measured together, such as
/// the NEWS2 parameters of one spot check) and still cannot raise twice: an open episode never raises again, and an
/// episode cleared at an instant cannot be reopened by a reading of that same instant (a redelivered one).
/// </summary>
public static class AlertDecider
{
    /// <param name="mayClear">False when the value is only a lower bound (an incomplete NEWS2): it may raise but not clear.</param>
    public static RuleTransition Step(ref RuleState state, Condition condition, TimeSpan sustainFor, DateTimeOffset at, bool mayClear = true)
    {
        if (state.LastAt != default && at < state.LastAt)
        {
            return RuleTransition.Ignored;
        }

        state.LastAt = at;
        if (state.IsActive)
        {
            if (condition == Condition.Clear && mayClear)
            {
                state.EpisodeStart = null;
                state.PendingSince = null;
                state.LastClearedAt = at;
                return RuleTransition.Cleared;
            }

            return RuleTransition.None;
        }

        if (condition != Condition.Raise || state.LastClearedAt == at)
        {
            state.PendingSince = null;
            return RuleTransition.None;
        }

        state.PendingSince ??= at;
        if (at - state.PendingSince.Value < sustainFor)
        {
            return RuleTransition.None;
        }

        state.EpisodeStart = state.PendingSince;
        return RuleTransition.Raised;
    }
}

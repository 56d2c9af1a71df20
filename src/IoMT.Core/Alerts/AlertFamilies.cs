namespace IoMT.Core.Alerts;

public enum FamilyTransition
{
    None,

    /// <summary>The family had no open alert; one grade or more raised: its alert opens at the worst of them.</summary>
    Raised,

    /// <summary>The family's open alert now stands at another grade (worse or milder).</summary>
    Regraded,

    /// <summary>Every grade of the family cleared: its alert ends.</summary>
    Cleared,
}

/// <summary>What one reading did to a family: the grade it stands at now (or stood at, when cleared) and since when its episode runs.</summary>
public readonly record struct FamilyStep(FamilyTransition Transition, AlertRule? Grade, DateTimeOffset? EpisodeStart);

/// <summary>
/// One alert per deterioration: a family's grades (<see cref="AlertRule.Family"/>) keep their own delays and hysteresis
/// (<see cref="AlertDecider"/>), and the family has one alert while any grade is raised. Its priority follows the
/// worst grade raised; its episode starts when the first grade raised, and every raised grade carries that start, so
/// the alert id stays the same until the last grade clears. A rule without a family is a family of one.
/// </summary>
public static class AlertFamilies
{
    /// <param name="grades">The family's enabled rules, from the mildest to the most severe (<see cref="AlertRuleSet.Families"/>).</param>
    /// <param name="states">The patient's rule states, by rule position.</param>
    /// <param name="conditions">Each grade's condition for this reading, in the order of <paramref name="grades"/>.</param>
    public static FamilyStep Step(ReadOnlySpan<IndexedRule> grades, Span<RuleState> states, ReadOnlySpan<Condition> conditions, DateTimeOffset at, bool mayClear = true)
    {
        var before = Worst(grades, states);
        var start = before is { } open ? states[open.Index].EpisodeStart : null;
        for (var i = 0; i < grades.Length; i++)
        {
            AlertDecider.Step(ref states[grades[i].Index], conditions[i], grades[i].Rule.SustainFor, at, mayClear);
        }

        var after = Worst(grades, states);
        if (after is not { } now)
        {
            return before is { } was ? new FamilyStep(FamilyTransition.Cleared, was.Rule, start) : default;
        }

        start ??= EarliestStart(grades, states);
        foreach (var grade in grades)
        {
            if (states[grade.Index].IsActive)
            {
                states[grade.Index].EpisodeStart = start;
            }
        }

        return before switch
        {
            null => new FamilyStep(FamilyTransition.Raised, now.Rule, start),
            { } was when was.Index != now.Index => new FamilyStep(FamilyTransition.Regraded, now.Rule, start),
            _ => default,
        };
    }

    /// <summary>The most severe grade raised, or null when none is.</summary>
    public static IndexedRule? Worst(ReadOnlySpan<IndexedRule> grades, ReadOnlySpan<RuleState> states)
    {
        for (var i = grades.Length - 1; i >= 0; i--)
        {
            if (states[grades[i].Index].IsActive)
            {
                return grades[i];
            }
        }

        return null;
    }

    private static DateTimeOffset? EarliestStart(ReadOnlySpan<IndexedRule> grades, ReadOnlySpan<RuleState> states)
    {
        DateTimeOffset? earliest = null;
        foreach (var grade in grades)
        {
            if (states[grade.Index].EpisodeStart is { } start && (earliest is null || start < earliest))
            {
                earliest = start;
            }
        }

        return earliest;
    }
}

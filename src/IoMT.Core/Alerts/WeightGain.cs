using System.Globalization;
using IoMT.Core.Patients;

namespace IoMT.Core.Alerts;

/// <summary>
/// The weight-gain rule's organization defaults (section <c>Enrichment:WeightGain</c>); a patient's settings
/// (<see cref="WeightGainLimits"/>) override the limits. Each weight is compared with the lowest weight measured from
/// <see cref="SameDay"/> to <see cref="Day"/> before it (the day's gain) and from <see cref="SameDay"/> to
/// <see cref="Week"/> before it (the week's gain). The periods are settings so that a demonstration can compress days.
/// </summary>
public sealed class WeightGainPolicy
{
    /// <summary>More than 1 kg in a day: "more than 2–3 lb (0.9–1.4 kg) in a day" (AHA), at its sensitive end in whole kilograms.</summary>
    public double DayKg { get; set; } = 1.0;

    /// <summary>More than 2 kg in a week: catches ESC's "more than 2 kg in 3 days" and is stricter than AHA's "5 lb (2.3 kg) in a week".</summary>
    public double WeekKg { get; set; } = 2.0;

    /// <summary>Weights measured less than this before another are the same day's: never compared with it.</summary>
    public TimeSpan SameDay { get; set; } = TimeSpan.FromHours(20);

    /// <summary>"A day earlier" reaches back this far (24 h, give or take a morning routine that moves by 4 h).</summary>
    public TimeSpan Day { get; set; } = TimeSpan.FromHours(28);

    /// <summary>"A week earlier" reaches back this far (7 days and the same 4 h).</summary>
    public TimeSpan Week { get; set; } = TimeSpan.FromDays(7) + TimeSpan.FromHours(4);

    /// <summary>Weights are kept at most one per this much time (the lowest), however often a scale sends.</summary>
    public TimeSpan Resolution { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Problems that make the policy unusable, as (setting, message); empty when it is valid.</summary>
    public IEnumerable<(string Setting, string Message)> Validate()
    {
        if (!(DayKg > 0))
        {
            yield return (nameof(DayKg), "The day's limit is more than 0 kg.");
        }

        if (!(WeekKg > 0))
        {
            yield return (nameof(WeekKg), "The week's limit is more than 0 kg.");
        }

        if (!(TimeSpan.Zero < Resolution && Resolution <= SameDay && SameDay < Day && Day <= Week))
        {
            yield return (nameof(SameDay), "The periods are ordered: 0 < Resolution ≤ SameDay < Day ≤ Week.");
        }
    }
}

/// <summary>Over which period a weight gain was measured.</summary>
public enum WeightGainPeriod
{
    Day,
    Week,
}

/// <summary>A weight and when it was measured.</summary>
public readonly record struct WeightSample(DateTimeOffset At, double Kg);

/// <summary>
/// One patient's recent weights and their weight-gain episode. <see cref="Weights"/> holds, in time order, the weights
/// of the week (<see cref="WeightGainPolicy.Week"/>) before the newest, at most one per <see cref="WeightGainPolicy.Resolution"/>
/// (the lowest): enough for both comparisons, however often a scale sends.
/// </summary>
public sealed record WeightGainState
{
    public IReadOnlyList<WeightSample> Weights { get; init; } = [];

    /// <summary>The newest weight the rule evaluated; older and repeated weights are recorded but not evaluated.</summary>
    public DateTimeOffset? LastEvaluatedAt { get; init; }

    public DateTimeOffset? EpisodeStart { get; init; }

    /// <summary>The period whose gain raised the open episode.</summary>
    public WeightGainPeriod? EpisodePeriod { get; init; }
}

/// <summary>What one weight did: the new state, and for a raise or a clear the period and the gain over it (kg).</summary>
public readonly record struct WeightGainStep(WeightGainState State, RuleTransition Transition, WeightGainPeriod Period = default, double? GainKg = null);

/// <summary>
/// Heart-failure weight gain (rule <c>weight-gain</c>), the pure decider. By default each weight is compared with the
/// lowest weight measured 20 to 28 hours before it (a day) and with the lowest measured 20 hours to 7 days 4 hours
/// before it (a week) (<see cref="WeightGainPolicy"/>). Patients weigh once a day at the same time; the 8-hour window
/// around "a day earlier" allows for a morning routine that moves, and weights of the last 20 hours are never compared,
/// because the same day's weights differ by meals, drinks and clothes rather than by fluid. The lowest weight is the
/// reference, so a gain that builds up over days is measured from where it started. An alert is raised when the day's
/// gain exceeds the day limit or the week's gain exceeds the week limit; one alert per episode, which clears once both
/// gains are at most half their limits (most of the gain reversed, or a steady weight that has become the week's
/// reference). Late and repeated weights are recorded for later comparisons but evaluate nothing, so a replay changes nothing.
/// Sources of the default limits: the American Heart Association's heart-failure self-check guidance (call when weight
/// goes up more than 2–3 lb, 0.9–1.4 kg, in a day or 5 lb, 2.3 kg, in a week); the ESC 2016 heart-failure guidelines
/// (Ponikowski et al., Eur Heart J 2016;37:2129, table 17.1) and the HFA self-care recommendations (Jaarsma et al.,
/// Eur J Heart Fail 2021;23:157): act on a sudden gain of more than 2 kg in 3 days.
/// </summary>
public static class WeightGainRule
{
    public const string Id = "weight-gain";

    public const AlertPriority Priority = AlertPriority.Medium;

    public const AlertCategory Category = AlertCategory.VitalSign;

    /// <param name="limits">The patient's limits; null, or a null member, uses the policy's. Disabled: weights are recorded, nothing is evaluated.</param>
    /// <param name="alerting">False for a reading too old to alert: recorded, not evaluated.</param>
    public static WeightGainStep Step(WeightGainState? state, double kg, DateTimeOffset at, WeightGainLimits? limits, WeightGainPolicy policy, bool alerting)
    {
        ArgumentNullException.ThrowIfNull(policy);
        state ??= new WeightGainState();
        var next = state with { Weights = Record(state.Weights, new WeightSample(at, kg), policy) };
        if (!alerting || limits is { Enabled: false } || state.LastEvaluatedAt >= at)
        {
            return new WeightGainStep(next, RuleTransition.None);
        }

        next = next with { LastEvaluatedAt = at };
        var dayLimit = limits?.DayKg ?? policy.DayKg;
        var weekLimit = limits?.WeekKg ?? policy.WeekKg;
        var day = GainSince(next.Weights, kg, at, policy.Day, policy.SameDay);
        var week = GainSince(next.Weights, kg, at, policy.Week, policy.SameDay);
        if (state.EpisodeStart is null)
        {
            return day > dayLimit ? new WeightGainStep(next with { EpisodeStart = at, EpisodePeriod = WeightGainPeriod.Day }, RuleTransition.Raised, WeightGainPeriod.Day, day)
                : week > weekLimit ? new WeightGainStep(next with { EpisodeStart = at, EpisodePeriod = WeightGainPeriod.Week }, RuleTransition.Raised, WeightGainPeriod.Week, week)
                : new WeightGainStep(next, RuleTransition.None);
        }

        var period = state.EpisodePeriod ?? WeightGainPeriod.Day;
        var clears = (day ?? week) is not null && !(day > dayLimit / 2) && !(week > weekLimit / 2);
        return clears
            ? new WeightGainStep(next with { EpisodeStart = null, EpisodePeriod = null }, RuleTransition.Cleared, period, period == WeightGainPeriod.Day ? day : week)
            : new WeightGainStep(next, RuleTransition.None);
    }

    /// <summary>The alert's title: the gain, its period, the weight now and the dry weight when it is set.</summary>
    public static string Title(WeightGainPeriod period, double gainKg, double kg, double? dryWeightKg) => string.Create(CultureInfo.InvariantCulture,
        $"Weight up {gainKg:0.0#} kg in a {(period == WeightGainPeriod.Day ? "day" : "week")} (now {kg:0.0#} kg{(dryWeightKg is { } dry ? $", dry weight {dry:0.0#} kg" : "")})");

    /// <summary>The gain over the lowest weight measured from <paramref name="span"/> to <paramref name="sameDay"/> before <paramref name="at"/>, to 10 g; null without one.</summary>
    private static double? GainSince(IReadOnlyList<WeightSample> weights, double kg, DateTimeOffset at, TimeSpan span, TimeSpan sameDay)
    {
        double? lowest = null;
        foreach (var weight in weights)
        {
            if (weight.At >= at - span && weight.At <= at - sameDay && (lowest is null || weight.Kg < lowest))
            {
                lowest = weight.Kg;
            }
        }

        return lowest is { } reference ? Math.Round(kg - reference, 2, MidpointRounding.AwayFromZero) : null;
    }

    /// <summary>The weights with <paramref name="sample"/> in its place: the lower of two within one resolution step, none older than a week before the newest.</summary>
    private static List<WeightSample> Record(IReadOnlyList<WeightSample> weights, WeightSample sample, WeightGainPolicy policy)
    {
        var newest = weights.Count > 0 && weights[^1].At > sample.At ? weights[^1].At : sample.At;
        var oldest = newest - policy.Week;
        var step = policy.Resolution.Ticks;
        var recorded = new List<WeightSample>(weights.Count + 1);
        var placed = sample.At < oldest;
        foreach (var weight in weights)
        {
            if (weight.At < oldest)
            {
                continue;
            }

            if (!placed && weight.At.UtcTicks / step == sample.At.UtcTicks / step)
            {
                recorded.Add(sample.Kg < weight.Kg || (sample.Kg == weight.Kg && sample.At < weight.At) ? sample : weight);
                placed = true;
                continue;
            }

            if (!placed && sample.At < weight.At)
            {
                recorded.Add(sample);
                placed = true;
            }

            recorded.Add(weight);
        }

        if (!placed)
        {
            recorded.Add(sample);
        }

        return recorded;
    }
}

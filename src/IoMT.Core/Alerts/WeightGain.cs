using System.Globalization;
using IoMT.Core.Patients;

namespace IoMT.Core.Alerts;

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
/// of the week (<see cref="WeightGainRule.WeekBefore"/>) before the newest, at most one per clock hour (the lowest):
/// enough for both comparisons, however often a scale sends.
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
/// Heart-failure weight gain (rule <c>weight-gain</c>), the pure decider. Each weight is compared with the lowest weight
/// measured 20 to 28 hours before it (a day) and with the lowest measured 20 hours to 7 days 4 hours before it (a week).
/// Patients weigh once a day at the same time; the 8-hour window around "a day earlier" allows for a morning routine
/// that moves, and weights of the last 20 hours are never compared, because the same day's weights differ by meals,
/// drinks and clothes rather than by fluid. The lowest weight is the reference, so a gain that builds up over days is
/// measured from where it started. An alert is raised when the day's gain exceeds the day limit or the week's gain
/// exceeds the week limit; one alert per episode, which clears once both gains are at most half their limits (most of
/// the gain reversed, or a steady weight that has become the week's reference). Late and repeated weights are recorded
/// for later comparisons but evaluate nothing, so a replay changes nothing.
/// </summary>
public static class WeightGainRule
{
    public const string Id = "weight-gain";

    /// <summary>More than 1 kg in a day: "more than 2–3 lb (0.9–1.4 kg) in a day" (AHA), at its sensitive end in whole kilograms.</summary>
    public const double DefaultDayKg = 1.0;

    /// <summary>More than 2 kg in a week: catches ESC's "more than 2 kg in 3 days" and is stricter than AHA's "5 lb (2.3 kg) in a week".</summary>
    public const double DefaultWeekKg = 2.0;

    public const AlertPriority Priority = AlertPriority.Medium;

    public const AlertCategory Category = AlertCategory.VitalSign;

    public const string Source = "American Heart Association, heart-failure self-check guidance: call if weight goes up more than 2–3 lb (0.9–1.4 kg) in a day or "
        + "5 lb (2.3 kg) in a week; ESC 2016 heart-failure guidelines (Ponikowski et al., Eur Heart J 2016;37:2129, table 17.1) and the HFA self-care "
        + "recommendations (Jaarsma et al., Eur J Heart Fail 2021;23:157): act on a sudden weight gain of more than 2 kg in 3 days";

    /// <summary>Weights measured less than this before another are the same day's: never compared with it.</summary>
    public static readonly TimeSpan SameDay = TimeSpan.FromHours(20);

    public static readonly TimeSpan DayBefore = TimeSpan.FromHours(28);

    public static readonly TimeSpan WeekBefore = TimeSpan.FromDays(7) + TimeSpan.FromHours(4);

    /// <param name="limits">The patient's limits; null, or a null member, uses the defaults. Disabled: weights are recorded, nothing is evaluated.</param>
    /// <param name="alerting">False for a reading too old to alert: recorded, not evaluated.</param>
    public static WeightGainStep Step(WeightGainState? state, double kg, DateTimeOffset at, WeightGainLimits? limits, bool alerting)
    {
        state ??= new WeightGainState();
        var next = state with { Weights = Record(state.Weights, new WeightSample(at, kg)) };
        if (!alerting || limits is { Enabled: false } || state.LastEvaluatedAt >= at)
        {
            return new WeightGainStep(next, RuleTransition.None);
        }

        next = next with { LastEvaluatedAt = at };
        var dayLimit = limits?.DayKg ?? DefaultDayKg;
        var weekLimit = limits?.WeekKg ?? DefaultWeekKg;
        var day = GainSince(next.Weights, kg, at, DayBefore);
        var week = GainSince(next.Weights, kg, at, WeekBefore);
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

    /// <summary>The gain over the lowest weight measured from <paramref name="span"/> to <see cref="SameDay"/> before <paramref name="at"/>, to 10 g; null without one.</summary>
    private static double? GainSince(IReadOnlyList<WeightSample> weights, double kg, DateTimeOffset at, TimeSpan span)
    {
        double? lowest = null;
        foreach (var weight in weights)
        {
            if (weight.At >= at - span && weight.At <= at - SameDay && (lowest is null || weight.Kg < lowest))
            {
                lowest = weight.Kg;
            }
        }

        return lowest is { } reference ? Math.Round(kg - reference, 2, MidpointRounding.AwayFromZero) : null;
    }

    /// <summary>The weights with <paramref name="sample"/> in its place: the lower of two in one clock hour, none older than a week before the newest.</summary>
    private static List<WeightSample> Record(IReadOnlyList<WeightSample> weights, WeightSample sample)
    {
        var newest = weights.Count > 0 && weights[^1].At > sample.At ? weights[^1].At : sample.At;
        var oldest = newest - WeekBefore;
        var recorded = new List<WeightSample>(weights.Count + 1);
        var placed = sample.At < oldest;
        foreach (var weight in weights)
        {
            if (weight.At < oldest)
            {
                continue;
            }

            if (!placed && HourOf(weight.At) == HourOf(sample.At))
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

    private static long HourOf(DateTimeOffset at) => at.UtcTicks / TimeSpan.TicksPerHour;
}

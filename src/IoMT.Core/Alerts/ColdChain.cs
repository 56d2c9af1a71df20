namespace IoMT.Core.Alerts;

/// <summary>
/// Medication storage limits (section <c>Enrichment:ColdChain</c>): refrigerated medicines are kept at 2–8 °C. A fridge
/// outside that range for more than <see cref="ExcursionLimit"/> in total within <see cref="Window"/> raises a
/// cold-chain alert (its medication may need to be checked or replaced).
/// </summary>
public sealed class ColdChainPolicy
{
    public double MinCelsius { get; set; } = 2;

    public double MaxCelsius { get; set; } = 8;

    public TimeSpan ExcursionLimit { get; set; } = TimeSpan.FromMinutes(30);

    public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A reading stands for at most this long: a longer gap counts only this much (the silence is device-silent's business).</summary>
    public TimeSpan MaxHold { get; set; } = TimeSpan.FromMinutes(15);

    public AlertPriority Priority { get; set; } = AlertPriority.Medium;
}

/// <summary>Time a fridge spent outside its range, from one reading to the next.</summary>
public readonly record struct Excursion(DateTimeOffset From, DateTimeOffset To);

/// <summary>One fridge's cold chain: its last reading, its excursions within the window, its open alert episode.</summary>
public sealed record ColdChainState
{
    public DateTimeOffset LastAt { get; init; }

    public double LastCelsius { get; init; }

    public IReadOnlyList<Excursion> Excursions { get; init; } = [];

    public DateTimeOffset? EpisodeStart { get; init; }

    /// <summary>Total time outside the range within the window ending at <see cref="LastAt"/>.</summary>
    public TimeSpan Outside => Excursions.Aggregate(TimeSpan.Zero, (total, e) => total + (e.To - e.From));
}

/// <summary>
/// The cold-chain decider, per fridge: each reading's temperature holds until the next reading (at most
/// <see cref="ColdChainPolicy.MaxHold"/>); time held outside the range adds up within the window. Raises when the total
/// passes the limit; clears once the fridge is back in range and the window's total is within the limit again, so one
/// excursion is one alert however the temperature flickers. Late and repeated readings change nothing.
/// </summary>
public static class ColdChain
{
    public const string RulePrefix = "cold-chain.";

    public static string RuleId(string deviceId) => RulePrefix + deviceId;

    public static bool IsOutside(ColdChainPolicy policy, double celsius)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return celsius < policy.MinCelsius || celsius > policy.MaxCelsius;
    }

    public static (ColdChainState State, RuleTransition Transition) Step(ColdChainState? state, double celsius, DateTimeOffset at, ColdChainPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (state is null)
        {
            return (new ColdChainState { LastAt = at, LastCelsius = celsius }, RuleTransition.None);
        }

        if (at <= state.LastAt)
        {
            return (state, RuleTransition.Ignored);
        }

        var excursions = new List<Excursion>(state.Excursions);
        if (IsOutside(policy, state.LastCelsius))
        {
            var end = at - state.LastAt > policy.MaxHold ? state.LastAt + policy.MaxHold : at;
            if (excursions.Count > 0 && excursions[^1].To == state.LastAt)
            {
                excursions[^1] = excursions[^1] with { To = end };
            }
            else
            {
                excursions.Add(new Excursion(state.LastAt, end));
            }
        }

        var since = at - policy.Window;
        excursions = [.. excursions.Where(e => e.To > since).Select(e => e.From < since ? e with { From = since } : e)];
        var next = state with { LastAt = at, LastCelsius = celsius, Excursions = excursions };
        var overLimit = next.Outside > policy.ExcursionLimit;
        return state.EpisodeStart switch
        {
            null when overLimit => (next with { EpisodeStart = at }, RuleTransition.Raised),
            not null when !overLimit && !IsOutside(policy, celsius) => (next with { EpisodeStart = null }, RuleTransition.Cleared),
            _ => (next, RuleTransition.None),
        };
    }
}

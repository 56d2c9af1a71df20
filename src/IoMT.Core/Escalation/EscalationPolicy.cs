using IoMT.Core.Alerts;

namespace IoMT.Core.Escalation;

/// <summary>Who a level notifies: one user, everyone with a role in the patient's care teams, or whoever is on call in a group.</summary>
public enum TargetKind
{
    User,
    Role,
    OnCall,
}

public sealed record EscalationTarget(TargetKind Kind, string Id)
{
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}:{Id}";

    /// <summary>Whether a notification recipient is a care-team target (user, role, on-call group); patients and caregivers are not.</summary>
    public static bool IsCareTeam(string recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return Enum.GetNames<TargetKind>().Any(kind => recipient.StartsWith(kind.ToLowerInvariant() + ":", StringComparison.Ordinal));
    }
}

/// <summary>One level: notified when the escalation reaches it; the next level follows <see cref="EscalateAfter"/> later unless someone acknowledges.</summary>
public sealed record EscalationLevel(TimeSpan EscalateAfter, IReadOnlyList<EscalationTarget> Targets, IReadOnlyList<string> Channels);

/// <summary>
/// How an alert escalates: ordered levels, then <see cref="Repeats"/> more passes through all of them. An acknowledgement
/// stops escalation; if the alert is still not resolved <see cref="AckTimeout"/> later it triggers again from the first
/// level. <see cref="AutoResolveOnClear"/> resolves it when its condition clears. Chosen per alert by
/// <see cref="EscalationPolicies.Select"/>; an alert keeps the version it started with.
/// </summary>
public sealed record EscalationPolicy
{
    public required string Id { get; init; }

    public int Version { get; init; } = 1;

    public required IReadOnlyList<EscalationLevel> Levels { get; init; }

    public int Repeats { get; init; }

    public TimeSpan? AckTimeout { get; init; }

    public bool AutoResolveOnClear { get; init; } = true;

    /// <summary>The priorities this policy applies to; empty for all.</summary>
    public IReadOnlyList<AlertPriority> Priorities { get; init; } = [];

    /// <summary>The alert categories this policy applies to; empty for all.</summary>
    public IReadOnlyList<AlertCategory> Categories { get; init; } = [];
}

public static class EscalationPolicies
{
    public const int MaxLevels = 10;
    public const int MaxRepeats = 10;
    public static readonly TimeSpan MinEscalateAfter = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The policy for an alert: the one naming both its priority and its category, else its category, else its priority,
    /// else a catch-all; ties go to the lowest id, so the choice never depends on the order policies are stored in.
    /// </summary>
    public static EscalationPolicy? Select(IEnumerable<EscalationPolicy> policies, AlertPriority priority, AlertCategory category)
    {
        ArgumentNullException.ThrowIfNull(policies);
        return policies
            .Where(p => (p.Priorities.Count == 0 || p.Priorities.Contains(priority)) && (p.Categories.Count == 0 || p.Categories.Contains(category)))
            .OrderByDescending(p => (p.Categories.Count > 0 ? 2 : 0) + (p.Priorities.Count > 0 ? 1 : 0))
            .ThenBy(p => p.Id, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>What is wrong with a policy, as (field, message) pairs with JSON pointers; empty when it is valid.</summary>
    public static IReadOnlyList<(string Field, string Message)> Validate(EscalationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var errors = new List<(string, string)>();
        if (!Identifiers.IsValid(policy.Id))
        {
            errors.Add(("/id", $"A policy id is 1–{Identifiers.MaxLength} letters, digits, '-', '_' or '.'."));
        }

        // Bound from configuration, a 'required' list that was left out is null.
        var levels = policy.Levels ?? [];
        if (levels.Count is 0 or > MaxLevels)
        {
            errors.Add(("/levels", $"A policy has 1–{MaxLevels} levels."));
        }

        for (var i = 0; i < levels.Count; i++)
        {
            var level = levels[i];
            if (level.EscalateAfter < MinEscalateAfter)
            {
                errors.Add(($"/levels/{i}/escalateAfter", $"A level waits at least {MinEscalateAfter.TotalSeconds:0} s before the next one."));
            }

            if (level.Targets is null or { Count: 0 })
            {
                errors.Add(($"/levels/{i}/targets", "A level notifies at least one target."));
            }

            if (level.Channels is null or { Count: 0 })
            {
                errors.Add(($"/levels/{i}/channels", "A level uses at least one channel."));
            }
        }

        if (policy.Repeats is < 0 or > MaxRepeats)
        {
            errors.Add(("/repeats", $"Repeats are 0–{MaxRepeats}."));
        }

        if (policy.AckTimeout is { } timeout && timeout < MinEscalateAfter)
        {
            errors.Add(("/ackTimeout", $"An acknowledgement times out after at least {MinEscalateAfter.TotalSeconds:0} s."));
        }

        return errors;
    }
}

using IoMT.Core.Access;
using IoMT.Core.Alerts;

namespace IoMT.Core.Escalation;

/// <summary>
/// The policies a host uses until an organization configures its own: high-priority alerts reach the nurse at once,
/// the care coordinator 2 minutes later and the physician 5 minutes after that, three passes; other clinical alerts
/// move every 5, 10 and 15 minutes, two passes; technical alerts (a silent device, a warm fridge, a flat battery) go
/// to the care coordinator every 30 minutes. Every level uses the live console; organizations add channels.
/// </summary>
public static class DefaultEscalationPolicies
{
    public const string ConsoleChannel = "console";

    public static EscalationPolicy Urgent { get; } = new()
    {
        Id = "urgent",
        Priorities = [AlertPriority.High],
        Levels =
        [
            Level(TimeSpan.FromMinutes(2), Role.Nurse),
            Level(TimeSpan.FromMinutes(5), Role.CareCoordinator),
            Level(TimeSpan.FromMinutes(5), Role.Physician),
        ],
        Repeats = 2,
        AckTimeout = TimeSpan.FromMinutes(30),
    };

    public static EscalationPolicy Standard { get; } = new()
    {
        Id = "standard",
        Levels =
        [
            Level(TimeSpan.FromMinutes(5), Role.Nurse),
            Level(TimeSpan.FromMinutes(10), Role.CareCoordinator),
            Level(TimeSpan.FromMinutes(15), Role.Physician),
        ],
        Repeats = 1,
        AckTimeout = TimeSpan.FromMinutes(60),
    };

    public static EscalationPolicy Technical { get; } = new()
    {
        Id = "technical",
        Categories = [AlertCategory.Technical],
        Levels = [Level(TimeSpan.FromMinutes(30), Role.CareCoordinator)],
        Repeats = 3,
    };

    public static IReadOnlyList<EscalationPolicy> All { get; } = [Urgent, Standard, Technical];

    /// <summary>The policy for an alert: the configured ones when there are any, else these; <see cref="Standard"/> when none applies.</summary>
    public static EscalationPolicy For(IReadOnlyCollection<EscalationPolicy> configured, AlertRaised alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return For(configured, alert.Priority, alert.Category);
    }

    public static EscalationPolicy For(IReadOnlyCollection<EscalationPolicy> configured, AlertPriority priority, AlertCategory category)
    {
        ArgumentNullException.ThrowIfNull(configured);
        return EscalationPolicies.Select(configured.Count > 0 ? configured : All, priority, category) ?? Standard;
    }

    private static EscalationLevel Level(TimeSpan escalateAfter, Role role) =>
        new(escalateAfter, [new EscalationTarget(TargetKind.Role, role.Name())], [ConsoleChannel]);
}

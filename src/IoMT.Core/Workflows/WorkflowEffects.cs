using System.Globalization;
using IoMT.Core.Access;
using IoMT.Core.Adherence;
using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Notifications;
using IoMT.Core.Timeline;

namespace IoMT.Core.Workflows;

/// <summary>
/// Turns deciders' commands into the effects every shell runs the same way (<see cref="WorkflowEffect"/>). Commands
/// about time and instances (timers, wake-ups, snoozes, completion, alert events) stay with the shell, which owns them.
/// </summary>
public static class WorkflowEffects
{
    public static List<WorkflowEffect> For(EscalationState state, IEnumerable<EscalationCommand> commands, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(commands);
        var alert = state.Alert;
        var effects = new List<WorkflowEffect>();
        foreach (var command in commands)
        {
            switch (command)
            {
                case RecordStep step:
                    effects.Add(new TimelineEffect(step.IdempotencyKey, StepRecord(alert.PatientId, step)));
                    break;
                case NotifyLevel level:
                    effects.Add(Notify(alert, level.IdempotencyKey, NotificationKind.AlertTriggered, level.Targets, level.Channels, at));
                    break;
                case NotifyStatus status:
                    var kind = status.Status == AlertStatus.Resolved ? NotificationKind.AlertResolved : NotificationKind.AlertAcknowledged;
                    effects.Add(Notify(alert, status.IdempotencyKey, kind, status.Targets, status.Channels, at));
                    break;
            }
        }

        return effects;
    }

    /// <param name="caregivers">Whom the <c>caregiver</c> channel reaches, as the decision was given it.</param>
    public static List<WorkflowEffect> For(AdherenceState state, IEnumerable<AdherenceCommand> commands, FollowUpChannels channels, CaregiverReach? caregivers = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(channels);
        var patientId = state.Schedule.PatientId;
        var effects = new List<WorkflowEffect>();
        foreach (var command in commands)
        {
            switch (command)
            {
                case RecordDose dose:
                    var outcome = new DoseOutcome(dose.MedicationId, dose.ScheduledAt, dose.Status, dose.TakenAt);
                    effects.Add(new TimelineEffect(dose.IdempotencyKey, new TimelineRecord(DeterministicId.Create("ad_", dose.IdempotencyKey), patientId,
                        dose.TakenAt ?? dose.ScheduledAt ?? DateTimeOffset.UnixEpoch, TimelineEntryType.Adherence, dose.MedicationId, null, null, null,
                        WorkflowJson.Serialize(outcome))));
                    break;
                case SendFollowUp followUp:
                    effects.Add(new NotifyEffect(followUp.IdempotencyKey, FollowUp(state.Schedule, followUp, channels.Reaching(followUp.Target, caregivers))));
                    break;
                case FollowUpUndeliverable unreachable:
                    effects.AddRange(Undeliverable(state.Schedule, unreachable, channels.For(unreachable.Target)));
                    break;
                case PublishAlertEvent { Event: AlertRaised raised } publish:
                    effects.Add(new TimelineEffect(publish.IdempotencyKey, TimelineRecords.From(raised)));
                    break;
                case PublishAlertEvent { Event: AlertCleared cleared } publish:
                    effects.Add(new TimelineEffect(publish.IdempotencyKey, TimelineRecords.From(cleared)));
                    break;
            }
        }

        return effects;
    }

    /// <summary>A step of an alert's handling as a timeline record; the same step always has the same id.</summary>
    public static TimelineRecord StepRecord(string patientId, RecordStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return StepRecord(patientId, step.IdempotencyKey, step.Type, new AlertStep(step.AlertId, step.Action, step.Actor, step.At, step.Detail));
    }

    public static TimelineRecord StepRecord(string patientId, string key, TimelineEntryType type, AlertStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return new TimelineRecord(DeterministicId.Create("es_", key), patientId, step.At, type, step.AlertId, null, null, null, WorkflowJson.Serialize(step));
    }

    /// <summary>A delivery's outcome as a timeline record: one per notification and channel, whatever the attempts.</summary>
    public static TimelineRecord DeliveryRecord(string patientId, DeliveryOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return new TimelineRecord(DeterministicId.Create("nt_", outcome.Key, outcome.Channel), patientId, outcome.At, TimelineEntryType.Notification,
            outcome.Subject, null, null, null, WorkflowJson.Serialize(outcome));
    }

    private static NotifyEffect Notify(
        AlertRaised alert, string key, NotificationKind kind, IReadOnlyList<EscalationTarget> targets, IReadOnlyList<string> channels, DateTimeOffset at) =>
        new(key, new Notification(key, kind, alert.PatientId, alert.AlertId, alert.Title, alert.Priority, [.. targets.Select(t => t.ToString())], channels, at));

    /// <summary>A follow-up nobody could be told, recorded like a delivery (one record per configured channel) as undeliverable.</summary>
    private static IEnumerable<TimelineEffect> Undeliverable(MedicationSchedule schedule, FollowUpUndeliverable unreachable, IReadOnlyList<string> channels)
    {
        var send = new SendFollowUp(unreachable.IdempotencyKey, unreachable.PatientId, unreachable.MedicationId, unreachable.ScheduledAt, unreachable.Target, unreachable.Kind);
        var notification = FollowUp(schedule, send, channels);
        return (channels.Count == 0 ? ["none"] : channels).Select(channel => new TimelineEffect($"{unreachable.IdempotencyKey}:{channel}", DeliveryRecord(
            unreachable.PatientId, new DeliveryOutcome(notification.Key, notification.Subject, notification.Kind, channel, notification.Recipients,
                DeliveryStatus.Undeliverable, 0, unreachable.At, unreachable.Reason))));
    }

    private static Notification FollowUp(MedicationSchedule schedule, SendFollowUp followUp, IReadOnlyList<string> channels)
    {
        var recipient = followUp.Target switch
        {
            FollowUpTarget.Patient => "patient:" + followUp.PatientId,
            FollowUpTarget.Caregiver => "caregiver:" + followUp.PatientId,
            _ => "role:" + Role.CareCoordinator.Name(),
        };
        var due = followUp.ScheduledAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var kind = followUp.Kind == FollowUpKind.DoseTakenLate ? NotificationKind.DoseTakenLate : NotificationKind.DoseMissed;
        return new Notification(followUp.IdempotencyKey, kind, followUp.PatientId,
            $"{followUp.PatientId}:{followUp.MedicationId}:{Validation.Rfc3339.Format(followUp.ScheduledAt)}",
            $"{followUp.MedicationId} due {due}", followUp.Target == FollowUpTarget.CareCoordinator ? AlertPriority.Medium : AlertPriority.Low,
            [recipient], channels, followUp.ScheduledAt, Dose(schedule, followUp));
    }

    /// <summary>
    /// The dose a follow-up is about. The patient's reminder makes sense until the dose counts as missed (the grace
    /// period's end); news of a missed dose until the medication's next dose (a day at most).
    /// </summary>
    private static NotificationDose Dose(MedicationSchedule schedule, SendFollowUp followUp)
    {
        var respondBy = followUp.Target == FollowUpTarget.Patient && followUp.Kind == FollowUpKind.DoseMissed
            ? schedule.MissedAt(followUp.ScheduledAt)
            : MedicationSchedules.Next(schedule, followUp.ScheduledAt.AddTicks(1)) is { } next && next < followUp.ScheduledAt.AddDays(1)
                ? next
                : followUp.ScheduledAt.AddDays(1);
        return new NotificationDose(followUp.MedicationId, schedule.Kind, followUp.ScheduledAt, followUp.Target, respondBy);
    }
}

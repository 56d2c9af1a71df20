using IoMT.Core.Alerts;
using IoMT.Core.Telemetry;
using IoMT.Core.Workflows;

namespace IoMT.Core.Adherence;

/// <summary>
/// Medication adherence as a pure decider, one instance per patient and medication: scheduled doses open as their
/// time comes, are matched with the doses the devices report, and those not taken get their follow-ups in order
/// (reminder to the patient when the window closes, caregiver when the grace period ends, coordinator after that).
/// A wake-up that comes late (the host was down) sends every follow-up that fell due meanwhile, in order. Rescue
/// inhaler puffs above the schedule's limit in 24 hours open an overuse alert, closed when the count falls back.
/// </summary>
public static class AdherenceDecider
{
    public const string OveruseRuleId = "rescue-inhaler-overuse";
    private const int SeenReadingsKept = 256;
    private static readonly TimeSpan Memory = TimeSpan.FromHours(24);

    /// <param name="followUps">The channels follow-ups use, to tell which targets they reach; null: every target is reachable.</param>
    /// <param name="caregivers">Whom the <c>caregiver</c> channel can reach, from the patient's profile (<see cref="CaregiverReach"/>).</param>
    public static AdherenceDecision Start(MedicationSchedule schedule, DateTimeOffset now, FollowUpChannels? followUps = null, CaregiverReach? caregivers = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var state = new AdherenceState { Schedule = schedule, ScheduledUntil = schedule.EffectiveFrom };
        return Decide(state, new AdherenceTick(now), followUps, caregivers);
    }

    /// <param name="followUps">The channels follow-ups use, to tell which targets they reach; null: every target is reachable.</param>
    /// <param name="caregivers">Whom the <c>caregiver</c> channel can reach, from the patient's profile (<see cref="CaregiverReach"/>).</param>
    public static AdherenceDecision Decide(AdherenceState state, AdherenceInput input, FollowUpChannels? followUps = null, CaregiverReach? caregivers = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(input);
        var commands = new List<AdherenceCommand>();
        var readingId = input switch { DoseInput d => d.Dose.ReadingId, InhalerInput i => i.Actuation.ReadingId, _ => null };
        if (readingId is not null && state.SeenReadings.Contains(readingId))
        {
            return new AdherenceDecision(state, []);
        }

        state = OpenDoses(state, input.At + state.Schedule.EarlyWindow);
        var reach = new Reach(state.Schedule, followUps, caregivers, input.At, commands);
        switch (input)
        {
            case AdherenceTick tick:
                state = FollowUp(state, tick.At, commands, reach);
                break;
            case DoseInput { Dose.Event: DoseEventType.Taken or DoseEventType.Dispensed } dose:
                state = Taken(state, dose.Dose.At, dose.Dose.ScheduledFor, commands, reach);
                break;
            case DoseInput dose:
                state = NotTaken(state, dose.Dose, commands, reach);
                break;
            case InhalerInput { Actuation: var puff } when state.Schedule.Kind == MedicationKind.RescueInhaler:
                state = state with { Puffs = [.. state.Puffs, new RescuePuffs(puff.At, puff.Puffs, puff.ReadingId, puff.ReceivedAt)] };
                break;
            case InhalerInput inhaler:
                state = Taken(state, inhaler.Actuation.At, null, commands, reach);
                break;
        }

        if (readingId is not null)
        {
            state = state with { SeenReadings = [.. state.SeenReadings, readingId] };
        }

        state = Overuse(Forget(state, input.At), input.At, commands);
        return new AdherenceDecision(WakeUp(state, commands), commands);
    }

    /// <summary>
    /// Whether a decision made with <see cref="CaregiverReach.Assumed"/> tells the caregiver through the <c>caregiver</c>
    /// channel: only then does the real fact change it, so a shell that looks the profile up lazily decides again with it.
    /// </summary>
    public static bool AsksCaregiver(AdherenceDecision decision, FollowUpChannels followUps)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(followUps);
        return followUps.Caregiver.Contains(CaregiverReach.Channel, StringComparer.Ordinal)
            && decision.Commands.Any(c => c is SendFollowUp { Target: FollowUpTarget.Caregiver });
    }

    /// <summary>Adds the scheduled doses due before <paramref name="until"/>.</summary>
    private static AdherenceState OpenDoses(AdherenceState state, DateTimeOffset until)
    {
        if (until <= state.ScheduledUntil)
        {
            return state;
        }

        var opened = MedicationSchedules.Occurrences(state.Schedule, state.ScheduledUntil, until).Select(t => new Dose(t));
        return state with { Doses = [.. state.Doses, .. opened], ScheduledUntil = until };
    }

    /// <summary>
    /// Sends the follow-ups that fell due, in order. A level whose target no channel reaches is recorded undeliverable
    /// and the next level takes over at once (with the console alone, the coordinator hears when the window closes).
    /// </summary>
    private static AdherenceState FollowUp(AdherenceState state, DateTimeOffset now, List<AdherenceCommand> commands, Reach reach)
    {
        var schedule = state.Schedule;
        var doses = state.Doses.Select(dose =>
        {
            if (dose.Status is not (DoseStatus.Pending or DoseStatus.Missed))
            {
                return dose;
            }

            var takeOver = false;
            if (dose.FollowUps < 1 && now >= schedule.WindowEnd(dose.ScheduledAt) && now < schedule.MissedAt(dose.ScheduledAt))
            {
                takeOver = !reach.Tell(dose, FollowUpTarget.Patient, FollowUpKind.DoseMissed);
                dose = dose with { FollowUps = 1 };
            }

            if (dose.Status == DoseStatus.Pending && now >= schedule.MissedAt(dose.ScheduledAt))
            {
                commands.Add(Record(schedule, dose.ScheduledAt, DoseStatus.Missed, null));
                dose = dose with { Status = DoseStatus.Missed };
            }

            if (dose.FollowUps < 2 && (takeOver || now >= schedule.MissedAt(dose.ScheduledAt)))
            {
                takeOver = !reach.Tell(dose, FollowUpTarget.Caregiver, FollowUpKind.DoseMissed);
                dose = dose with { FollowUps = 2 };
            }

            if (dose.FollowUps < 3 && (takeOver || now >= schedule.CoordinatorAt(dose.ScheduledAt)))
            {
                reach.Tell(dose, FollowUpTarget.CareCoordinator, FollowUpKind.DoseMissed);
                dose = dose with { FollowUps = 3 };
            }

            return dose;
        }).ToList();
        return state with { Doses = doses };
    }

    /// <summary>
    /// Matches a dose taken at <paramref name="at"/>: the scheduled dose it names, else the earliest open one whose
    /// window (early window to missed) holds it, else the latest missed one of the last 24 hours; otherwise it is extra.
    /// </summary>
    private static AdherenceState Taken(AdherenceState state, DateTimeOffset at, DateTimeOffset? scheduledFor, List<AdherenceCommand> commands, Reach reach)
    {
        var schedule = state.Schedule;
        var open = state.Doses.Where(d => d.Status is DoseStatus.Pending or DoseStatus.Missed).ToList();
        var dose = scheduledFor is { } named
            ? open.FirstOrDefault(d => (d.ScheduledAt - named).Duration() <= TimeSpan.FromMinutes(1))
            : open.FirstOrDefault(d => at >= d.ScheduledAt - schedule.EarlyWindow && at < schedule.MissedAt(d.ScheduledAt))
              ?? open.LastOrDefault(d => d.Status == DoseStatus.Missed && at >= d.ScheduledAt && at < d.ScheduledAt + Memory);
        if (dose is null)
        {
            commands.Add(Record(schedule, null, DoseStatus.Unscheduled, at));
            return state;
        }

        var status = at <= schedule.WindowEnd(dose.ScheduledAt) ? DoseStatus.Taken : DoseStatus.TakenLate;
        commands.Add(Record(schedule, dose.ScheduledAt, status, at));
        foreach (var target in new[] { FollowUpTarget.Caregiver, FollowUpTarget.CareCoordinator }.Take(Math.Max(0, dose.FollowUps - 1)).Where(reach.Reaches))
        {
            commands.Add(Send(schedule, dose, target, FollowUpKind.DoseTakenLate));
        }

        return Replace(state, dose, dose with { Status = status, TakenAt = at });
    }

    /// <summary>A dispenser reported a dose missed or skipped: recorded, and a missed one skips ahead to the caregiver.</summary>
    private static AdherenceState NotTaken(AdherenceState state, DoseReported report, List<AdherenceCommand> commands, Reach reach)
    {
        var schedule = state.Schedule;
        var named = report.ScheduledFor ?? report.At;
        var dose = state.Doses.Where(d => d.Status == DoseStatus.Pending).MinBy(d => (d.ScheduledAt - named).Duration());
        if (dose is null || (dose.ScheduledAt - named).Duration() > schedule.DoseWindow + schedule.GracePeriod)
        {
            return state;
        }

        var status = report.Event == DoseEventType.Skipped ? DoseStatus.Skipped : DoseStatus.Missed;
        commands.Add(Record(schedule, dose.ScheduledAt, status, null));
        var updated = dose with { Status = status };
        if (status == DoseStatus.Missed)
        {
            var reached = reach.Tell(dose, FollowUpTarget.Caregiver, FollowUpKind.DoseMissed);
            if (!reached && dose.FollowUps < 3)
            {
                reach.Tell(dose, FollowUpTarget.CareCoordinator, FollowUpKind.DoseMissed);
            }

            updated = updated with { FollowUps = reached ? Math.Max(2, dose.FollowUps) : 3 };
        }

        return Replace(state, dose, updated);
    }

    private static AdherenceState Overuse(AdherenceState state, DateTimeOffset now, List<AdherenceCommand> commands)
    {
        if (state.Schedule.Kind != MedicationKind.RescueInhaler)
        {
            return state;
        }

        var schedule = state.Schedule;
        var puffs = state.Puffs.Sum(p => p.Puffs);
        if (state.Overuse is null && puffs > schedule.RescuePuffLimit)
        {
            var trigger = state.Puffs[^1];
            var dedup = AlertIds.DedupKey(schedule.PatientId, OveruseRuleId);
            var raised = new AlertRaised(AlertIds.For(dedup, trigger.At), dedup, schedule.PatientId, OveruseRuleId,
                $"Rescue inhaler used {puffs} puffs in 24 h (limit {schedule.RescuePuffLimit})", AlertPriority.Medium, AlertCategory.Adherence,
                AlertDirection.High, trigger.At, trigger.At, puffs, schedule.MedicationId, "{puffs}", trigger.ReadingId, trigger.ReceivedAt,
                schedule.RescuePuffLimit);
            commands.Add(new PublishAlertEvent(raised.EventId, raised));
            return state with { Overuse = raised };
        }

        if (state.Overuse is { } open && puffs <= schedule.RescuePuffLimit)
        {
            var cleared = new AlertCleared(open.AlertId, open.DedupKey, open.PatientId, OveruseRuleId, now, puffs, schedule.MedicationId, "{puffs}",
                state.Puffs.Count > 0 ? state.Puffs[^1].ReadingId : open.ReadingId);
            commands.Add(new PublishAlertEvent(cleared.EventId, cleared));
            return state with { Overuse = null };
        }

        return state;
    }

    /// <summary>Drops puffs and closed doses older than a day, and all but the latest reading ids (ingestion dedupes messages too).</summary>
    private static AdherenceState Forget(AdherenceState state, DateTimeOffset now)
    {
        var since = now - Memory;
        var puffs = state.Puffs.Where(p => p.At > since).ToList();
        return state with
        {
            Doses = [.. state.Doses.Where(d => d.Status is DoseStatus.Pending || d.ScheduledAt > since)],
            Puffs = puffs,
            SeenReadings = [.. state.SeenReadings.TakeLast(SeenReadingsKept)],
        };
    }

    /// <summary>The next instant something is due: a follow-up, the next dose's window closing, or a puff leaving the 24 hours.</summary>
    private static AdherenceState WakeUp(AdherenceState state, List<AdherenceCommand> commands)
    {
        var schedule = state.Schedule;
        var due = new List<DateTimeOffset>();
        foreach (var dose in state.Doses.Where(d => d.Status is DoseStatus.Pending or DoseStatus.Missed && d.FollowUps < 3))
        {
            due.Add(dose.FollowUps switch
            {
                0 => schedule.WindowEnd(dose.ScheduledAt),
                1 => schedule.MissedAt(dose.ScheduledAt),
                _ => schedule.CoordinatorAt(dose.ScheduledAt),
            });
        }

        if (MedicationSchedules.Next(schedule, state.ScheduledUntil) is { } next)
        {
            due.Add(schedule.WindowEnd(next));
        }

        if (state.Overuse is not null && state.Puffs.Count > 0)
        {
            due.Add(state.Puffs.Min(p => p.At) + Memory);
        }

        DateTimeOffset? wake = due.Count > 0 ? due.Min() : null;
        if (wake is { } at && wake != state.WakeAt)
        {
            commands.Add(new ScheduleWakeUp($"{schedule.PatientId}:{schedule.MedicationId}:wake:{Validation.Rfc3339.Format(at)}", at));
        }

        return state with { WakeAt = wake };
    }

    private static AdherenceState Replace(AdherenceState state, Dose old, Dose updated) =>
        state with { Doses = [.. state.Doses.Select(d => d == old ? updated : d)] };

    private static string DoseKey(MedicationSchedule schedule, DateTimeOffset? scheduledAt) =>
        $"{schedule.PatientId}:{schedule.MedicationId}:{(scheduledAt is { } at ? Validation.Rfc3339.Format(at) : "extra")}";

    private static SendFollowUp Send(MedicationSchedule schedule, Dose dose, FollowUpTarget target, FollowUpKind kind) =>
        new($"{DoseKey(schedule, dose.ScheduledAt)}:{kind}:{target}", schedule.PatientId, schedule.MedicationId, dose.ScheduledAt, target, kind);

    /// <summary>Who the follow-up channels reach, and telling them: a follow-up, or its record as undeliverable.</summary>
    private sealed class Reach(MedicationSchedule schedule, FollowUpChannels? channels, CaregiverReach? caregivers, DateTimeOffset now, List<AdherenceCommand> commands)
    {
        public bool Reaches(FollowUpTarget target) => channels is null || channels.Reaching(target, caregivers).Count > 0;

        /// <summary>Sends the follow-up when a channel reaches <paramref name="target"/>; otherwise records it undeliverable and returns false.</summary>
        public bool Tell(Dose dose, FollowUpTarget target, FollowUpKind kind)
        {
            var send = Send(schedule, dose, target, kind);
            if (Reaches(target))
            {
                commands.Add(send);
                return true;
            }

            commands.Add(new FollowUpUndeliverable(send.IdempotencyKey, send.PatientId, send.MedicationId, send.ScheduledAt, target, kind, now,
                channels!.Unreachable(target, caregivers)));
            return false;
        }
    }

    private static RecordDose Record(MedicationSchedule schedule, DateTimeOffset? scheduledAt, DoseStatus status, DateTimeOffset? takenAt) =>
        new($"{DoseKey(schedule, scheduledAt)}:{status}{(scheduledAt is null ? ":" + Validation.Rfc3339.Format(takenAt!.Value) : "")}",
            schedule.PatientId, schedule.MedicationId, scheduledAt, status, takenAt);
}

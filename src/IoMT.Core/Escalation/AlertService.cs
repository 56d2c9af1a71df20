using IoMT.Core.Access;
using IoMT.Core.Alerts;
using IoMT.Core.Api;
using IoMT.Core.Notifications;
using IoMT.Core.Patients;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;

namespace IoMT.Core.Escalation;

/// <summary>One entry of an alert's history: an escalation step, someone's action or note, a notification delivered or not.</summary>
public sealed record AlertHistoryItem(DateTimeOffset At, TimelineEntryType Type, string Action, string Actor, string? Detail);

/// <summary>An alert with its full escalation history, oldest first.</summary>
public sealed record AlertDetail(AlertView Alert, IReadOnlyList<AlertHistoryItem> History);

public sealed record ResolveRequest(string? Note);

/// <summary>Snooze for <see cref="Minutes"/>; <see cref="Reach"/> <c>alert</c> (default), <c>direction</c> or <c>category</c> also silences new alerts of the patient.</summary>
public sealed record SnoozeRequest(int? Minutes, string? Reach);

public sealed record NoteRequest(string? Text);

/// <summary>
/// The alert inbox's rules, the same in every host: clinicians and admins read the alerts of the patients of their care
/// teams; care coordinators, nurses and physicians acknowledge, resolve, snooze and annotate them. Every action is an
/// input to the alert's escalation (which records the step) and an audit entry on the patient's timeline.
/// </summary>
public sealed class AlertService(IAlertWorkflows alerts, IPatientDirectory patients, ITimelineStore timelines, TimeProvider time)
{
    public const int MaxLimit = 500;
    public const int MaxSnoozeMinutes = 24 * 60;
    public const int MaxNoteLength = 2000;

    /// <summary>How many alerts are read before access filtering, so that a page is full whenever enough visible alerts exist.</summary>
    private const int ScanLimit = 5000;

    private static readonly TimelineEntryType[] HistoryTypes =
    [
        TimelineEntryType.Escalation, TimelineEntryType.Acknowledgement, TimelineEntryType.Resolution, TimelineEntryType.Snooze,
        TimelineEntryType.Note, TimelineEntryType.Notification,
    ];

    /// <summary>Lists alerts by <c>status</c> (triggered, acknowledged, snoozed, resolved, open (default) or all), <c>priority</c>, <c>patient</c>, <c>careTeam</c>.</summary>
    public async Task<ApiResult<IReadOnlyList<AlertView>>> ListAsync(
        Caller caller, string? status, string? priority, string? patientId, string? careTeam, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!CanRead(caller))
        {
            return ApiError.Forbid("Only admins, care coordinators, nurses and physicians read alerts.");
        }

        if (!TryParseStatuses(status, out var statuses))
        {
            return ApiError.InvalidParameter("status", "'status' must be triggered, acknowledged, snoozed, resolved, open or all.");
        }

        AlertPriority? wanted = null;
        if (priority is not null)
        {
            if (!EnumNames.TryParse<AlertPriority>(priority, out var parsed))
            {
                return ApiError.InvalidParameter("priority", "'priority' must be low, medium or high.");
            }

            wanted = parsed;
        }

        if (limit is < 1 or > MaxLimit)
        {
            return ApiError.InvalidParameter("limit", $"'limit' must be 1–{MaxLimit}.");
        }

        var filter = new AlertFilter(statuses, wanted, patientId is null ? null : [patientId]);
        var found = await alerts.ListAsync(filter, ScanLimit, cancellationToken).ConfigureAwait(false);
        var visible = new List<AlertView>();
        var readable = new ReadablePatients(patients, caller);
        foreach (var alert in found)
        {
            var patient = await readable.FindAsync(alert.PatientId, cancellationToken).ConfigureAwait(false);
            if (patient is not null && (careTeam is null || patient.CareTeams.Contains(careTeam)))
            {
                visible.Add(alert);
                if (visible.Count == limit)
                {
                    break;
                }
            }
        }

        return visible;
    }

    public async Task<ApiResult<AlertDetail>> GetAsync(Caller caller, string alertId, CancellationToken cancellationToken = default)
    {
        var (alert, error) = await FindAsync(caller, alertId, act: false, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var history = new List<AlertHistoryItem>();
        var from = alert!.OnsetAt < alert.RaisedAt ? alert.OnsetAt : alert.RaisedAt;
        var query = new TimelineQuery(alert.PatientId, from, time.GetUtcNow().AddDays(1), HistoryTypes, [alert.AlertId], TimelineQuery.MaxPageSize);
        await foreach (var record in timelines.ReadAllAsync(query, cancellationToken).ConfigureAwait(false))
        {
            history.Add(ToHistory(record));
        }

        return new AlertDetail(alert, history);
    }

    public Task<ApiResult<AlertView>> AcknowledgeAsync(Caller caller, string alertId, CancellationToken cancellationToken = default) =>
        ActAsync(caller, alertId, "alert.acknowledge", null, now => new AcknowledgeAlert(caller.Id, now), cancellationToken);

    public Task<ApiResult<AlertView>> ResolveAsync(Caller caller, string alertId, ResolveRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Note is { Length: > MaxNoteLength }
            ? Task.FromResult<ApiResult<AlertView>>(ApiError.InvalidBody("/note", $"A note has at most {MaxNoteLength} characters."))
            : ActAsync(caller, alertId, "alert.resolve", null, now => new ResolveAlert(caller.Id, now, request.Note), cancellationToken);
    }

    public Task<ApiResult<AlertView>> SnoozeAsync(Caller caller, string alertId, SnoozeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Minutes is not (>= 1 and <= MaxSnoozeMinutes))
        {
            return Task.FromResult<ApiResult<AlertView>>(ApiError.InvalidBody("/minutes", $"Snooze for 1–{MaxSnoozeMinutes} minutes."));
        }

        var reach = request.Reach ?? "alert";
        if (!EnumNames.TryParse<SnoozeReach>(reach, out var parsed))
        {
            return Task.FromResult<ApiResult<AlertView>>(ApiError.InvalidBody("/reach", "'reach' must be alert, direction or category."));
        }

        return ActAsync(caller, alertId, "alert.snooze", $"{request.Minutes} min, reach {reach.ToLowerInvariant()}",
            now => new SnoozeAlert(caller.Id, now, now.AddMinutes(request.Minutes.Value), parsed), cancellationToken);
    }

    /// <summary>Adds a note to the alert's history (also after it was resolved).</summary>
    public async Task<ApiResult<AlertView>> AddNoteAsync(Caller caller, string alertId, NoteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Text) || request.Text.Length > MaxNoteLength)
        {
            return ApiError.InvalidBody("/text", $"A note is 1–{MaxNoteLength} characters.");
        }

        var (alert, error) = await FindAsync(caller, alertId, act: true, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var now = time.GetUtcNow();
        var key = DeterministicId.Create("note", alertId, caller.Id, now.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var note = WorkflowEffects.StepRecord(alert!.PatientId, key, TimelineEntryType.Note, new AlertStep(alertId, "note", caller.Id, now, request.Text));
        await timelines.AppendAsync(key, [note, Audit(caller, alert, "alert.note", now, null)], cancellationToken).ConfigureAwait(false);
        return alert;
    }

    private async Task<ApiResult<AlertView>> ActAsync(
        Caller caller, string alertId, string action, string? detail, Func<DateTimeOffset, EscalationInput> input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var (alert, error) = await FindAsync(caller, alertId, act: true, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        if (alert!.Status == AlertStatus.Resolved)
        {
            return Resolved(alert);
        }

        var now = time.GetUtcNow();
        var outcome = await alerts.SendAsync(alertId, input(now), cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case DecisionOutcome.AlreadyResolved:
                return Resolved(alert);
            case DecisionOutcome.Invalid:
                return ApiError.InvalidBody("", "The alert's escalation refused this action.");
        }

        var audit = Audit(caller, alert, action, now, detail);
        await timelines.AppendAsync(audit.Id, [audit], cancellationToken).ConfigureAwait(false);
        return await alerts.FindAsync(alertId, cancellationToken).ConfigureAwait(false) ?? alert;
    }

    private async Task<(AlertView? Alert, ApiError? Error)> FindAsync(Caller caller, string alertId, bool act, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (act ? !caller.Roles.Any(r => r.IsClinical()) : !CanRead(caller))
        {
            return (null, ApiError.Forbid(act
                ? "Only care coordinators, nurses and physicians act on alerts."
                : "Only admins, care coordinators, nurses and physicians read alerts."));
        }

        var alert = string.IsNullOrEmpty(alertId) || alertId.Length > 512 ? null : await alerts.FindAsync(alertId, cancellationToken).ConfigureAwait(false);
        var patient = alert is null ? null : await patients.FindAsync(alert.PatientId, cancellationToken).ConfigureAwait(false);
        return patient is not null && AccessRules.CanReadPatient(caller, patient) ? (alert, null) : (null, ApiError.NoSuchAlert(alertId));
    }

    private static bool CanRead(Caller caller) => caller.Has(Role.Admin) || caller.Roles.Any(r => r.IsClinical());

    private static ApiError Resolved(AlertView alert) =>
        new(409, ApiError.AlertResolved, $"Alert '{alert.AlertId}' was resolved{(alert.ResolvedBy is null ? "" : " by " + alert.ResolvedBy)}; add a note instead.");

    private static TimelineRecord Audit(Caller caller, AlertView alert, string action, DateTimeOffset at, string? detail) =>
        TimelineRecords.From(new AuditEntry(alert.PatientId, at, caller.Id, action, detail is null ? alert.AlertId : $"{alert.AlertId}: {detail}"));

    private static AlertHistoryItem ToHistory(TimelineRecord record)
    {
        if (record.Type == TimelineEntryType.Notification)
        {
            var delivery = WorkflowJson.Deserialize<DeliveryOutcome>(record.Data);
            var detail = $"{delivery.Kind} by {delivery.Channel} to {string.Join(", ", delivery.Recipients)}, {delivery.Attempts} attempt(s)"
                + (delivery.Error is null ? "" : ": " + delivery.Error);
            return new AlertHistoryItem(record.At, record.Type, "notification-" + delivery.Status.ToString().ToLowerInvariant(), EscalationDecider.SystemActor, detail);
        }

        var step = WorkflowJson.Deserialize<AlertStep>(record.Data);
        return new AlertHistoryItem(record.At, record.Type, step.Action, step.Actor, step.Detail);
    }

    private static bool TryParseStatuses(string? status, out IReadOnlyCollection<AlertStatus>? statuses)
    {
        statuses = status switch
        {
            null or "open" => AlertFilter.Open,
            "all" => Enum.GetValues<AlertStatus>(),
            "triggered" => [AlertStatus.Triggered],
            "acknowledged" => [AlertStatus.Acknowledged],
            "snoozed" => [AlertStatus.Snoozed],
            "resolved" => [AlertStatus.Resolved],
            _ => null,
        };
        return statuses is not null;
    }
}

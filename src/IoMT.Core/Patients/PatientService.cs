using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Timeline;

namespace IoMT.Core.Patients;

/// <summary>
/// Patients in the directory: admins create them, with their care teams and profile; clinicians read their own. The
/// profile (identity, location, contacts) reaches only callers who may read the patient; nothing of it is logged. Each
/// change is audited on the patient's timeline: who, when, and which parts changed (their names, never their contents).
/// </summary>
public sealed class PatientService(IPatientDirectory patients, ITimelineStore timelines, TimeProvider time)
{
    public const string AuditAction = "patient.profile";

    /// <summary>The earliest time zone (UTC+14) starts a day this much before UTC: a birth there today is not in the future.</summary>
    private static readonly TimeSpan EarliestOffset = TimeSpan.FromHours(14);

    public async Task<ApiResult<PatientRecord>> SaveAsync(Caller caller, string patientId, PatientRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!caller.Has(Role.Admin))
        {
            return ApiError.Forbid("Only admins create patients and assign their care teams.");
        }

        if (!Identifiers.IsValid(patientId))
        {
            return ApiError.InvalidParameter("id", $"A patient id is 1–{Identifiers.MaxLength} letters, digits, '-', '_' or '.'.");
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime + EarliestOffset);
        var patient = PatientProfileRules.ToRecord(patientId, request, today);
        if (!patient.IsSuccess)
        {
            return patient;
        }

        var stored = await patients.FindAsync(patientId, cancellationToken).ConfigureAwait(false);
        var record = KeepStoredWebhooks(patient.Value!, stored);
        if (!record.IsSuccess)
        {
            return record;
        }

        await patients.SaveAsync(record.Value!, cancellationToken).ConfigureAwait(false);
        if (Changes(stored, record.Value!) is { } changes)
        {
            // After the save: a crash in between loses one audit line, never a change the audit claims.
            var audit = TimelineRecords.From(new AuditEntry(patientId, time.GetUtcNow(), caller.Id, AuditAction, changes));
            await timelines.AppendAsync(audit.Id, [audit], cancellationToken).ConfigureAwait(false);
        }

        return record.Value!.Shown();
    }

    /// <summary>"created", or the names of the parts that changed ("careTeams, contacts"); null when nothing did.</summary>
    private static string? Changes(PatientRecord? before, PatientRecord after)
    {
        if (before is null)
        {
            return "created";
        }

        var changed = before.ChangedParts(after).ToList();
        return changed.Count > 0 ? "changed " + string.Join(", ", changed) : null;
    }

    public async Task<ApiResult<PatientRecord>> GetAsync(Caller caller, string patientId, CancellationToken cancellationToken = default)
    {
        var (patient, error) = await patients.FindReadableAsync(caller, patientId, cancellationToken).ConfigureAwait(false);
        return error is null ? patient!.Shown() : error;
    }

    /// <summary>
    /// A webhook sent back as shown (a record read, edited and saved) stands for the one stored for a contact of the same
    /// name whose webhook shows so; one that stands for no stored webhook is refused, so that it is never called.
    /// </summary>
    private static ApiResult<PatientRecord> KeepStoredWebhooks(PatientRecord patient, PatientRecord? stored)
    {
        var contacts = new List<PatientContact>(patient.Contacts.Count);
        for (var i = 0; i < patient.Contacts.Count; i++)
        {
            var contact = patient.Contacts[i];
            if (contact.Webhook is { } webhook && ContactChannels.IsShownWebhook(webhook))
            {
                var kept = stored?.Contacts.FirstOrDefault(c => c.Name == contact.Name && c.Webhook is { } url && ContactChannels.ShownWebhook(url) == webhook)?.Webhook;
                if (kept is null)
                {
                    return ApiError.InvalidBody($"/contacts/{i}/webhook",
                        "The webhook is shown as '…' for one already stored, and this contact has none stored like it: give the whole URL.");
                }

                contact = contact with { Webhook = kept };
            }

            contacts.Add(contact);
        }

        return patient with { Contacts = contacts };
    }
}

using System.Text;

namespace IoMT.Core.Patients;

/// <summary>
/// A patient as the directory knows them: their id, the care teams that look after them and their profile (identity,
/// where they are, who to contact). The profile is protected health information: only roles that may see identities get it.
/// </summary>
public sealed record PatientRecord(string Id, IReadOnlyList<string> CareTeams)
{
    /// <summary>The name clinicians call the patient by, e.g. "Ada Lovelace".</summary>
    public string? DisplayName { get; init; }

    public DateOnly? BirthDate { get; init; }

    /// <summary>Business identifiers, e.g. the hospital's medical record number under its system URI.</summary>
    public IReadOnlyList<PatientIdentifier> Identifiers { get; init; } = [];

    /// <summary>Where the patient is: a ward, room and bed, or home; null when not known.</summary>
    public PatientLocation? Location { get; init; }

    /// <summary>Caregivers and other contacts, with how to reach them.</summary>
    public IReadOnlyList<PatientContact> Contacts { get; init; } = [];

    /// <summary>Equal when every member is, lists item by item.</summary>
    public bool Equals(PatientRecord? other) => other is not null && Id == other.Id && !ChangedParts(other).Any();

    /// <summary>The names of the members, the id aside, in which <paramref name="other"/> differs from this record (lists item by item).</summary>
    public IEnumerable<string> ChangedParts(PatientRecord other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!CareTeams.SequenceEqual(other.CareTeams))
        {
            yield return "careTeams";
        }

        if (DisplayName != other.DisplayName)
        {
            yield return "displayName";
        }

        if (BirthDate != other.BirthDate)
        {
            yield return "birthDate";
        }

        if (!Identifiers.SequenceEqual(other.Identifiers))
        {
            yield return "identifiers";
        }

        if (Location != other.Location)
        {
            yield return "location";
        }

        if (!Contacts.SequenceEqual(other.Contacts))
        {
            yield return "contacts";
        }
    }

    public override int GetHashCode() => HashCode.Combine(Id, DisplayName, BirthDate);

    /// <summary>
    /// The record as callers see it: each webhook as <see cref="ContactChannels.ShownWebhook"/> shows it, since receivers
    /// put their secret in its path or query; the stored one is used only to send.
    /// </summary>
    public PatientRecord Shown() => Contacts.Any(c => c.Webhook is not null)
        ? this with { Contacts = [.. Contacts.Select(c => c.Webhook is { } url ? c with { Webhook = ContactChannels.ShownWebhook(url) } : c)] }
        : this;

    /// <summary>The id and care teams only: a record written to a log must not carry the profile.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Id = ").Append(Id).Append(", CareTeams = [").AppendJoin(", ", CareTeams).Append(']');
        return true;
    }
}

/// <summary>A business identifier: <see cref="System"/> is the namespace URI (e.g. the hospital's MRN system), <see cref="Value"/> the id in it.</summary>
public sealed record PatientIdentifier(string System, string Value)
{
    /// <summary>The identifier's type code from HL7's v2-0203 table, e.g. <c>MR</c> (medical record number); optional.</summary>
    public string? Type { get; init; }

    /// <summary>Its type only: contents are protected health information and must not reach a log.</summary>
    public override string ToString() => "PatientIdentifier { }";
}

/// <summary>Where a patient is: on a ward (room and bed optional) or at home.</summary>
public sealed record PatientLocation
{
    /// <summary>True for a patient monitored at home; then ward, room and bed are null.</summary>
    public bool Home { get; init; }

    public string? Ward { get; init; }

    public string? Room { get; init; }

    public string? Bed { get; init; }

    /// <summary>Its type only: contents are protected health information and must not reach a log.</summary>
    public override string ToString() => "PatientLocation { }";
}

/// <summary>Someone to contact about the patient; a <see cref="Caregiver"/> is told of missed doses through the channels given here.</summary>
public sealed record PatientContact(string Name, string Relation)
{
    public bool Caregiver { get; init; }

    public string? Email { get; init; }

    /// <summary>A phone number for SMS, in E.164 form (+ and digits).</summary>
    public string? Sms { get; init; }

    /// <summary>An https URL that receives the notification as JSON.</summary>
    public string? Webhook { get; init; }

    /// <summary>Its type only: contents are protected health information and must not reach a log.</summary>
    public override string ToString() => "PatientContact { }";
}

/// <summary>Patients and the care teams that look after them.</summary>
public interface IPatientDirectory
{
    Task<PatientRecord?> FindAsync(string patientId, CancellationToken cancellationToken = default);

    /// <summary>Creates the patient, or replaces their care teams and profile.</summary>
    Task SaveAsync(PatientRecord patient, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> patients in id order: of any of <paramref name="careTeams"/>, or all when it is null.</summary>
    Task<IReadOnlyList<PatientRecord>> ListAsync(IReadOnlyCollection<string>? careTeams, int limit, CancellationToken cancellationToken = default);
}

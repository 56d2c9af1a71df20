namespace IoMT.Core.Patients;

/// <summary>
/// What an admin says about a patient (<c>PUT /patients/{id}</c>): the care teams that look after them and, optionally,
/// their profile. The request replaces the whole record; members left out are cleared.
/// </summary>
public sealed record PatientRequest(IReadOnlyList<string?>? CareTeams)
{
    public string? DisplayName { get; init; }

    /// <summary>An ISO 8601 calendar date, <c>yyyy-MM-dd</c>.</summary>
    public string? BirthDate { get; init; }

    public IReadOnlyList<IdentifierRequest?>? Identifiers { get; init; }

    public LocationRequest? Location { get; init; }

    public IReadOnlyList<ContactRequest?>? Contacts { get; init; }
}

/// <summary>A business identifier as sent: <c>system</c> (absolute URI), <c>value</c> and, optionally, its v2-0203 <c>type</c> (e.g. <c>MR</c>).</summary>
public sealed record IdentifierRequest(string? System, string? Value, string? Type = null);

/// <summary>Where the patient is, as sent: <c>{"home": true}</c>, or a <c>ward</c> with an optional <c>room</c> and <c>bed</c>.</summary>
public sealed record LocationRequest(bool? Home = null, string? Ward = null, string? Room = null, string? Bed = null);

/// <summary>A contact as sent; a <c>caregiver</c> needs at least one of <c>email</c>, <c>sms</c> and <c>webhook</c>.</summary>
public sealed record ContactRequest(string? Name, string? Relation, bool? Caregiver = null, string? Email = null, string? Sms = null, string? Webhook = null);

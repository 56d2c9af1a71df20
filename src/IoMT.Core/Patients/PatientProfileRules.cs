using System.Globalization;
using IoMT.Core.Api;

namespace IoMT.Core.Patients;

/// <summary>
/// Turns a <see cref="PatientRequest"/> into the record to store, or names the first member at fault by its JSON pointer.
/// Texts are trimmed; messages never quote what was sent, since it is protected health information.
/// </summary>
public static class PatientProfileRules
{
    public const int MaxDisplayName = 200;
    public const int MaxIdentifiers = 20;
    public const int MaxIdentifierSystem = 256;
    public const int MaxIdentifierValue = 100;
    public const int MaxLocationPart = 64;
    public const int MaxContacts = 20;
    public const int MaxContactName = 200;
    public const int MaxRelation = 64;
    public const int MaxEmail = 254;
    public const int MaxWebhook = 2048;
    public static readonly DateOnly EarliestBirthDate = new(1900, 1, 1);

    /// <param name="patientId">A valid patient id.</param>
    /// <param name="request">What was sent.</param>
    /// <param name="today">The latest birth date accepted: today where the day began first.</param>
    public static ApiResult<PatientRecord> ToRecord(string patientId, PatientRequest request, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(request);
        var careTeams = request.CareTeams ?? [];
        for (var i = 0; i < careTeams.Count; i++)
        {
            if (!Identifiers.IsValid(careTeams[i]))
            {
                return ApiError.InvalidBody($"/careTeams/{i}", $"A care team id is 1–{Identifiers.MaxLength} letters, digits, '-', '_' or '.'.");
            }
        }

        ApiError? error = null;
        var displayName = Text(request.DisplayName, "/displayName", "The display name", MaxDisplayName, ref error);
        var birthDate = ReadBirthDate(request.BirthDate, today, ref error);
        var identifiers = ReadIdentifiers(request.Identifiers, ref error);
        var location = ReadLocation(request.Location, ref error);
        var contacts = ReadContacts(request.Contacts, ref error);
        if (error is not null)
        {
            return error;
        }

        return new PatientRecord(patientId, [.. careTeams.Select(t => t!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)])
        {
            DisplayName = displayName,
            BirthDate = birthDate,
            Identifiers = identifiers,
            Location = location,
            Contacts = contacts,
        };
    }

    private static DateOnly? ReadBirthDate(string? text, DateOnly today, ref ApiError? error)
    {
        if (text is null || error is not null)
        {
            return null;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            error = ApiError.InvalidBody("/birthDate", "The birth date is an ISO 8601 date, yyyy-MM-dd.");
        }
        else if (date < EarliestBirthDate || date > today)
        {
            error = ApiError.InvalidBody("/birthDate", $"The birth date lies between {EarliestBirthDate:yyyy-MM-dd} and today.");
        }

        return date;
    }

    private static List<PatientIdentifier> ReadIdentifiers(IReadOnlyList<IdentifierRequest?>? sent, ref ApiError? error)
    {
        var identifiers = new List<PatientIdentifier>();
        if (sent is null || error is not null)
        {
            return identifiers;
        }

        if (sent.Count > MaxIdentifiers)
        {
            error = ApiError.InvalidBody("/identifiers", $"At most {MaxIdentifiers} identifiers.");
        }

        for (var i = 0; i < sent.Count && error is null; i++)
        {
            var at = $"/identifiers/{i}";
            if (sent[i] is not { } identifier)
            {
                error = ApiError.InvalidBody(at, "An identifier is an object with a system and a value.");
                break;
            }

            var system = Text(identifier.System, at + "/system", "The identifier's system", MaxIdentifierSystem, ref error, required: true);
            error ??= Uri.TryCreate(system, UriKind.Absolute, out _) ? null
                : ApiError.InvalidBody(at + "/system", "The identifier's system is an absolute URI, e.g. https://hospital.example/mrn.");
            var value = Text(identifier.Value, at + "/value", "The identifier's value", MaxIdentifierValue, ref error, required: true);
            error ??= identifier.Type is null || IdentifierTypes.DisplayOf(identifier.Type) is not null ? null
                : ApiError.InvalidBody(at + "/type", $"The identifier's type is one of the HL7 v2-0203 codes {string.Join(", ", IdentifierTypes.Codes)}.");
            error ??= identifiers.Any(known => known.System == system && known.Value == value) ? ApiError.InvalidBody(at, "The same system and value appear twice.") : null;
            identifiers.Add(new PatientIdentifier(system!, value!) { Type = identifier.Type });
        }

        return identifiers;
    }

    private static PatientLocation? ReadLocation(LocationRequest? sent, ref ApiError? error)
    {
        if (sent is null || error is not null)
        {
            return null;
        }

        if (sent.Home == true)
        {
            error = sent.Ward is null && sent.Room is null && sent.Bed is null ? null : ApiError.InvalidBody("/location", "A patient at home has no ward, room or bed.");
            return new PatientLocation { Home = true };
        }

        if (sent.Ward is null)
        {
            error = ApiError.InvalidBody("/location/ward", "A location is {\"home\": true} or a ward (with a room and a bed when known).");
            return null;
        }

        return new PatientLocation
        {
            Ward = Text(sent.Ward, "/location/ward", "The ward", MaxLocationPart, ref error),
            Room = Text(sent.Room, "/location/room", "The room", MaxLocationPart, ref error),
            Bed = Text(sent.Bed, "/location/bed", "The bed", MaxLocationPart, ref error),
        };
    }

    private static List<PatientContact> ReadContacts(IReadOnlyList<ContactRequest?>? sent, ref ApiError? error)
    {
        var contacts = new List<PatientContact>();
        if (sent is null || error is not null)
        {
            return contacts;
        }

        if (sent.Count > MaxContacts)
        {
            error = ApiError.InvalidBody("/contacts", $"At most {MaxContacts} contacts.");
        }

        for (var i = 0; i < sent.Count && error is null; i++)
        {
            var at = $"/contacts/{i}";
            if (sent[i] is not { } contact)
            {
                error = ApiError.InvalidBody(at, "A contact is an object with a name and a relation.");
                break;
            }

            var name = Text(contact.Name, at + "/name", "The contact's name", MaxContactName, ref error, required: true);
            var relation = Text(contact.Relation, at + "/relation", "The relation", MaxRelation, ref error, required: true);
            var email = Text(contact.Email, at + "/email", "The e-mail address", MaxEmail, ref error);
            error ??= email is null || ContactChannels.IsEmail(email) ? null : ApiError.InvalidBody(at + "/email", "The e-mail address looks like name@example.org.");
            var sms = contact.Sms?.Trim();
            error ??= sms is null || ContactChannels.IsE164(sms) ? null
                : ApiError.InvalidBody(at + "/sms", "The SMS number is in E.164 form: '+', the country code and the number, 15 digits at most.");
            var webhook = Text(contact.Webhook, at + "/webhook", "The webhook", MaxWebhook, ref error);
            error ??= webhook is null || ContactChannels.IsWebhook(webhook) ? null
                : ApiError.InvalidBody(at + "/webhook", "The webhook is an absolute https URL without a user name or password.");
            error ??= contact.Caregiver != true || email is not null || sms is not null || webhook is not null ? null
                : ApiError.InvalidBody(at, "A caregiver needs an email, sms or webhook to be reached by.");
            contacts.Add(new PatientContact(name!, relation!) { Caregiver = contact.Caregiver == true, Email = email, Sms = sms, Webhook = webhook });
        }

        return contacts;
    }

    /// <summary>
    /// The trimmed text, which must be 1–<paramref name="max"/> characters without control characters; null stays null
    /// unless required. The first fault found is kept in <paramref name="error"/>.
    /// </summary>
    private static string? Text(string? sent, string pointer, string what, int max, ref ApiError? error, bool required = false)
    {
        var text = sent?.Trim();
        if (error is not null)
        {
            return text;
        }

        if (text is null)
        {
            error = required ? ApiError.InvalidBody(pointer, $"{what} is required.") : null;
        }
        else if (text.Length is 0 || text.Length > max || text.Any(char.IsControl))
        {
            error = ApiError.InvalidBody(pointer, $"{what} is 1–{max} characters, without control characters.");
        }

        return text;
    }
}

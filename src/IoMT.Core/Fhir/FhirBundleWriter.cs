using System.Globalization;
using System.Text.Json;
using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Patients;
using IoMT.Core.Timeline;

namespace IoMT.Core.Fhir;

/// <summary>
/// Writes one patient's timeline as a FHIR R4 Bundle of type <c>collection</c>, entry by entry as records arrive, so
/// a year of one-second readings streams in constant memory. Alert episodes (a raise and its clear may be pages apart)
/// and devices are few; they are gathered and written at the end. An alert's notifications and answers follow its raise.
/// </summary>
public sealed class FhirBundleWriter
{
    private readonly Utf8JsonWriter _json;
    private readonly PatientRecord _patient;
    private readonly string _patientId;
    private readonly DateTimeOffset _from;

    /// <summary>The devices seen, and whether each sent CGM readings.</summary>
    private readonly SortedDictionary<string, bool> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Episode> _alerts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Doses written as not done, by medication and scheduled minute: the dispenser's report and the schedule's verdict are one dose.</summary>
    private readonly HashSet<(string Medication, long Minute)> _notDone = [];

    /// <param name="json">Where the bundle goes.</param>
    /// <param name="patient">Whose timeline it holds: their profile (identity, contacts) is written as it is given.</param>
    /// <param name="from">Where the exported range starts: readings from then on are in the bundle, earlier ones are referenced by identifier.</param>
    public FhirBundleWriter(Utf8JsonWriter json, PatientRecord patient, DateTimeOffset from)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(patient);
        _json = json;
        _patient = patient;
        _patientId = patient.Id;
        _from = from;
    }

    /// <summary>How many resources of each type were written.</summary>
    public IReadOnlyDictionary<string, int> Counts => _counts;

    /// <summary>The devices of the readings added so far.</summary>
    public IReadOnlyCollection<string> DeviceIds => _devices.Keys;

    /// <summary>Opens the bundle and writes the Patient and RelatedPerson entries. <paramref name="exportedAt"/> becomes Bundle.timestamp.</summary>
    public void WriteStart(DateTimeOffset exportedAt)
    {
        _json.WriteStartObject();
        _json.WriteString("resourceType", "Bundle");
        _json.WriteString("id", FhirIds.Uuid("Bundle", $"{_patientId}|{exportedAt.UtcTicks}"));
        _json.WriteString("type", "collection");
        _json.WriteString("timestamp", Validation.Rfc3339.Format(exportedAt));
        _json.WriteStartArray("entry");
        WriteEntry(FhirResources.Patient(_patient));
        foreach (var contact in FhirResources.RelatedPersons(_patient))
        {
            WriteEntry(contact);
        }
    }

    /// <summary>Adds one timeline record of the patient; entry types without a FHIR form (quarantine, audit…) are skipped.</summary>
    public void Add(TimelineRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        switch (record.Type)
        {
            case TimelineEntryType.Reading:
                var resource = FhirResources.Reading(record);
                if (record.DeviceId is { } device)
                {
                    _devices[device] = _devices.GetValueOrDefault(device) || resource is FhirObservation { Meta.Profile: [FhirResources.CgmSensorReadingProfile] };
                }

                if (IsFirstReportOfItsDose(resource))
                {
                    WriteEntry(resource);
                }

                break;
            case TimelineEntryType.Adherence:
                if (FhirResources.ClosedDose(record) is { } missed && IsFirstReportOfItsDose(missed))
                {
                    WriteEntry(missed);
                }

                break;
            case TimelineEntryType.News2:
                WriteEntry(FhirResources.News2(record, _from));
                break;
            case TimelineEntryType.AlertRaised:
                var raised = TimelineJson.Deserialize<AlertRaised>(record.Data);
                _alerts[raised.AlertId] = EpisodeOf(raised.AlertId) with { Raised = raised };
                break;
            case TimelineEntryType.AlertRegraded:
                AddRegrade(TimelineJson.Deserialize<AlertRegraded>(record.Data));
                break;
            case TimelineEntryType.AlertCleared:
                var cleared = TimelineJson.Deserialize<AlertCleared>(record.Data);
                _alerts[cleared.AlertId] = EpisodeOf(cleared.AlertId) with { Cleared = cleared };
                break;
            case TimelineEntryType.Notification when _alerts.ContainsKey(record.Code):
                WriteEntry(FhirCommunications.Delivery(record, Flag(record.Code)));
                break;
            case TimelineEntryType.Acknowledgement or TimelineEntryType.Resolution:
                WriteEntry(FhirCommunications.Answer(record, Flag(record.Code)));
                break;
        }
    }

    /// <summary>
    /// Notes an alert entry from before the exported range, in time order: an episode raised (or regraded) earlier and
    /// not cleared by the range's start was open during the range, so it gets a Flag too, at the highest grade it reached.
    /// </summary>
    public void AddEarlier(TimelineRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Type == TimelineEntryType.AlertRaised)
        {
            var raised = TimelineJson.Deserialize<AlertRaised>(record.Data);
            _alerts[raised.AlertId] = new(raised, null, null);
        }
        else if (record.Type == TimelineEntryType.AlertRegraded)
        {
            AddRegrade(TimelineJson.Deserialize<AlertRegraded>(record.Data));
        }
        else if (record.Type == TimelineEntryType.AlertCleared)
        {
            _alerts.Remove(TimelineJson.Deserialize<AlertCleared>(record.Data).AlertId);
        }
    }

    /// <summary>Writes the alert Flags and the Devices seen (described from <paramref name="registered"/>), and closes the bundle.</summary>
    public void WriteEnd(IReadOnlyCollection<DeviceRecord> registered)
    {
        ArgumentNullException.ThrowIfNull(registered);
        foreach (var (_, (raised, highest, cleared)) in _alerts.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            WriteEntry(FhirResources.Flag(_patientId, raised, highest, cleared));
        }

        var byId = registered.ToDictionary(d => d.Id, StringComparer.Ordinal);
        foreach (var (device, sentCgm) in _devices)
        {
            WriteEntry(FhirResources.Device(device, byId.GetValueOrDefault(device), sentCgm));
        }

        _json.WriteEndArray();
        _json.WriteEndObject();
    }

    private Episode EpisodeOf(string alertId) => _alerts.GetValueOrDefault(alertId) ?? new(null, null, null);

    /// <summary>Keeps the episode's highest regrade; records arrive in time order, so the first to reach a grade stays.</summary>
    private void AddRegrade(AlertRegraded regraded)
    {
        var episode = EpisodeOf(regraded.AlertId);
        if (episode.Highest is null || regraded.Priority > episode.Highest.Priority)
        {
            _alerts[regraded.AlertId] = episode with { Highest = regraded };
        }
    }

    /// <summary>An alert's Flag: in the bundle when its episode is (raised in the range or open at its start), else by the alert's id.</summary>
    private FhirReference Flag(string alertId) => _alerts.ContainsKey(alertId)
        ? new(FhirIds.FullUrl(FhirIds.Uuid("Flag", alertId)))
        : new(null, new FhirIdentifier(FhirIds.AlertIdSystem, alertId)) { Type = "Flag" };

    private bool IsFirstReportOfItsDose(FhirResource resource) =>
        resource is not FhirMedicationAdministration { Status: "not-done", Contained: [{ DosageInstruction: [{ Timing.Event: [var due] }] }] } administration
        || _notDone.Add((administration.MedicationCodeableConcept.Text!, DateTimeOffset.Parse(due, CultureInfo.InvariantCulture).UtcTicks / TimeSpan.TicksPerMinute));

    /// <summary>What the export knows of an alert episode: its raise, its highest regrade and its clear, any of them possibly outside the range.</summary>
    private sealed record Episode(AlertRaised? Raised, AlertRegraded? Highest, AlertCleared? Cleared);

    private void WriteEntry(FhirResource resource)
    {
        _json.WriteStartObject();
        _json.WriteString("fullUrl", FhirIds.FullUrl(resource.Id));
        _json.WritePropertyName("resource");
        JsonSerializer.Serialize(_json, resource, resource.GetType(), FhirJson.Default);
        _json.WriteEndObject();
        _counts[resource.ResourceType] = _counts.GetValueOrDefault(resource.ResourceType) + 1;
    }
}

using System.IO.Pipelines;
using System.Text.Json;
using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Devices;
using IoMT.Core.Patients;
using IoMT.Core.Timeline;
using IoMT.Core.Validation;

namespace IoMT.Core.Fhir;

/// <summary>
/// <c>GET /patients/{id}/fhir?from&amp;to</c>: which patient and which half-open interval [From, To). Without
/// <c>to</c> the export ends now; without <c>from</c> it covers the 24 hours before <c>to</c>.
/// </summary>
public sealed record FhirExportRequest(string PatientId, DateTimeOffset From, DateTimeOffset To)
{
    public static readonly TimeSpan DefaultSpan = TimeSpan.FromHours(24);

    public static (FhirExportRequest? Request, ApiError? Error) Parse(string patientId, string? from, string? to, DateTimeOffset now)
    {
        var end = now;
        if (to is not null && !TryParseInstant(to, out end))
        {
            return (null, ApiError.InvalidParameter("to", Rfc3339.Message("to")));
        }

        DateTimeOffset start;
        if (from is null)
        {
            if (end.UtcTicks - DateTimeOffset.MinValue.UtcTicks < DefaultSpan.Ticks)
            {
                return (null, ApiError.InvalidParameter("to", "'to' is too early to export the 24 hours before it."));
            }

            start = end - DefaultSpan;
        }
        else if (!TryParseInstant(from, out start))
        {
            return (null, ApiError.InvalidParameter("from", Rfc3339.Message("from")));
        }

        return start < end
            ? (new FhirExportRequest(patientId, start, end), null)
            : (null, ApiError.InvalidParameter("from", "'from' must be before 'to'."));
    }

    // An unencoded '+' in a query string arrives as a space: "…T09:30:00 01:00" is read as "…T09:30:00+01:00".
    private static bool TryParseInstant(string text, out DateTimeOffset value) =>
        Rfc3339.TryParse(text.Length > 6 && text[^6] == ' ' ? string.Concat(text.AsSpan(0, text.Length - 6), "+", text.AsSpan(text.Length - 5)) : text, out value);
}

/// <summary>
/// Exports a patient's timeline as a FHIR R4 Bundle for a caller who may read it, and records that they did on the
/// patient's timeline (an audit entry) before the first byte leaves. The Patient carries the profile's identity and the
/// contacts are RelatedPersons: identities go only to those who may read the patient.
/// </summary>
public sealed class FhirExport(ITimelineStore timelines, IPatientDirectory patients, IDeviceRegistry devices, TimeProvider time)
{
    public const string AuditAction = "fhir.export";

    /// <summary>How far before the range to look for alert episodes still open when it starts.</summary>
    public static readonly TimeSpan EpisodeLookback = TimeSpan.FromDays(90);

    /// <summary>The timeline entries that have a FHIR form.</summary>
    public static readonly IReadOnlyCollection<TimelineEntryType> ExportedTypes =
        [TimelineEntryType.Reading, TimelineEntryType.News2, TimelineEntryType.AlertRaised, TimelineEntryType.AlertRegraded, TimelineEntryType.AlertCleared,
        TimelineEntryType.Adherence, TimelineEntryType.Notification, TimelineEntryType.Acknowledgement, TimelineEntryType.Resolution];

    /// <summary>Null when <paramref name="caller"/> may export the request's patient; otherwise the refusal to send.</summary>
    public async Task<ApiError?> AuthorizeAsync(Caller caller, FhirExportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (_, error) = await patients.FindReadableAsync(caller, request.PatientId, cancellationToken).ConfigureAwait(false);
        return error;
    }

    /// <summary>Writes the bundle to <paramref name="output"/>; call <see cref="AuthorizeAsync"/> first. Returns the resource counts.</summary>
    public async Task<IReadOnlyDictionary<string, int>> WriteAsync(
        Caller caller, FhirExportRequest request, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var audit = new AuditEntry(request.PatientId, now, caller.Id, AuditAction, $"{Rfc3339.Format(request.From)}/{Rfc3339.Format(request.To)}");
        await timelines.AppendAsync(audit.Id, [TimelineRecords.From(audit)], cancellationToken).ConfigureAwait(false);

        // Through a pipe: serializing a resource flushes the JSON writer synchronously, which must not reach a socket.
        var pipe = PipeWriter.Create(output, new StreamPipeWriterOptions(leaveOpen: true));
        await using var json = new Utf8JsonWriter(pipe);
        var bundle = new FhirBundleWriter(json, await IdentifiedAsync(caller, request.PatientId, cancellationToken).ConfigureAwait(false), request.From);
        bundle.WriteStart(now);
        var lookbackStart = request.From.UtcTicks - DateTimeOffset.MinValue.UtcTicks > EpisodeLookback.Ticks ? request.From - EpisodeLookback : DateTimeOffset.MinValue;
        var earlier = new TimelineQuery(request.PatientId, lookbackStart, request.From,
            [TimelineEntryType.AlertRaised, TimelineEntryType.AlertRegraded, TimelineEntryType.AlertCleared], PageSize: TimelineQuery.MaxPageSize);
        await foreach (var record in timelines.ReadAllAsync(earlier, cancellationToken).ConfigureAwait(false))
        {
            bundle.AddEarlier(record);
        }

        var query = new TimelineQuery(request.PatientId, request.From, request.To, ExportedTypes, PageSize: TimelineQuery.MaxPageSize);
        var written = 0;
        await foreach (var record in timelines.ReadAllAsync(query, cancellationToken).ConfigureAwait(false))
        {
            bundle.Add(record);
            if (++written % TimelineQuery.MaxPageSize == 0)
            {
                await FlushAsync(json, pipe, cancellationToken).ConfigureAwait(false);
            }
        }

        bundle.WriteEnd(await devices.FindManyAsync(bundle.DeviceIds, cancellationToken).ConfigureAwait(false));
        await FlushAsync(json, pipe, cancellationToken).ConfigureAwait(false);
        await pipe.CompleteAsync().ConfigureAwait(false);
        return bundle.Counts;
    }

    /// <summary>The patient with their profile for a caller who may read them; for anyone else (who should not be here), the id alone.</summary>
    private async Task<PatientRecord> IdentifiedAsync(Caller caller, string patientId, CancellationToken cancellationToken)
    {
        var (patient, _) = await patients.FindReadableAsync(caller, patientId, cancellationToken).ConfigureAwait(false);
        return patient ?? new PatientRecord(patientId, []);
    }

    private static async Task FlushAsync(Utf8JsonWriter json, PipeWriter pipe, CancellationToken cancellationToken)
    {
        json.Flush();
        await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}

using IoMT.Core.Fhir;
using IoMT.Core.Patients;

namespace IoMT.Api;

/// <summary>Patient routes: the directory entry, and the FHIR R4 export of the timeline.</summary>
public static partial class ManagementRoutes
{
    /// <summary><c>GET /patients/{id}/fhir?from&amp;to</c>: the patient's timeline as a FHIR R4 Bundle, streamed.</summary>
    private static Task<IResult> ExportFhirAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var export = Service<FhirExport>(http);
        var (request, error) = FhirExportRequest.Parse(Id(http), Query(http, "from"), Query(http, "to"), Service<TimeProvider>(http).GetUtcNow());
        error ??= await export.AuthorizeAsync(caller, request!, http.RequestAborted).ConfigureAwait(false);
        return error is not null
            ? ApiProblems.ToResult(error)
            : Results.Stream(async body => await export.WriteAsync(caller, request!, body, http.RequestAborted).ConfigureAwait(false), "application/fhir+json");
    });

    /// <summary><c>GET /patients</c>: the caller's patients with their latest NEWS2, vitals and open alerts.</summary>
    private static Task<IResult> ListPatientsAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Service<PatientOverviewService>(http).ListAsync(caller, http.RequestAborted).ConfigureAwait(false)));

    /// <summary><c>GET /patients/{id}/timeline?from&amp;to&amp;types</c>: RFC 3339 instants (default: the last 6 hours), entry types comma-separated.</summary>
    private static Task<IResult> GetPatientTimelineAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var now = Service<TimeProvider>(http).GetUtcNow();
        DateTimeOffset from = now.AddHours(-6), to = now;
        foreach (var (name, set) in new (string, Action<DateTimeOffset>)[] { ("from", v => from = v), ("to", v => to = v) })
        {
            if (Query(http, name) is { } text)
            {
                if (!Core.Validation.Rfc3339.TryParse(text, out var parsed))
                {
                    return ApiProblems.ToResult(Core.Api.ApiError.InvalidParameter(name, $"'{name}' must be an RFC 3339 date-time."));
                }

                set(parsed);
            }
        }

        return Answer(await Service<PatientOverviewService>(http).TimelineAsync(caller, Id(http), from, to, Query(http, "types"), http.RequestAborted)
            .ConfigureAwait(false));
    });

    private static Task<IResult> SavePatientAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = await ApiJson.ReadAsync<PatientRequest>(http.Request, http.RequestAborted).ConfigureAwait(false);
        return body.IsSuccess
            ? Answer(await Service<PatientService>(http).SaveAsync(caller, Id(http), body.Value!, http.RequestAborted).ConfigureAwait(false))
            : Answer(body);
    });

    private static Task<IResult> GetPatientAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Service<PatientService>(http).GetAsync(caller, Id(http), http.RequestAborted).ConfigureAwait(false)));
}

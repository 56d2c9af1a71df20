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

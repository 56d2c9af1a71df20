using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Fhir;
using IoMT.Core.Patients;

namespace IoMT.Local;

/// <summary>
/// The management API (docs/api.md). It is served under <c>/api</c>, the Azure Functions app's route prefix, and at
/// the root too, so the routes also answer exactly as the documentation names them (e.g. <c>/patients/{id}/fhir</c>).
/// Every route needs a signed-in caller; Core decides what the caller may see and do.
/// </summary>
internal static partial class ManagementApi
{
    public static void MapManagementApi(this IEndpointRouteBuilder app)
    {
        Map(app.MapGroup("/api"));
        Map(app.MapGroup("").ExcludeFromDescription());
    }

    private static void Map(RouteGroupBuilder api)
    {
        api.RequireAuthorization();
        api.MapGet("/patients/{id}/fhir", ExportFhirAsync);
        api.MapPut("/patients/{id}", async (string id, HttpContext http, PatientService patients, CancellationToken ct) =>
        {
            var body = await ApiJson.ReadAsync<PatientRequest>(http.Request, ct).ConfigureAwait(false);
            return body.IsSuccess ? Answer(await patients.SaveAsync(Caller(http), id, body.Value!, ct).ConfigureAwait(false)) : Answer(body);
        });
        api.MapGet("/patients/{id}", async (string id, HttpContext http, PatientService patients, CancellationToken ct) =>
            Answer(await patients.GetAsync(Caller(http), id, ct).ConfigureAwait(false)));
        MapDevices(api);
    }

    /// <summary><c>GET /patients/{id}/fhir?from&amp;to</c>: the patient's timeline as a FHIR R4 Bundle, streamed.</summary>
    private static async Task<IResult> ExportFhirAsync(
        string id, string? from, string? to, HttpContext http, FhirExport export, TimeProvider time, CancellationToken cancellationToken)
    {
        var caller = Caller(http);
        var (request, error) = FhirExportRequest.Parse(id, from, to, time.GetUtcNow());
        error ??= await export.AuthorizeAsync(caller, request!, cancellationToken).ConfigureAwait(false);
        return error is not null
            ? ApiProblems.ToResult(error)
            : Results.Stream(async body => await export.WriteAsync(caller, request!, body, cancellationToken).ConfigureAwait(false), "application/fhir+json");
    }

    private static Caller Caller(HttpContext http) =>
        CallerClaims.FromPrincipal(http.User) ?? throw new InvalidOperationException("The API group requires a signed-in caller.");

    /// <summary>A service result as an HTTP answer: the value as JSON (with <paramref name="status"/>), or problem details.</summary>
    private static IResult Answer<T>(ApiResult<T> result, int status = StatusCodes.Status200OK) =>
        result.IsSuccess ? Results.Json(result.Value, ApiJson.Options, statusCode: status) : ApiProblems.ToResult(result.Error!);
}

using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Devices;
using Microsoft.AspNetCore.Routing;

namespace IoMT.Api;

/// <summary>Where devices connect, as the host knows it (the local gateway, or IoT Hub and DPS in Azure).</summary>
public interface IGatewayEndpoints
{
    GatewayEndpoints Resolve(HttpRequest request);
}

/// <summary>One route of the management API: its method, its template (relative to <c>/api</c>) and its handler.</summary>
public sealed record ManagementRoute(string Method, string Template, string Name, Func<HttpContext, Task<IResult>> Handle);

/// <summary>
/// The management API (docs/api.md), defined once and served by both hosts: IoMT.Local maps every route, the Azure
/// Functions app declares one HTTP trigger per route (a test checks that the two lists agree). Handlers take the
/// caller from <see cref="HttpContext.User"/> (claims as <see cref="CallerClaims"/> writes them), route values and
/// query from the request, services from the request's services; Core decides what the caller may see and do.
/// </summary>
public static partial class ManagementRoutes
{
    public static IReadOnlyList<ManagementRoute> All { get; } =
    [
        new("GET", "me", "GetMe", GetMeAsync),
        new("GET", "patients/{id}/fhir", "ExportPatientFhir", ExportFhirAsync),
        new("GET", "patients", "ListPatients", ListPatientsAsync),
        new("GET", "patients/{id}/timeline", "GetPatientTimeline", GetPatientTimelineAsync),
        new("PUT", "patients/{id}", "SavePatient", SavePatientAsync),
        new("GET", "patients/{id}", "GetPatient", GetPatientAsync),
        new("PUT", "patients/{id}/settings", "SaveClinicalSettings", SaveClinicalSettingsAsync),
        new("GET", "patients/{id}/settings", "GetClinicalSettings", GetClinicalSettingsAsync),
        new("GET", "patients/{id}/settings/history", "GetClinicalSettingsHistory", GetClinicalSettingsHistoryAsync),
        new("PUT", "patients/{id}/medications/{medicationId}", "SaveMedicationSchedule", SaveMedicationScheduleAsync),
        new("GET", "patients/{id}/adherence", "GetAdherence", GetAdherenceAsync),
        new("POST", "devices", "RegisterDevice", RegisterDeviceAsync),
        new("POST", "devices/import", "ImportDevices", ImportDevicesAsync),
        new("POST", "devices/credentials", "ExportDeviceCredentials", ExportCredentialsAsync),
        new("GET", "devices", "ListDevices", ListDevicesAsync),
        new("GET", "devices/{id}", "GetDevice", GetDeviceAsync),
        new("GET", "devices/{id}/history", "GetDeviceHistory", DeviceHistoryAsync),
        new("POST", "devices/{id}/disable", "DisableDevice", DisableDeviceAsync),
        new("POST", "devices/{id}/enable", "EnableDevice", EnableDeviceAsync),
        new("POST", "devices/{id}/rotate-keys", "RotateDeviceKeys", RotateKeysAsync),
        new("DELETE", "devices/{id}", "DeleteDevice", DeleteDeviceAsync),
        new("POST", "devices/{id}/bind", "BindDevice", BindAsync),
        new("POST", "devices/{id}/unbind", "UnbindDevice", UnbindAsync),
        new("GET", "devices/{id}/credentials", "GetDeviceCredentials", DeviceCredentialsAsync),
        new("GET", "devices/{id}/twin", "GetDeviceTwin", GetDeviceTwinAsync),
        new("PATCH", "devices/{id}/twin", "PatchDeviceTwin", PatchDeviceTwinAsync),
        new("POST", "enrollment-groups", "CreateEnrollmentGroup", CreateGroupAsync),
        new("GET", "enrollment-groups", "ListEnrollmentGroups", ListGroupsAsync),
        new("GET", "enrollment-groups/{id}/credentials", "GetEnrollmentGroupCredentials", GroupCredentialsAsync),
        new("GET", "alerts", "ListAlerts", ListAlertsAsync),
        new("GET", "alerts/{id}", "GetAlert", GetAlertAsync),
        new("POST", "alerts/{id}/acknowledge", "AcknowledgeAlert", AcknowledgeAlertAsync),
        new("POST", "alerts/{id}/resolve", "ResolveAlert", ResolveAlertAsync),
        new("POST", "alerts/{id}/snooze", "SnoozeAlert", SnoozeAlertAsync),
        new("POST", "alerts/{id}/notes", "AddAlertNote", AddAlertNoteAsync),
        new("POST", "mappings", "UploadMapping", UploadMappingAsync),
        new("GET", "mappings", "ListMappings", ListMappingsAsync),
        new("POST", "mappings/activate", "ActivateMapping", ActivateMappingAsync),
        new("POST", "mappings/deactivate", "DeactivateMapping", DeactivateMappingAsync),
    ];

    /// <summary><c>GET /me</c>: who the API takes the caller for (the console shows it and hides what the roles may not do).</summary>
    private static Task<IResult> GetMeAsync(HttpContext http) => AsCallerAsync(http, caller => Task.FromResult(Results.Json(new CallerView(
        caller.Id,
        [.. caller.Roles.Select(r => r.Name()).Order(StringComparer.Ordinal)],
        [.. caller.CareTeams.Order(StringComparer.Ordinal)],
        caller.Manufacturer), ApiJson.Options)));

    /// <summary>Runs <paramref name="action"/> for the signed-in caller, or answers 401.</summary>
    private static async Task<IResult> AsCallerAsync(HttpContext http, Func<Caller, Task<IResult>> action) =>
        CallerClaims.FromPrincipal(http.User) is { } caller ? await action(caller).ConfigureAwait(false) : ApiProblems.ToResult(ApiError.Unauthorized());

    private static T Service<T>(HttpContext http)
        where T : notnull => http.RequestServices.GetRequiredService<T>();

    private static string Id(HttpContext http) => (string)http.GetRouteValue("id")!;

    private static string? Query(HttpContext http, string name) => http.Request.Query.TryGetValue(name, out var value) ? value.ToString() : null;

    /// <summary>A whole-number query parameter: its value, <paramref name="fallback"/> when absent, or null when it is not a number.</summary>
    private static int? QueryNumber(HttpContext http, string name, int fallback) =>
        Query(http, name) is not { } text ? fallback
        : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>A service result as an HTTP answer: the value as JSON (with <paramref name="status"/>), or problem details.</summary>
    private static IResult Answer<T>(ApiResult<T> result, int status = StatusCodes.Status200OK) =>
        result.IsSuccess ? Results.Json(result.Value, ApiJson.Options, statusCode: status) : ApiProblems.ToResult(result.Error!);
}

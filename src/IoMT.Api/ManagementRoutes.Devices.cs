using IoMT.Core.Api;
using IoMT.Core.Devices;
using IoMT.Core.Validation;

namespace IoMT.Api;

/// <summary>Device registry routes: register, import, list, get, enable/disable, rotate keys, delete, bind, credentials, enrollment groups.</summary>
public static partial class ManagementRoutes
{
    private static Task<IResult> RegisterDeviceAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = await ApiJson.ReadAsync<DeviceRegistration>(http.Request, http.RequestAborted).ConfigureAwait(false);
        return body.IsSuccess
            ? Answer(await Devices(http).RegisterAsync(caller, body.Value!, http.RequestAborted).ConfigureAwait(false), StatusCodes.Status201Created)
            : Answer(body);
    });

    /// <summary><c>POST /devices/import</c>: a JSON array of registrations, or CSV (<c>Content-Type: text/csv</c>).</summary>
    private static Task<IResult> ImportDevicesAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        ApiResult<IReadOnlyList<DeviceRegistration>> rows;
        if (http.Request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true)
        {
            using var reader = new StreamReader(http.Request.Body);
            rows = DeviceImport.ParseCsv(await reader.ReadToEndAsync(http.RequestAborted).ConfigureAwait(false));
        }
        else
        {
            var json = await ApiJson.ReadAsync<List<DeviceRegistration>>(http.Request, http.RequestAborted).ConfigureAwait(false);
            rows = json.IsSuccess ? json.Value! : json.Error!;
        }

        return rows.IsSuccess ? Answer(await Devices(http).ImportAsync(caller, rows.Value!, http.RequestAborted).ConfigureAwait(false)) : Answer(rows);
    });

    private static Task<IResult> ListDevicesAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var status = Query(http, "status");
        if (status is not null && !DeviceRegistrations.TryParseStatus(status, out _))
        {
            return ApiProblems.ToResult(ApiError.InvalidParameter("status", "'status' must be 'enabled' or 'disabled'."));
        }

        if (QueryNumber(http, "pageSize", 100) is not { } pageSize)
        {
            return ApiProblems.ToResult(ApiError.InvalidParameter("pageSize", $"'pageSize' must be a number 1–{DeviceFilter.MaxPageSize}."));
        }

        var filter = new DeviceFilter(
            Query(http, "manufacturer"),
            Query(http, "model"),
            status is null ? null : status == "enabled" ? DeviceStatus.Enabled : DeviceStatus.Disabled,
            Query(http, "kind"),
            Query(http, "patient"),
            string.Equals(Query(http, "includeDeleted"), "true", StringComparison.OrdinalIgnoreCase),
            pageSize,
            Query(http, "continuationToken"));
        return Answer(await Devices(http).ListAsync(caller, filter, http.RequestAborted).ConfigureAwait(false));
    });

    private static Task<IResult> GetDeviceAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Devices(http).GetAsync(caller, Id(http), http.RequestAborted).ConfigureAwait(false)));

    private static Task<IResult> DeviceHistoryAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Devices(http).HistoryAsync(caller, Id(http), http.RequestAborted).ConfigureAwait(false)));

    private static Task<IResult> DisableDeviceAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Devices(http).SetStatusAsync(caller, Id(http), DeviceStatus.Disabled, http.RequestAborted).ConfigureAwait(false)));

    private static Task<IResult> EnableDeviceAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Devices(http).SetStatusAsync(caller, Id(http), DeviceStatus.Enabled, http.RequestAborted).ConfigureAwait(false)));

    private static Task<IResult> RotateKeysAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = await OptionalBodyAsync(http, new RotateKeysRequest(null)).ConfigureAwait(false);
        return body.IsSuccess
            ? Answer(await Devices(http).RotateKeysAsync(caller, Id(http), body.Value!.Key, http.RequestAborted).ConfigureAwait(false))
            : Answer(body);
    });

    private static Task<IResult> DeleteDeviceAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Devices(http).DeleteAsync(caller, Id(http), http.RequestAborted).ConfigureAwait(false)));

    private static Task<IResult> BindAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = await ApiJson.ReadAsync<BindRequest>(http.Request, http.RequestAborted).ConfigureAwait(false);
        var at = body.IsSuccess ? ParseAt(body.Value!.At) : body.Error!;
        return at.IsSuccess
            ? Answer(await Devices(http).BindPatientAsync(caller, Id(http), body.Value!.PatientId, at.Value, http.RequestAborted).ConfigureAwait(false))
            : Answer(at);
    });

    private static Task<IResult> UnbindAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = await OptionalBodyAsync(http, new BindRequest(null, null)).ConfigureAwait(false);
        var at = body.IsSuccess ? ParseAt(body.Value!.At) : body.Error!;
        return at.IsSuccess
            ? Answer(await Devices(http).UnbindPatientAsync(caller, Id(http), at.Value, http.RequestAborted).ConfigureAwait(false))
            : Answer(at);
    });

    private static Task<IResult> DeviceCredentialsAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var result = await Devices(http).ExportCredentialsAsync(caller, [Id(http)], Service<IGatewayEndpoints>(http).Resolve(http.Request), http.RequestAborted).ConfigureAwait(false);
        return Answer(result.IsSuccess ? new ApiResult<DeviceCredentialsView>(result.Value![0], null) : result.Error!);
    });

    private static Task<IResult> ExportCredentialsAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = await ApiJson.ReadAsync<CredentialsRequest>(http.Request, http.RequestAborted).ConfigureAwait(false);
        return body.IsSuccess
            ? Answer(await Devices(http).ExportCredentialsAsync(caller, body.Value!.DeviceIds ?? [], Service<IGatewayEndpoints>(http).Resolve(http.Request), http.RequestAborted).ConfigureAwait(false))
            : Answer(body);
    });

    private static Task<IResult> CreateGroupAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = await ApiJson.ReadAsync<EnrollmentGroupRequest>(http.Request, http.RequestAborted).ConfigureAwait(false);
        return body.IsSuccess
            ? Answer(await Devices(http).CreateGroupAsync(caller, body.Value!, http.RequestAborted).ConfigureAwait(false), StatusCodes.Status201Created)
            : Answer(body);
    });

    private static Task<IResult> ListGroupsAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Devices(http).ListGroupsAsync(caller, http.RequestAborted).ConfigureAwait(false)));

    private static Task<IResult> GroupCredentialsAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Devices(http).GroupCredentialsAsync(caller, Id(http), Service<IGatewayEndpoints>(http).Resolve(http.Request), http.RequestAborted).ConfigureAwait(false)));

    private static DeviceService Devices(HttpContext http) => Service<DeviceService>(http);

    private static async Task<ApiResult<T>> OptionalBodyAsync<T>(HttpContext http, T empty)
        where T : class =>
        http.Request.ContentLength is null or 0 ? empty : await ApiJson.ReadAsync<T>(http.Request, http.RequestAborted).ConfigureAwait(false);

    private static ApiResult<DateTimeOffset?> ParseAt(string? at) =>
        at is null ? new ApiResult<DateTimeOffset?>(null, null)
        : Rfc3339.TryParse(at, out var parsed) ? new ApiResult<DateTimeOffset?>(parsed, null)
        : ApiError.InvalidBody("/at", Rfc3339.Message("at"));

    private sealed record RotateKeysRequest(string? Key);

    private sealed record BindRequest(string? PatientId, string? At);

    private sealed record CredentialsRequest(IReadOnlyList<string>? DeviceIds);
}

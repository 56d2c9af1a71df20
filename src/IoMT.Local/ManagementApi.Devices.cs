using IoMT.Core.Api;
using IoMT.Core.Devices;
using IoMT.Core.Validation;
using IoMT.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace IoMT.Local;

/// <summary>Device registry routes: register, import, list, get, enable/disable, rotate keys, delete, bind, credentials.</summary>
internal static partial class ManagementApi
{
    private static void MapDevices(RouteGroupBuilder api)
    {
        api.MapPost("/devices", async (HttpContext http, DeviceService devices, CancellationToken ct) =>
        {
            var body = await ApiJson.ReadAsync<DeviceRegistration>(http.Request, ct).ConfigureAwait(false);
            return body.IsSuccess ? Answer(await devices.RegisterAsync(Caller(http), body.Value!, ct).ConfigureAwait(false), StatusCodes.Status201Created) : Answer(body);
        });
        api.MapPost("/devices/import", ImportAsync);
        api.MapGet("/devices", ListAsync);
        api.MapGet("/devices/{id}", async (string id, HttpContext http, DeviceService devices, CancellationToken ct) =>
            Answer(await devices.GetAsync(Caller(http), id, ct).ConfigureAwait(false)));
        api.MapGet("/devices/{id}/history", async (string id, HttpContext http, DeviceService devices, CancellationToken ct) =>
            Answer(await devices.HistoryAsync(Caller(http), id, ct).ConfigureAwait(false)));
        api.MapPost("/devices/{id}/disable", async (string id, HttpContext http, DeviceService devices, CancellationToken ct) =>
            Answer(await devices.SetStatusAsync(Caller(http), id, DeviceStatus.Disabled, ct).ConfigureAwait(false)));
        api.MapPost("/devices/{id}/enable", async (string id, HttpContext http, DeviceService devices, CancellationToken ct) =>
            Answer(await devices.SetStatusAsync(Caller(http), id, DeviceStatus.Enabled, ct).ConfigureAwait(false)));
        api.MapPost("/devices/{id}/rotate-keys", async (string id, HttpContext http, DeviceService devices, CancellationToken ct) =>
        {
            var body = http.Request.ContentLength is null or 0 ? new RotateKeysRequest(null) : await ApiJson.ReadAsync<RotateKeysRequest>(http.Request, ct).ConfigureAwait(false);
            return body.IsSuccess ? Answer(await devices.RotateKeysAsync(Caller(http), id, body.Value!.Key, ct).ConfigureAwait(false)) : Answer(body);
        });
        api.MapDelete("/devices/{id}", async (string id, HttpContext http, DeviceService devices, CancellationToken ct) =>
            Answer(await devices.DeleteAsync(Caller(http), id, ct).ConfigureAwait(false)));
        api.MapPost("/devices/{id}/bind", BindAsync);
        api.MapPost("/devices/{id}/unbind", UnbindAsync);
        api.MapGet("/devices/{id}/credentials", async (string id, HttpContext http, DeviceService devices, SqliteDeviceRegistry registry, IOptions<LocalOptions> options, CancellationToken ct) =>
        {
            var result = await devices.ExportCredentialsAsync(Caller(http), [id], DeviceGatewayEndpoints.Endpoints(http.Request, options.Value, registry), ct).ConfigureAwait(false);
            return Answer(result.IsSuccess ? new ApiResult<DeviceCredentialsView>(result.Value![0], null) : result.Error!);
        });
        api.MapPost("/devices/credentials", async (HttpContext http, DeviceService devices, SqliteDeviceRegistry registry, IOptions<LocalOptions> options, CancellationToken ct) =>
        {
            var body = await ApiJson.ReadAsync<CredentialsRequest>(http.Request, ct).ConfigureAwait(false);
            return body.IsSuccess
                ? Answer(await devices.ExportCredentialsAsync(Caller(http), body.Value!.DeviceIds ?? [], DeviceGatewayEndpoints.Endpoints(http.Request, options.Value, registry), ct).ConfigureAwait(false))
                : Answer(body);
        });
        api.MapPost("/enrollment-groups", async (HttpContext http, DeviceService devices, CancellationToken ct) =>
        {
            var body = await ApiJson.ReadAsync<EnrollmentGroupRequest>(http.Request, ct).ConfigureAwait(false);
            return body.IsSuccess ? Answer(await devices.CreateGroupAsync(Caller(http), body.Value!, ct).ConfigureAwait(false), StatusCodes.Status201Created) : Answer(body);
        });
        api.MapGet("/enrollment-groups", async (HttpContext http, DeviceService devices, CancellationToken ct) =>
            Answer(await devices.ListGroupsAsync(Caller(http), ct).ConfigureAwait(false)));
        api.MapGet("/enrollment-groups/{id}/credentials", async (string id, HttpContext http, DeviceService devices, SqliteDeviceRegistry registry, IOptions<LocalOptions> options, CancellationToken ct) =>
            Answer(await devices.GroupCredentialsAsync(Caller(http), id, DeviceGatewayEndpoints.Endpoints(http.Request, options.Value, registry), ct).ConfigureAwait(false)));
    }

    /// <summary><c>POST /devices/import</c>: a JSON array of registrations, or CSV (<c>Content-Type: text/csv</c>).</summary>
    private static async Task<IResult> ImportAsync(HttpContext http, DeviceService devices, CancellationToken cancellationToken)
    {
        ApiResult<IReadOnlyList<DeviceRegistration>> rows;
        if (http.Request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true)
        {
            using var reader = new StreamReader(http.Request.Body);
            rows = DeviceImport.ParseCsv(await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false));
        }
        else
        {
            var json = await ApiJson.ReadAsync<List<DeviceRegistration>>(http.Request, cancellationToken).ConfigureAwait(false);
            rows = json.IsSuccess ? json.Value! : json.Error!;
        }

        return rows.IsSuccess ? Answer(await devices.ImportAsync(Caller(http), rows.Value!, cancellationToken).ConfigureAwait(false)) : Answer(rows);
    }

    private static async Task<IResult> ListAsync(
        HttpContext http, DeviceService devices, string? manufacturer, string? model, string? status, string? kind, string? patient,
        bool? includeDeleted, int? pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        if (status is not null && !DeviceRegistrations.TryParseStatus(status, out _))
        {
            return ApiProblems.ToResult(ApiError.InvalidParameter("status", "'status' must be 'enabled' or 'disabled'."));
        }

        DeviceStatus? parsed = status is null ? null : status == "enabled" ? DeviceStatus.Enabled : DeviceStatus.Disabled;
        var filter = new DeviceFilter(manufacturer, model, parsed, kind, patient, includeDeleted ?? false, pageSize ?? 100, continuationToken);
        return Answer(await devices.ListAsync(Caller(http), filter, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<IResult> BindAsync(string id, HttpContext http, DeviceService devices, CancellationToken cancellationToken)
    {
        var body = await ApiJson.ReadAsync<BindRequest>(http.Request, cancellationToken).ConfigureAwait(false);
        if (!body.IsSuccess)
        {
            return Answer(body);
        }

        var at = ParseAt(body.Value!.At);
        return at.IsSuccess
            ? Answer(await devices.BindPatientAsync(Caller(http), id, body.Value.PatientId, at.Value, cancellationToken).ConfigureAwait(false))
            : Answer(at);
    }

    private static async Task<IResult> UnbindAsync(string id, HttpContext http, DeviceService devices, CancellationToken cancellationToken)
    {
        var body = http.Request.ContentLength is null or 0 ? new BindRequest(null, null) : await ApiJson.ReadAsync<BindRequest>(http.Request, cancellationToken).ConfigureAwait(false);
        if (!body.IsSuccess)
        {
            return Answer(body);
        }

        var at = ParseAt(body.Value!.At);
        return at.IsSuccess ? Answer(await devices.UnbindPatientAsync(Caller(http), id, at.Value, cancellationToken).ConfigureAwait(false)) : Answer(at);
    }

    private static ApiResult<DateTimeOffset?> ParseAt(string? at) =>
        at is null ? new ApiResult<DateTimeOffset?>(null, null)
        : Rfc3339.TryParse(at, out var parsed) ? new ApiResult<DateTimeOffset?>(parsed, null)
        : ApiError.InvalidBody("/at", Rfc3339.Message("at"));

    private sealed record RotateKeysRequest(string? Key);

    private sealed record BindRequest(string? PatientId, string? At);

    private sealed record CredentialsRequest(IReadOnlyList<string>? DeviceIds);
}

using System.Text.Json;
using IoMT.Core.Api;
using IoMT.Core.Mapping;

namespace IoMT.Api;

/// <summary>Device-mapping routes (docs/mappings.md): upload a version, list versions, activate one, deactivate a scope.</summary>
public static partial class ManagementRoutes
{
    /// <summary><c>POST /mappings</c>: <c>{"manufacturer"?, "model"?, "description"?, "mapping": { MedTech device mapping }}</c>.</summary>
    private static Task<IResult> UploadMappingAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = await ApiJson.ReadAsync<MappingUploadRequest>(http.Request, http.RequestAborted).ConfigureAwait(false);
        if (!body.IsSuccess)
        {
            return Answer(body);
        }

        var request = body.Value!;
        if (request.Mapping.ValueKind != JsonValueKind.Object)
        {
            return ApiProblems.ToResult(ApiError.InvalidBody("/mapping", "'mapping' must be the device-mapping document (a JSON object)."));
        }

        var upload = new MappingUpload(request.Manufacturer, request.Model, request.Description, request.Mapping.GetRawText());
        return Answer(await Mappings(http).UploadAsync(caller, upload, http.RequestAborted).ConfigureAwait(false), StatusCodes.Status201Created);
    });

    private static Task<IResult> ListMappingsAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Mappings(http).ListAsync(caller, http.RequestAborted).ConfigureAwait(false)));

    /// <summary><c>POST /mappings/activate</c>: <c>{"manufacturer"?, "model"?, "version"}</c>.</summary>
    private static Task<IResult> ActivateMappingAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = await ApiJson.ReadAsync<MappingActivationRequest>(http.Request, http.RequestAborted).ConfigureAwait(false);
        return body.IsSuccess
            ? Answer(await Mappings(http).ActivateAsync(caller, body.Value!.Manufacturer, body.Value.Model, body.Value.Version, http.RequestAborted).ConfigureAwait(false))
            : Answer(body);
    });

    /// <summary><c>POST /mappings/deactivate</c>: <c>{"manufacturer"?, "model"?}</c>; the scope's devices are judged as contract v1 again.</summary>
    private static Task<IResult> DeactivateMappingAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = await ApiJson.ReadAsync<MappingScopeRequest>(http.Request, http.RequestAborted).ConfigureAwait(false);
        if (!body.IsSuccess)
        {
            return Answer(body);
        }

        var result = await Mappings(http).DeactivateAsync(caller, body.Value!.Manufacturer, body.Value.Model, http.RequestAborted).ConfigureAwait(false);
        return result.IsSuccess ? Results.NoContent() : ApiProblems.ToResult(result.Error!);
    });

    private static MappingService Mappings(HttpContext http) => Service<MappingService>(http);

    private sealed record MappingUploadRequest(string? Manufacturer, string? Model, string? Description, JsonElement Mapping);

    private sealed record MappingActivationRequest(string? Manufacturer, string? Model, int Version);

    private sealed record MappingScopeRequest(string? Manufacturer, string? Model);
}

using System.Text.Json.Nodes;
using IoMT.Core.Devices;

namespace IoMT.Api;

/// <summary>
/// Device twin routes: <c>GET /devices/{id}/twin</c> and <c>PATCH /devices/{id}/twin</c> with IoT Hub's body
/// <c>{"properties": {"desired": {…}}}</c> (a JSON merge patch; reported properties are the device's alone).
/// </summary>
public static partial class ManagementRoutes
{
    private static Task<IResult> GetDeviceTwinAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Twins(http).GetAsync(caller, Id(http), http.RequestAborted).ConfigureAwait(false)));

    private static Task<IResult> PatchDeviceTwinAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = await ApiJson.ReadAsync<JsonNode>(http.Request, http.RequestAborted).ConfigureAwait(false);
        return body.IsSuccess
            ? Answer(await Twins(http).PatchDesiredAsync(caller, Id(http), body.Value, http.RequestAborted).ConfigureAwait(false))
            : Answer(body);
    });

    private static DeviceTwinService Twins(HttpContext http) => Service<DeviceTwinService>(http);

    /// <summary><c>{"properties": {"desired": {…}}}</c>: a JSON merge patch of the desired properties (null removes one).</summary>
    private sealed record TwinPatchRequest(DesiredPropertiesPatch Properties);

    private sealed record DesiredPropertiesPatch(JsonObject Desired);
}

using IoMT.Core.Devices;

namespace IoMT.Api;

/// <summary>Cloud-to-device messages: send one to a device, list a device's recent ones with their delivery record.</summary>
public static partial class ManagementRoutes
{
    /// <summary>
    /// The cloud-to-device routes, served by both hosts beside <see cref="All"/>: locally over the host's own queue
    /// (<c>cloud-to-device.db</c>); in Azure through IoT Hub's service API, listed from the app's own record of what it
    /// sent with the outcomes from IoT Hub's feedback. Described in the OpenAPI document with their own contracts.
    /// </summary>
    public static IReadOnlyList<ManagementRoute> CloudToDevice { get; } =
    [
        new("POST", "devices/{id}/messages", "SendDeviceMessage", SendDeviceMessageAsync),
        new("GET", "devices/{id}/messages", "ListDeviceMessages", ListDeviceMessagesAsync),
    ];

    /// <summary>What the cloud-to-device routes take and give, for the OpenAPI document (as <see cref="Contracts"/>).</summary>
    public static IReadOnlyDictionary<string, RouteContract> CloudToDeviceContracts { get; } = new Dictionary<string, RouteContract>(StringComparer.Ordinal)
    {
        ["SendDeviceMessage"] = Created<CloudToDeviceSent>(typeof(CloudToDeviceRequest)),
        ["ListDeviceMessages"] = Ok<IReadOnlyList<CloudToDeviceMessageView>>(),
    };

    /// <summary><c>POST /devices/{id}/messages</c>: 201 with the message id (the device sees it as <c>iothub-messageid</c>).</summary>
    private static Task<IResult> SendDeviceMessageAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = await ApiJson.ReadAsync<CloudToDeviceRequest>(http.Request, http.RequestAborted).ConfigureAwait(false);
        return body.IsSuccess
            ? Answer(await Service<CloudToDeviceService>(http).SendAsync(caller, Id(http), body.Value!, http.RequestAborted).ConfigureAwait(false), StatusCodes.Status201Created)
            : Answer(body);
    });

    /// <summary><c>GET /devices/{id}/messages</c>: the newest 100, each with its status and delivery record (not its payload).</summary>
    private static Task<IResult> ListDeviceMessagesAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Service<CloudToDeviceService>(http).ListAsync(caller, Id(http), http.RequestAborted).ConfigureAwait(false)));
}

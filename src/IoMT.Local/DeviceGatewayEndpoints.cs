using System.Collections.Concurrent;
using IoMT.Api;
using IoMT.Core.Api;
using IoMT.Core.Devices;
using IoMT.Core.Validation;
using Microsoft.Extensions.Options;

namespace IoMT.Local;

/// <summary>
/// The device side of the local host, speaking Azure IoT Hub's and DPS's HTTPS protocols, so the simulator and real
/// firmware use the same code against a laptop and against Azure: <c>POST /devices/{id}/messages/events</c> (one
/// message, or a batch), <c>GET /devices/{id}/messages/deviceBound</c> with <c>DELETE …/{etag}</c> (complete, or
/// reject with <c>?reject</c>) and <c>POST …/{etag}/abandon</c> (cloud-to-device), and
/// <c>PUT /{idScope}/registrations/{id}/register</c> with <c>GET …/operations/{operationId}</c> (registration through an
/// enrollment group). The hub's routes refuse as IoT Hub does (<see cref="IoTHubErrors"/>); the rules are Core's.
/// </summary>
internal static partial class DeviceGatewayEndpoints
{
    public const string ErrorCodeHeader = "iothub-errorcode";

    /// <summary>How long a device is asked to wait when the hub's storage failed.</summary>
    public static readonly TimeSpan UnavailableRetryAfter = TimeSpan.FromSeconds(5);

    public static void MapDeviceGateway(this IEndpointRouteBuilder app)
    {
        var hub = app.MapGroup("").ExcludeFromDescription().AddEndpointFilter(AnswerStorageFailuresAsync);
        hub.MapPost("/devices/{deviceId}/messages/events", SendEventAsync);
        hub.MapGet("/devices/{deviceId}/messages/deviceBound", ReceiveAsync);
        hub.MapDelete("/devices/{deviceId}/messages/deviceBound/{lockToken}", CompleteOrRejectAsync);
        hub.MapPost("/devices/{deviceId}/messages/deviceBound/{lockToken}/abandon", AbandonAsync);
        hub.MapPut("/{idScope}/registrations/{registrationId}/register", RegisterAsync);
        hub.MapGet("/{idScope}/registrations/{registrationId}/operations/{operationId}", OperationAsync);
    }

    /// <summary>
    /// A storage failure (a database or disk error) is the hub's, not the device's: 503 <c>ServiceUnavailable</c> with
    /// <c>Retry-After</c>, as IoT Hub answers when it cannot serve, so the device keeps its message and sends it again;
    /// nothing was acknowledged. Logged once, as an error.
    /// </summary>
    private static async ValueTask<object?> AnswerStorageFailuresAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Data.Common.DbException)
        {
            var http = context.HttpContext;
            Log.StorageFailed(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DeviceGatewayEndpoints)), http.Request.Method, e);
            http.Response.Headers.RetryAfter = ((int)UnavailableRetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Refuse(http.Request, new ApiError(503, IoTHubErrors.UnavailableCode, "The hub cannot store or read messages now; retry later."),
                http.RequestServices.GetRequiredService<TimeProvider>());
        }
    }

    /// <summary>
    /// Accepts device-to-cloud messages: authenticated as their device, at most 256 KB, stored durably in the ingestion
    /// log with their device, receive time, message id and properties before the answer (204, as IoT Hub answers), in
    /// the partition of the patient the device is bound to. A batch (<see cref="IoTHubHttp.BatchMediaType"/>) is stored
    /// as its messages, each on its own, in one commit; an unreadable one is refused whole.
    /// </summary>
    private static async Task<IResult> SendEventAsync(
        string deviceId, HttpRequest request, DeviceGateway gateway, DeviceMessageIngress ingress, TimeProvider time,
        IOptions<LocalOptions> options, CancellationToken cancellationToken)
    {
        if (request.ContentLength > DeviceGateway.MaxMessageBytes)
        {
            return Refuse(request, TooLarge(), time);
        }

        var device = await gateway.AuthenticateAsync(deviceId, request.Headers.Authorization, options.Value.TokenHostNames(), cancellationToken).ConfigureAwait(false);
        if (!device.IsSuccess)
        {
            return Refuse(request, device.Error!, time);
        }

        var body = await ReadAtMostAsync(request.Body, DeviceGateway.MaxMessageBytes + 1, cancellationToken).ConfigureAwait(false);
        if (body.Length > DeviceGateway.MaxMessageBytes)
        {
            return Refuse(request, TooLarge(), time);
        }

        IReadOnlyList<DeviceMessage> messages;
        if (IoTHubHttp.IsBatch(request.ContentType))
        {
            var batch = IoTHubHttp.ParseBatch(body);
            if (!batch.IsSuccess)
            {
                return Refuse(request, batch.Error! with { Detail = "The batch cannot be read: " + batch.Error!.Detail }, time);
            }

            messages = batch.Value!;
        }
        else
        {
            messages = [new DeviceMessage(body, IoTHubHttp.FromHeaders(IoTHubHeaders(request)))];
        }

        // The rate limit, the size limit and the durable append are the same for every transport (DeviceMessageIngress).
        var accepted = await ingress.AcceptAsync(device.Value!, messages, cancellationToken).ConfigureAwait(false);
        if (!accepted.IsSuccess)
        {
            if (accepted.RetryAfter is { } retryAfter)
            {
                request.HttpContext.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return Refuse(request, accepted.Error!, time);
        }

        return Results.NoContent();
    }

    /// <summary>
    /// The device's next cloud-to-device message, locked for it for a minute: 200 with the body and IoT Hub's headers
    /// (the lock token as the quoted <c>ETag</c>), or 204 when nothing is queued.
    /// </summary>
    private static async Task<IResult> ReceiveAsync(
        string deviceId, HttpRequest request, DeviceGateway gateway, ICloudToDeviceStore messages, TimeProvider time, IOptions<LocalOptions> options,
        CancellationToken cancellationToken)
    {
        var device = await gateway.AuthenticateAsync(deviceId, request.Headers.Authorization, options.Value.TokenHostNames(), cancellationToken).ConfigureAwait(false);
        if (!device.IsSuccess)
        {
            return Refuse(request, device.Error!, time);
        }

        if (await messages.ReceiveAsync(deviceId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) is not { } message)
        {
            return Results.NoContent();
        }

        var headers = request.HttpContext.Response.Headers;
        headers.ETag = $"\"{message.LockToken}\"";
        headers[IoTHubHttp.MessageId] = message.MessageId;
        if (message.CorrelationId is not null)
        {
            headers[IoTHubHttp.CorrelationId] = message.CorrelationId;
        }

        headers["iothub-sequencenumber"] = message.SequenceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["iothub-enqueuedtime"] = IoTHubHttp.HttpDate(message.EnqueuedAt);
        headers["iothub-expiry"] = IoTHubHttp.HttpDate(message.ExpiresAt);
        headers["iothub-deliverycount"] = message.DeliveryCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["iothub-to"] = $"/devices/{deviceId}/messages/deviceBound";
        foreach (var (name, value) in message.Properties)
        {
            headers[IoTHubHttp.ApplicationPrefix + name] = value;
        }

        return Results.Bytes(message.Body, "application/octet-stream");
    }

    /// <summary><c>DELETE /devices/{id}/messages/deviceBound/{etag}</c>: completes the message, or with <c>?reject</c> rejects it.</summary>
    private static Task<IResult> CompleteOrRejectAsync(
        string deviceId, string lockToken, HttpRequest request, DeviceGateway gateway, ICloudToDeviceStore messages, TimeProvider time,
        IOptions<LocalOptions> options, CancellationToken cancellationToken) =>
        SettleAsync(deviceId, lockToken, request.Query.ContainsKey("reject") ? CloudToDeviceSettlement.Reject : CloudToDeviceSettlement.Complete,
            request, gateway, messages, time, options, cancellationToken);

    /// <summary><c>POST /devices/{id}/messages/deviceBound/{etag}/abandon</c>: puts the message back in the queue.</summary>
    private static Task<IResult> AbandonAsync(
        string deviceId, string lockToken, HttpRequest request, DeviceGateway gateway, ICloudToDeviceStore messages, TimeProvider time,
        IOptions<LocalOptions> options, CancellationToken cancellationToken) =>
        SettleAsync(deviceId, lockToken, CloudToDeviceSettlement.Abandon, request, gateway, messages, time, options, cancellationToken);

    /// <summary>204 once settled; 412 when the lock token names no message the device holds locked now.</summary>
    private static async Task<IResult> SettleAsync(
        string deviceId, string lockToken, CloudToDeviceSettlement settlement, HttpRequest request, DeviceGateway gateway, ICloudToDeviceStore messages,
        TimeProvider time, IOptions<LocalOptions> options, CancellationToken cancellationToken)
    {
        var device = await gateway.AuthenticateAsync(deviceId, request.Headers.Authorization, options.Value.TokenHostNames(), cancellationToken).ConfigureAwait(false);
        if (!device.IsSuccess)
        {
            return Refuse(request, device.Error!, time);
        }

        var settled = await messages.SettleAsync(deviceId, lockToken.Trim('"'), settlement, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return settled.IsSuccess ? Results.NoContent() : Refuse(request, settled.Error!, time);
    }

    private static async Task<IResult> RegisterAsync(
        string idScope, string registrationId, HttpRequest request, DeviceGateway gateway, IGatewayEndpoints endpoints, DpsOperations operations,
        CancellationToken cancellationToken)
    {
        var result = await gateway.RegisterAsync(idScope, registrationId, request.Headers.Authorization, endpoints.Resolve(request), cancellationToken)
            .ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return RefuseAsProblem(request, result.Error!);
        }

        var operationId = operations.Add(result.Value!);
        return Results.Json(DpsOperations.Assigning(operationId), statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> OperationAsync(
        string idScope, string registrationId, string operationId, HttpRequest request, DeviceGateway gateway, IGatewayEndpoints endpoints,
        DpsOperations operations, CancellationToken cancellationToken)
    {
        // Polling needs the same credential as registering: answer only the device itself.
        var again = await gateway.RegisterAsync(idScope, registrationId, request.Headers.Authorization, endpoints.Resolve(request), cancellationToken)
            .ConfigureAwait(false);
        if (!again.IsSuccess)
        {
            return RefuseAsProblem(request, again.Error!);
        }

        return operations.Find(operationId) is { } done && done.RegistrationId == registrationId
            ? Results.Json(DpsOperations.Assigned(operationId, done))
            : ApiProblems.ToResult(DpsOperations.NotFound(operationId));
    }

    /// <summary>
    /// A refusal of the hub's routes as IoT Hub gives it (status, <c>iothub-errorcode</c>, JSON body), with its reason
    /// and audit code kept for the security audit.
    /// </summary>
    private static IResult Refuse(HttpRequest request, ApiError error, TimeProvider time)
    {
        var refusal = IoTHubErrors.For(error);
        request.HttpContext.Items[SecurityAuditMiddleware.DetailKey] = error.Detail;
        if (IoTHubErrors.AuditCode(error) is { } code)
        {
            request.HttpContext.Items[SecurityAuditMiddleware.CodeKey] = code;
        }

        request.HttpContext.Response.Headers[ErrorCodeHeader] = refusal.Code;
        return Results.Text(IoTHubErrors.Body(refusal, request.HttpContext.TraceIdentifier, time.GetUtcNow()), "application/json; charset=utf-8",
            statusCode: refusal.Status);
    }

    /// <summary>A refusal of the DPS routes (problem details), with its reason kept for the security audit.</summary>
    private static IResult RefuseAsProblem(HttpRequest request, ApiError error)
    {
        request.HttpContext.Items[SecurityAuditMiddleware.DetailKey] = error.Detail;
        return ApiProblems.ToResult(error);
    }

    /// <summary>The request's <c>iothub-*</c> headers, the only ones a message keeps.</summary>
    private static IEnumerable<KeyValuePair<string, string?>> IoTHubHeaders(HttpRequest request) =>
        request.Headers.Where(h => h.Key.StartsWith("iothub-", StringComparison.OrdinalIgnoreCase))
            .Select(h => new KeyValuePair<string, string?>(h.Key, h.Value.Count > 0 ? h.Value[0] : null));

    private static ApiError TooLarge() => new(413, ErrorCodes.MessageTooLarge, $"A device message holds at most {DeviceGateway.MaxMessageBytes:N0} bytes.");

    private static async Task<byte[]> ReadAtMostAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while (buffer.Length < limit && (read = await body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Device gateway: {Method} answered 503, its storage failed")]
        public static partial void StorageFailed(ILogger logger, string method, Exception exception);
    }
}

/// <summary>Completed DPS registrations by operation id, for devices that poll for the outcome (kept 10 minutes).</summary>
internal sealed class DpsOperations(TimeProvider time)
{
    /// <summary>DPS's answer to a registration it is working on (both transports).</summary>
    public static object Assigning(string operationId) => new { operationId, status = "assigning" };

    /// <summary>DPS's answer to a finished registration: the device and the hub it was assigned to (both transports).</summary>
    public static object Assigned(string operationId, DpsRegistration done) => new
    {
        operationId,
        status = "assigned",
        registrationState = new
        {
            registrationId = done.RegistrationId,
            createdDateTimeUtc = done.CreatedAt,
            assignedHub = done.AssignedHub,
            deviceId = done.DeviceId,
            status = "assigned",
            substatus = done.Substatus,
            lastUpdatedDateTimeUtc = done.UpdatedAt,
        },
    };

    public static ApiError NotFound(string operationId) =>
        new(404, "registration.operation-not-found", $"No registration operation '{operationId}'; register again.");

    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, (DpsRegistration Registration, DateTimeOffset At)> _operations = new(StringComparer.Ordinal);

    public string Add(DpsRegistration registration)
    {
        var now = time.GetUtcNow();
        foreach (var expired in _operations.Where(o => now - o.Value.At > KeepFor).Select(o => o.Key).ToList())
        {
            _operations.TryRemove(expired, out _);
        }

        var id = $"4.{Guid.NewGuid():N}";
        _operations[id] = (registration, now);
        return id;
    }

    public DpsRegistration? Find(string operationId) => _operations.TryGetValue(operationId, out var operation) ? operation.Registration : null;
}

using System.Collections.Concurrent;
using IoMT.Api;
using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Devices;
using IoMT.Core.Validation;
using IoMT.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace IoMT.Local;

/// <summary>
/// The device side of the local host, speaking Azure IoT Hub's and DPS's HTTPS protocols, so the simulator and real
/// firmware use the same code against a laptop and against Azure:
/// <c>POST /devices/{id}/messages/events</c> (telemetry) and <c>PUT /{idScope}/registrations/{id}/register</c> with
/// <c>GET …/operations/{operationId}</c> (registration through an enrollment group).
/// </summary>
internal static class DeviceGatewayEndpoints
{
    public const string MessageIdHeader = "iothub-messageid";

    public static void MapDeviceGateway(this IEndpointRouteBuilder app)
    {
        app.MapPost("/devices/{deviceId}/messages/events", SendEventAsync).ExcludeFromDescription();
        app.MapPut("/{idScope}/registrations/{registrationId}/register", RegisterAsync).ExcludeFromDescription();
        app.MapGet("/{idScope}/registrations/{registrationId}/operations/{operationId}", OperationAsync).ExcludeFromDescription();
    }

    /// <summary>
    /// Accepts one device-to-cloud message: authenticated as its device, at most 256 KB, stored durably in the
    /// ingestion log with its device, receive time and message id before the answer (204, as IoT Hub answers), in the
    /// partition of the patient the device is bound to.
    /// </summary>
    private static async Task<IResult> SendEventAsync(
        string deviceId, HttpRequest request, DeviceGateway gateway, DeviceRateLimiter limiter, SqliteIngestionLog log, TimeProvider time,
        IOptions<LocalOptions> options, CancellationToken cancellationToken)
    {
        if (request.ContentLength > DeviceGateway.MaxMessageBytes)
        {
            return TooLarge();
        }

        var device = await gateway.AuthenticateAsync(deviceId, request.Headers.Authorization, HostNames(request, options.Value), cancellationToken).ConfigureAwait(false);
        if (!device.IsSuccess)
        {
            return Refuse(request, device.Error!);
        }

        if (limiter.TryAcquire(deviceId) is { } retryAfter)
        {
            request.HttpContext.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Refuse(request, new ApiError(429, SecurityEventCodes.DeviceRateLimited,
                $"Device '{deviceId}' sends more than {options.Value.DeviceMessagesPerSecond:0.#} messages a second; retry after {retryAfter.TotalSeconds:0} s."));
        }

        var body = await ReadAtMostAsync(request.Body, DeviceGateway.MaxMessageBytes + 1, cancellationToken).ConfigureAwait(false);
        if (body.Length > DeviceGateway.MaxMessageBytes)
        {
            return TooLarge();
        }

        var messageId = request.Headers[MessageIdHeader].FirstOrDefault() ?? MessageIds.TryRead(body);
        var now = time.GetUtcNow();
        var patient = BindingHistory.PatientAt(device.Value!.Bindings, now);
        await log.AppendAsync(deviceId, messageId, now, body, patient, cancellationToken).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static async Task<IResult> RegisterAsync(
        string idScope, string registrationId, HttpRequest request, DeviceGateway gateway, IGatewayEndpoints endpoints, DpsOperations operations,
        CancellationToken cancellationToken)
    {
        var result = await gateway.RegisterAsync(idScope, registrationId, request.Headers.Authorization, endpoints.Resolve(request), cancellationToken)
            .ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return Refuse(request, result.Error!);
        }

        var operationId = operations.Add(result.Value!);
        return Results.Json(new { operationId, status = "assigning" }, statusCode: StatusCodes.Status202Accepted);
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
            return Refuse(request, again.Error!);
        }

        if (operations.Find(operationId) is not { } done || done.RegistrationId != registrationId)
        {
            return ApiProblems.ToResult(new ApiError(404, "registration.operation-not-found", $"No registration operation '{operationId}'; register again."));
        }

        return Results.Json(new
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
        });
    }

    /// <summary>The refusal, with its reason kept for the security audit (which sees only the status otherwise).</summary>
    private static IResult Refuse(HttpRequest request, ApiError error)
    {
        request.HttpContext.Items[SecurityAuditMiddleware.DetailKey] = error.Detail;
        return ApiProblems.ToResult(error);
    }

    private static string[] HostNames(HttpRequest request, LocalOptions options) =>
        [.. new[] { options.GatewayHostName, request.Host.Value, request.Host.Host }.Where(h => !string.IsNullOrEmpty(h)).Distinct()!];

    private static IResult TooLarge() =>
        ApiProblems.ToResult(new ApiError(413, ErrorCodes.MessageTooLarge, $"A device message holds at most {DeviceGateway.MaxMessageBytes:N0} bytes."));

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
}

/// <summary>Completed DPS registrations by operation id, for devices that poll for the outcome (kept 10 minutes).</summary>
internal sealed class DpsOperations(TimeProvider time)
{
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

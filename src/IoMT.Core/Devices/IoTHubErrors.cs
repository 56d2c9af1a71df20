using System.Globalization;
using System.Text.Json;
using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Validation;

namespace IoMT.Core.Devices;

/// <summary>A refusal as IoT Hub's device endpoints give it: the HTTP status and IoT Hub's error code name.</summary>
public sealed record IoTHubError(int Status, string Code, string Message);

/// <summary>
/// The gateway's refusals (<see cref="ApiError"/> codes, the same for every transport) in IoT Hub's dialect, so
/// Microsoft's device SDKs raise the error classes their users handle. Over HTTPS IoT Hub answers the status with an
/// <c>iothub-errorcode</c> header and a JSON body
/// <c>{"Message":"ErrorCode:{code};{message}","ExceptionMessage":"Tracking ID:{id}-TimeStamp:{MM/dd/yyyy HH:mm:ss}"}</c>;
/// the Node.js SDK's HTTP transport chooses its error class by the status alone (400 ArgumentError, 401
/// UnauthorizedError, 403 IotHubQuotaExceededError, 404 DeviceNotFoundError, 413 MessageTooLargeError, 500
/// InternalServerError, 503 ServiceUnavailableError, anything else a plain Error, 429 included). The MQTT transport
/// maps the same <see cref="ApiError"/> codes to its own answers.
/// </summary>
public static class IoTHubErrors
{
    /// <summary>401002: no token, a malformed, forged or expired one, one for another device or hub, or an unknown device.</summary>
    public const string UnauthorizedAccess = "IotHubUnauthorizedAccess";

    /// <summary>404001: the device is not registered, or is disabled (IoT Hub answers a disabled device so).</summary>
    public const string DeviceNotFound = "DeviceNotFound";

    /// <summary>400004: the body cannot be read (a batch that is not IoT Hub's batch format).</summary>
    public const string ArgumentInvalid = "ArgumentInvalid";

    /// <summary>412001: the lock token (the ETag) does not name a message this device holds locked now.</summary>
    public const string PreconditionFailed = "PreconditionFailed";

    /// <summary>413001: more than 256 KB.</summary>
    public const string MessageTooLarge = "MessageTooLarge";

    /// <summary>429001: over the device's rate; <c>Retry-After</c> says when to try again.</summary>
    public const string Throttling = "ThrottlingException";

    /// <summary>500001.</summary>
    public const string ServerError = "ServerError";

    /// <summary>503001: the hub cannot serve now (its storage failed); <c>Retry-After</c> says when to try again.</summary>
    public const string ServiceUnavailable = "ServiceUnavailable";

    /// <summary>The gateway's code for a request it could not serve because its storage failed.</summary>
    public const string UnavailableCode = "gateway.unavailable";

    /// <summary>The gateway's code for a device that is registered but disabled (answered as <see cref="DeviceNotFound"/>).</summary>
    public const string DeviceDisabledCode = ApiError.DeviceDisabled;

    /// <summary>The gateway's code for a device over its rate.</summary>
    public const string RateLimitedCode = SecurityEventCodes.DeviceRateLimited;

    /// <summary>The gateway's code for a lock token that names no message the device holds now.</summary>
    public const string LockLostCode = "message.lock-lost";

    /// <summary>
    /// The one answer to every unauthenticated caller, whatever the reason (which the security audit keeps): it tells no
    /// one whether a device exists or how it authenticates.
    /// </summary>
    public const string UnauthorizedMessage =
        "Send 'Authorization: SharedAccessSignature sr={hub}/devices/{device id}&sig=…&se=…', unexpired and signed with the device's key.";

    /// <summary>IoT Hub's answer to a refusal of the gateway (every 401 alike).</summary>
    public static IoTHubError For(ApiError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Code switch
        {
            _ when error.Status == 401 || error.Code == ApiError.Unauthenticated => new(401, UnauthorizedAccess, UnauthorizedMessage),
            ApiError.DeviceNotFound or DeviceDisabledCode or ApiError.DeviceDeleted => new(404, DeviceNotFound, error.Detail),
            ApiError.BodyInvalid or ApiError.ParameterInvalid => new(400, ArgumentInvalid, error.Field is { Length: > 0 } field ? $"{error.Detail} (at {field})" : error.Detail),
            LockLostCode => new(412, PreconditionFailed, error.Detail),
            ErrorCodes.MessageTooLarge => new(413, MessageTooLarge, error.Detail),
            RateLimitedCode => new(429, Throttling, error.Detail),
            UnavailableCode => new(503, ServiceUnavailable, error.Detail),
            _ => new(500, ServerError, error.Detail),
        };
    }

    /// <summary>
    /// The security audit's code for a refusal, null when it is not a security event (an unreadable body, a lost
    /// lock, a message too large).
    /// </summary>
    public static string? AuditCode(ApiError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Code switch
        {
            ApiError.Unauthenticated => SecurityEventCodes.DeviceUnauthenticated,
            DeviceDisabledCode => SecurityEventCodes.DeviceDisabled,
            ApiError.DeviceNotFound or ApiError.DeviceDeleted => SecurityEventCodes.DeviceUnknown,
            RateLimitedCode => SecurityEventCodes.DeviceRateLimited,
            _ => null,
        };
    }

    /// <summary>
    /// The JSON body of an HTTPS refusal. The SDKs that read it split <c>Message</c> at its first <c>;</c> into code and
    /// text, so the text keeps none of its own.
    /// </summary>
    public static string Body(IoTHubError error, string trackingId, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(error);
        var message = error.Message.Replace(';', ',');
        var stamp = at.UtcDateTime.ToString("MM/dd/yyyy HH:mm:ss", CultureInfo.InvariantCulture);
        return JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["Message"] = $"ErrorCode:{error.Code};{message}",
            ["ExceptionMessage"] = $"Tracking ID:{trackingId}-TimeStamp:{stamp}",
        });
    }
}

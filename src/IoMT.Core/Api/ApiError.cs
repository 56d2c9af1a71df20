namespace IoMT.Core.Api;

/// <summary>
/// Why the management API refused a request: an HTTP status, a stable <see cref="Code"/> (clients branch on it; add codes,
/// never rename one), a message for people and, for bad input, the parameter or JSON pointer at fault. Hosts send it as
/// RFC 7807 problem details.
/// </summary>
public sealed record ApiError(int Status, string Code, string Detail, string? Field = null)
{
    public const string Unauthenticated = "auth.unauthenticated";
    public const string Forbidden = "auth.forbidden";
    public const string ParameterInvalid = "request.parameter-invalid";
    public const string BodyInvalid = "request.body-invalid";
    public const string Conflict = "request.conflict";
    public const string PatientNotFound = "patient.not-found";
    public const string DeviceNotFound = "device.not-found";
    public const string DeviceExists = "device.exists";
    public const string DeviceDeleted = "device.deleted";
    public const string DeviceDisabled = "device.disabled";
    public const string DeviceQueueFull = "device.queue-full";
    public const string BindingConflict = "binding.conflict";
    public const string EnrollmentGroupNotFound = "enrollment-group.not-found";
    public const string EnrollmentGroupExists = "enrollment-group.exists";
    public const string AlertNotFound = "alert.not-found";
    public const string AlertResolved = "alert.resolved";
    public const string UserNotFound = "user.not-found";
    public const string TokenNotFound = "token.not-found";

    public static ApiError Unauthorized() =>
        new(401, Unauthenticated, "Sign in: send 'Authorization: Bearer <token>'.");

    public static ApiError InvalidParameter(string field, string detail) => new(400, ParameterInvalid, detail, field);

    /// <summary>A request body member at fault, named by its JSON pointer (e.g. <c>/kinds/1</c>).</summary>
    public static ApiError InvalidBody(string pointer, string detail) => new(400, BodyInvalid, detail, pointer);

    public static ApiError NoSuchDevice(string deviceId) => new(404, DeviceNotFound, $"No device '{deviceId}' among the devices you can see.");

    public static ApiError Forbid(string detail) => new(403, Forbidden, detail);

    /// <summary>Also the answer for a patient the caller may not see, so that no one learns which patients exist.</summary>
    public static ApiError NoSuchPatient(string patientId) =>
        new(404, PatientNotFound, $"No patient '{patientId}' among the patients you can see.");

    /// <summary>Also the answer for an alert of a patient the caller may not see.</summary>
    public static ApiError NoSuchAlert(string alertId) => new(404, AlertNotFound, $"No alert '{alertId}' among the alerts you can see.");

    /// <summary>The problem details title: a short summary of the status.</summary>
    public string Title => Status switch
    {
        400 => "Invalid request",
        401 => "Not signed in",
        403 => "Not allowed",
        404 => "Not found",
        409 => "Conflict",
        _ => "Request failed",
    };
}

namespace IoMT.Core.Validation;

/// <summary>
/// Stable rejection codes of the telemetry contract. Devices, scripts and dashboards depend on them: add codes,
/// never rename one. docs/telemetry.md explains each.
/// </summary>
public static class ErrorCodes
{
    // Message level: the whole message is rejected.
    public const string JsonMalformed = "json.malformed";
    public const string MessageTooLarge = "message.too-large";
    public const string MessageTooManyReadings = "message.too-many-readings";
    public const string MessageDuplicate = "message.duplicate";
    public const string SchemaVersion = "schema.version";
    public const string DeviceMismatch = "device.mismatch";
    public const string DeviceUnknown = "device.unknown";
    public const string DeviceDisabled = "device.disabled";

    /// <summary>Processing failed unexpectedly (a defect); the message is kept in quarantine for investigation.</summary>
    public const string MessageUnprocessable = "message.unprocessable";

    // Message or reading level, depending on where the problem is.
    public const string SchemaRequired = "schema.required";
    public const string SchemaType = "schema.type";
    public const string SchemaFormat = "schema.format";
    public const string SchemaDuplicateProperty = "schema.duplicate-property";

    // Reading level: only that reading is rejected.
    public const string ReadingKindUnknown = "reading.kind-unknown";
    public const string UnitUnsupported = "unit.unsupported";
    public const string ValueOutOfRange = "value.out-of-range";
    public const string ValueInvalid = "value.invalid";
    public const string TimeFuture = "time.future";
    public const string TimeTooOld = "time.too-old";
    public const string BindingNone = "binding.none";

    // Device-payload mapping (docs/mappings.md): messages in a device's own format, mapped before validation.

    /// <summary>No template of the device's active mapping matched the message (message level).</summary>
    public const string MappingNoMatch = "mapping.no-match";

    /// <summary>A template matched, but a value it marks required is absent or empty (that measurement only).</summary>
    public const string MappingRequiredMissing = "mapping.required-missing";

    /// <summary>An expression could not be evaluated on this message, e.g. it selected several values where one was expected.</summary>
    public const string MappingExpressionFailed = "mapping.expression-failed";
}

/// <summary>Why something was rejected: a stable <see cref="ErrorCodes">code</see>, an RFC 6901 JSON pointer and a human message.</summary>
public sealed record ValidationError(string Code, string Pointer, string Message);

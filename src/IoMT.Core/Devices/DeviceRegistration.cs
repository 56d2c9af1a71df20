using System.Text.RegularExpressions;
using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Telemetry;

namespace IoMT.Core.Devices;

/// <summary>How a registration names its credentials: <c>symmetricKey</c> (keys generated when absent) or <c>x509</c>.</summary>
public sealed record DeviceAuthenticationInput(
    string? Type = null, string? PrimaryKey = null, string? SecondaryKey = null, string? PrimaryThumbprint = null, string? SecondaryThumbprint = null);

/// <summary>A device as a device maker or admin registers it (one API call, or one row of an import).</summary>
public sealed record DeviceRegistration
{
    public string? Id { get; init; }

    public string? Manufacturer { get; init; }

    public string? Model { get; init; }

    public IReadOnlyList<string?>? Kinds { get; init; }

    public string? SerialNumber { get; init; }

    public string? Firmware { get; init; }

    /// <summary><c>enabled</c> (default) or <c>disabled</c>.</summary>
    public string? Status { get; init; }

    /// <summary>How often the device sends while it works; a bound device silent for twice that raises <c>device-silent</c>. None: not watched.</summary>
    public int? ReportingIntervalSeconds { get; init; }

    public DeviceAuthenticationInput? Authentication { get; init; }
}

/// <summary>Turns a registration into a device record, or says precisely what is wrong (JSON pointer + message).</summary>
public static partial class DeviceRegistrations
{
    public const int MaxTextLength = 64;
    public const int MinReportingIntervalSeconds = 1;
    public const int MaxReportingIntervalSeconds = 7 * 24 * 3600;

    /// <summary>
    /// Validates <paramref name="registration"/> for <paramref name="caller"/>: a device maker registers devices of
    /// its own manufacturer only (the manufacturer defaults to it). <paramref name="pointer"/> prefixes every error
    /// pointer (e.g. <c>/12</c> for row 12 of an import).
    /// </summary>
    public static ApiResult<DeviceRecord> Validate(DeviceRegistration registration, Caller caller, DateTimeOffset now, string pointer = "")
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(caller);
        if (!DeviceIds.IsValid(registration.Id))
        {
            return ApiError.InvalidBody(pointer + "/id", $"'id' must be {DeviceIds.Rule}.");
        }

        var manufacturer = registration.Manufacturer ?? (caller.Has(Role.Admin) ? null : caller.Manufacturer);
        if (Text(manufacturer) is null)
        {
            return ApiError.InvalidBody(pointer + "/manufacturer", $"'manufacturer' is required: 1–{MaxTextLength} printable characters.");
        }

        if (!caller.Has(Role.Admin) && !string.Equals(manufacturer, caller.Manufacturer, StringComparison.Ordinal))
        {
            return ApiError.Forbid($"You register devices of '{caller.Manufacturer}' only.");
        }

        if (Text(registration.Model) is null)
        {
            return ApiError.InvalidBody(pointer + "/model", $"'model' is required: 1–{MaxTextLength} printable characters.");
        }

        if (ValidateKinds(registration.Kinds, pointer) is { } kindsError)
        {
            return kindsError;
        }

        foreach (var (name, value) in new[] { ("serialNumber", registration.SerialNumber), ("firmware", registration.Firmware) })
        {
            if (value is not null && Text(value) is null)
            {
                return ApiError.InvalidBody($"{pointer}/{name}", $"'{name}' must be 1–{MaxTextLength} printable characters.");
            }
        }

        if (!TryParseStatus(registration.Status, out var status))
        {
            return ApiError.InvalidBody(pointer + "/status", "'status' must be 'enabled' or 'disabled'.");
        }

        if (registration.ReportingIntervalSeconds is < MinReportingIntervalSeconds or > MaxReportingIntervalSeconds)
        {
            return ApiError.InvalidBody(pointer + "/reportingIntervalSeconds",
                $"'reportingIntervalSeconds' must be a whole number of seconds, {MinReportingIntervalSeconds}–{MaxReportingIntervalSeconds} (7 days).");
        }

        var credentials = Credentials(registration.Authentication, pointer);
        if (!credentials.IsSuccess)
        {
            return credentials.Error!;
        }

        return new DeviceRecord
        {
            Id = registration.Id!,
            Manufacturer = manufacturer!,
            Model = registration.Model!,
            Kinds = [.. registration.Kinds!.Select(k => k!)],
            SerialNumber = registration.SerialNumber,
            Firmware = registration.Firmware,
            Status = status,
            ReportingInterval = registration.ReportingIntervalSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            Credentials = credentials.Value!,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    public static bool TryParseStatus(string? text, out DeviceStatus status)
    {
        status = text == "disabled" ? DeviceStatus.Disabled : DeviceStatus.Enabled;
        return text is null or "enabled" or "disabled";
    }

    public static ApiError? ValidateKinds(IReadOnlyList<string?>? kinds, string pointer)
    {
        if (kinds is not { Count: > 0 })
        {
            return ApiError.InvalidBody(pointer + "/kinds", "'kinds' must list the reading kinds the device sends, e.g. [\"spo2\", \"heartRate\"].");
        }

        for (var i = 0; i < kinds.Count; i++)
        {
            if (kinds[i] is not { } kind || !ReadingKinds.TryParse(kind, out _))
            {
                return ApiError.InvalidBody($"{pointer}/kinds/{i}", $"Unknown reading kind '{kinds[i]}'; see docs/telemetry.md for the kinds.");
            }

            if (kinds.Take(i).Contains(kind))
            {
                return ApiError.InvalidBody($"{pointer}/kinds/{i}", $"Reading kind '{kind}' is listed twice.");
            }
        }

        return null;
    }

    private static ApiResult<DeviceCredentials> Credentials(DeviceAuthenticationInput? input, string pointer)
    {
        var at = pointer + "/authentication";
        switch (input?.Type ?? "symmetricKey")
        {
            case "symmetricKey":
                if (input?.PrimaryThumbprint is not null || input?.SecondaryThumbprint is not null)
                {
                    return ApiError.InvalidBody(at + "/type", "Thumbprints belong to type 'x509'.");
                }

                foreach (var (name, key) in new[] { ("primaryKey", input?.PrimaryKey), ("secondaryKey", input?.SecondaryKey) })
                {
                    if (key is not null && !IsKey(key))
                    {
                        return ApiError.InvalidBody($"{at}/{name}", $"'{name}' must be base64 of 16 to 64 bytes (or absent, to have one generated).");
                    }
                }

                return new DeviceCredentials(DeviceAuthenticationType.SymmetricKey, input?.PrimaryKey ?? DpsKeys.NewKey(), input?.SecondaryKey ?? DpsKeys.NewKey());
            case "x509":
                if (input!.PrimaryKey is not null || input.SecondaryKey is not null)
                {
                    return ApiError.InvalidBody(at + "/type", "Keys belong to type 'symmetricKey'.");
                }

                if (input.PrimaryThumbprint is null || !Thumbprint().IsMatch(input.PrimaryThumbprint))
                {
                    return ApiError.InvalidBody(at + "/primaryThumbprint", "'primaryThumbprint' must be the certificate's SHA-1 (40) or SHA-256 (64) hex thumbprint.");
                }

                if (input.SecondaryThumbprint is not null && !Thumbprint().IsMatch(input.SecondaryThumbprint))
                {
                    return ApiError.InvalidBody(at + "/secondaryThumbprint", "'secondaryThumbprint' must be a SHA-1 (40) or SHA-256 (64) hex thumbprint.");
                }

                return new DeviceCredentials(DeviceAuthenticationType.X509,
                    PrimaryThumbprint: input.PrimaryThumbprint.ToUpperInvariant(), SecondaryThumbprint: input.SecondaryThumbprint?.ToUpperInvariant());
            default:
                return ApiError.InvalidBody(at + "/type", "'type' must be 'symmetricKey' or 'x509'.");
        }
    }

    /// <summary>Trimmed, 1–64 characters, no control characters; null otherwise.</summary>
    internal static string? Text(string? value) =>
        value is { Length: > 0 and <= MaxTextLength } && value == value.Trim() && !value.Any(char.IsControl) ? value : null;

    private static bool IsKey(string base64)
    {
        Span<byte> bytes = stackalloc byte[64];
        return base64.Length <= 88 && Convert.TryFromBase64String(base64, bytes, out var length) && length >= 16;
    }

    [GeneratedRegex("^([0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$")]
    private static partial Regex Thumbprint();
}

using System.Text;
using System.Text.Json;
using IoMT.Core.Access;

namespace IoMT.Api;

/// <summary>
/// How Entra ID sign-ins become callers in Azure (section <c>Access</c>): roles come from the app roles of the
/// sign-in (values are the role names: <c>nurse</c>, <c>admin</c>…); care teams and a device maker's manufacturer from
/// Entra group memberships, mapped here from group object ids.
/// </summary>
public sealed class EntraAccessOptions
{
    public const string SectionName = "Access";

    /// <summary>Entra group object id → care team id.</summary>
    public Dictionary<string, string> CareTeamGroups { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Entra group object id → manufacturer, for device makers.</summary>
    public Dictionary<string, string> ManufacturerGroups { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// The caller App Service Authentication signed in, from the <c>X-MS-CLIENT-PRINCIPAL</c> header it sets (base64 JSON:
/// <c>auth_typ</c>, <c>claims[{typ, val}]</c>, <c>name_typ</c>, <c>role_typ</c>). App Service strips the header from
/// incoming requests and sets it only for authenticated callers, so the app must run with App Service Authentication
/// enabled and requiring sign-in (infra/ configures it).
/// </summary>
public static class AppServicePrincipal
{
    public const string Header = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>
    /// The read-only setting App Service injects as <c>True</c> when App Service Authentication is on. Without it nothing
    /// strips <see cref="Header"/> from requests, so a caller could forge it: the header is trusted only when this is set.
    /// </summary>
    public const string EnabledSetting = "WEBSITE_AUTH_ENABLED";

    private const string ObjectId = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    public static bool IsEnabled(string? setting) => string.Equals(setting, "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null for a missing, malformed or anonymous principal, or one without an object id.</summary>
    public static Caller? ToCaller(string? header, EntraAccessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(header) || header.Length > 64 * 1024)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(header)));
            var root = document.RootElement;
            if (!root.TryGetProperty("auth_typ", out var authType) || string.IsNullOrEmpty(authType.GetString())
                || !root.TryGetProperty("claims", out var claims) || claims.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var roleType = root.TryGetProperty("role_typ", out var typ) && typ.GetString() is { Length: > 0 } declared ? declared : "roles";
            var all = claims.EnumerateArray()
                .Select(c => (Type: c.GetProperty("typ").GetString() ?? "", Value: c.GetProperty("val").GetString() ?? ""))
                .ToList();
            var id = all.FirstOrDefault(c => c.Type is ObjectId or "oid").Value;
            if (string.IsNullOrEmpty(id))
            {
                return null;
            }

            var roles = all.Where(c => c.Type == roleType || c.Type == "roles")
                .Select(c => Roles.TryParse(c.Value, out var role) ? role : (Role?)null).OfType<Role>().ToHashSet();
            var groups = all.Where(c => c.Type == "groups").Select(c => c.Value).ToList();
            var careTeams = groups.Select(g => options.CareTeamGroups.GetValueOrDefault(g)).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var manufacturer = groups.Select(g => options.ManufacturerGroups.GetValueOrDefault(g)).FirstOrDefault(m => m is not null);
            return new Caller(id, roles, careTeams, manufacturer);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return null;
        }
    }
}

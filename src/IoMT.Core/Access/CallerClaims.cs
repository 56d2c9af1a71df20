using System.Security.Claims;

namespace IoMT.Core.Access;

/// <summary>
/// A <see cref="Caller"/> as claims and back, so every host's authentication (local tokens, Entra ID) ends in the same
/// principal: <c>sub</c>, one <c>role</c> claim per role (contract names), one <c>care_team</c> claim per care team and
/// <c>manufacturer</c> for device makers.
/// </summary>
public static class CallerClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string CareTeam = "care_team";
    public const string Manufacturer = "manufacturer";

    public static ClaimsPrincipal ToPrincipal(Caller caller, string authenticationType)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var claims = new List<Claim> { new(Subject, caller.Id) };
        claims.AddRange(caller.Roles.Select(role => new Claim(Role, role.Name())));
        claims.AddRange(caller.CareTeams.Select(team => new Claim(CareTeam, team)));
        if (caller.Manufacturer is { } manufacturer)
        {
            claims.Add(new Claim(Manufacturer, manufacturer));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, Subject, Role));
    }

    /// <summary>The caller of an authenticated principal; null when it is anonymous or has no subject. Unknown roles are ignored.</summary>
    public static Caller? FromPrincipal(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.Identity?.IsAuthenticated != true || principal.FindFirst(Subject)?.Value is not { Length: > 0 } id)
        {
            return null;
        }

        var roles = principal.FindAll(Role).Select(c => Roles.TryParse(c.Value, out var role) ? role : (Role?)null).OfType<Role>().ToHashSet();
        var careTeams = principal.FindAll(CareTeam).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new Caller(id, roles, careTeams, principal.FindFirst(Manufacturer)?.Value);
    }
}

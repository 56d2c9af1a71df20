namespace IoMT.Core.Access;

/// <summary>
/// Who is asking, as every host authenticates them (a local API token, or Entra ID in Azure): a user id, roles, the
/// care teams they belong to and, for device makers, their manufacturer.
/// </summary>
public sealed record Caller(string Id, IReadOnlySet<Role> Roles, IReadOnlySet<string> CareTeams, string? Manufacturer = null)
{
    public bool Has(Role role) => Roles.Contains(role);
}

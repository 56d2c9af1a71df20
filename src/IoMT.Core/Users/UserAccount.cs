using IoMT.Core.Access;

namespace IoMT.Core.Users;

/// <summary>
/// A person who signs in to the local host with API tokens: roles, care teams, for device makers their manufacturer,
/// and whether an admin disabled them (a disabled user's tokens sign no one in until the user is enabled again).
/// </summary>
public sealed record UserAccount(string Id, IReadOnlyList<Role> Roles, IReadOnlyList<string> CareTeams, string? Manufacturer = null, bool Disabled = false)
{
    public UserView ToView() =>
        new(Id, [.. Roles.Select(r => r.Name()).Order(StringComparer.Ordinal)], [.. CareTeams.Order(StringComparer.Ordinal)], Manufacturer, Disabled);
}

/// <summary>A user as the API shows them (roles by their contract names).</summary>
public sealed record UserView(string Id, IReadOnlyList<string> Roles, IReadOnlyList<string> CareTeams, string? Manufacturer, bool Disabled);

/// <summary>What an admin says about a user (<c>PUT /users/{id}</c>): roles by contract name, care teams, a device maker's manufacturer.</summary>
public sealed record UserRequest(IReadOnlyList<string?>? Roles, IReadOnlyList<string?>? CareTeams, string? Manufacturer);

/// <summary>A new token (<c>POST /users/{id}/tokens</c>): what it is for, and for how many days it works (1–365, default 90).</summary>
public sealed record TokenRequest(string? Label, int? ExpiresInDays);

/// <summary>
/// An API token as listed: its id (the first 16 hex digits of the secret's SHA-256, which the store keeps; the id cannot
/// sign anyone in), label, when it was issued and until when it works (null: until revoked).
/// </summary>
public sealed record TokenView(string Id, string Label, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>A token just issued: the secret is shown this once and never stored.</summary>
public sealed record IssuedToken(string Id, string Label, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string Token);

/// <summary>One change to a user or their tokens: when, by whom, what (<see cref="UserChanges"/>) and its particulars.</summary>
public sealed record UserChange(DateTimeOffset At, string Actor, string Action, string UserId, string Detail);

/// <summary>The actions a <see cref="UserChange"/> records (contract names: add, never rename).</summary>
public static class UserChanges
{
    public const string Saved = "user.saved";
    public const string Disabled = "user.disabled";
    public const string Enabled = "user.enabled";
    public const string TokenIssued = "token.issued";
    public const string TokenRevoked = "token.revoked";

    public static UserChange Save(DateTimeOffset at, string actor, UserAccount user) =>
        new(at, actor, Saved, user.Id,
            $"roles: {string.Join(", ", user.ToView().Roles)}; care teams: {string.Join(", ", user.CareTeams)}{(user.Manufacturer is { } m ? $"; manufacturer: {m}" : "")}");

    public static UserChange Token(DateTimeOffset at, string actor, string action, string userId, TokenView token) =>
        new(at, actor, action, userId, $"token {token.Id} '{token.Label}'{(token.ExpiresAt is { } e ? $", expires {e:yyyy-MM-ddTHH:mm:ssZ}" : "")}");
}

/// <summary>
/// Where users, their tokens (as hashes) and the record of every change to them are kept. Each write commits the change
/// and its <see cref="UserChange"/> together, or neither.
/// </summary>
public interface IUserStore
{
    Task<UserAccount?> FindUserAsync(string userId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces the user (roles, care teams, manufacturer, disabled).</summary>
    Task SaveUserAsync(UserAccount user, UserChange change, CancellationToken cancellationToken = default);

    /// <summary>Stores a token by its secret's hash (<see cref="ApiTokens.Hash"/>).</summary>
    Task AddTokenAsync(string userId, string hash, TokenView token, UserChange change, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<TokenView>> ListTokensAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Deletes the user's token; null when the user has no token with that id.</summary>
    Task<TokenView?> RevokeTokenAsync(string userId, string tokenId, Func<TokenView, UserChange> change, CancellationToken cancellationToken = default);

    /// <summary>The user's changes, newest first.</summary>
    Task<IReadOnlyList<UserChange>> HistoryAsync(string userId, int max, CancellationToken cancellationToken = default);
}

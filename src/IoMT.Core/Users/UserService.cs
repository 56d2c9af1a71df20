using IoMT.Core.Access;
using IoMT.Core.Api;

namespace IoMT.Core.Users;

/// <summary>
/// Users and their API tokens on the local host, managed by admins only: create or change a user (roles, care teams),
/// disable and enable them, issue tokens that expire, list and revoke them. Every change is recorded with who made it.
/// An admin cannot disable themselves or take away their own admin role, so someone can always manage users.
/// </summary>
public sealed class UserService(IUserStore store, TimeProvider time)
{
    public const int DefaultTokenDays = 90;
    public const int MaxTokenDays = 365;
    public const int MaxLabelLength = 100;
    public const int HistoryLimit = 1_000;
    private const string IdRule = "1–64 letters, digits, '-', '_' or '.'";

    public Task<ApiResult<IReadOnlyList<UserView>>> ListAsync(Caller caller, CancellationToken cancellationToken = default) =>
        AsAdminAsync<IReadOnlyList<UserView>>(caller, async () =>
            (await store.ListUsersAsync(cancellationToken).ConfigureAwait(false)).Select(u => u.ToView()).ToList());

    public Task<ApiResult<UserView>> GetAsync(Caller caller, string userId, CancellationToken cancellationToken = default) =>
        WithUserAsync(caller, userId, user => Task.FromResult<ApiResult<UserView>>(user.ToView()), cancellationToken);

    public Task<ApiResult<UserView>> SaveAsync(Caller caller, string userId, UserRequest request, CancellationToken cancellationToken = default) =>
        AsAdminAsync<UserView>(caller, async () =>
        {
            ArgumentNullException.ThrowIfNull(request);
            var (user, error) = Parse(userId, request);
            if (error is not null)
            {
                return error;
            }

            if (userId == caller.Id && !user!.Roles.Contains(Role.Admin))
            {
                return new ApiError(409, ApiError.Conflict, "You cannot take away your own admin role; another admin can.");
            }

            var existing = await store.FindUserAsync(userId, cancellationToken).ConfigureAwait(false);
            user = user! with { Disabled = existing?.Disabled ?? false };
            await store.SaveUserAsync(user, UserChanges.Save(time.GetUtcNow(), caller.Id, user), cancellationToken).ConfigureAwait(false);
            return user.ToView();
        });

    /// <summary>Disables or enables the user; a disabled user's tokens stop working at once (open live streams end).</summary>
    public Task<ApiResult<UserView>> SetDisabledAsync(Caller caller, string userId, bool disabled, CancellationToken cancellationToken = default) =>
        WithUserAsync<UserView>(caller, userId, async user =>
        {
            if (disabled && userId == caller.Id)
            {
                return new ApiError(409, ApiError.Conflict, "You cannot disable yourself; another admin can.");
            }

            user = user with { Disabled = disabled };
            var change = new UserChange(time.GetUtcNow(), caller.Id, disabled ? UserChanges.Disabled : UserChanges.Enabled, userId, "");
            await store.SaveUserAsync(user, change, cancellationToken).ConfigureAwait(false);
            return user.ToView();
        }, cancellationToken);

    public Task<ApiResult<IReadOnlyList<TokenView>>> ListTokensAsync(Caller caller, string userId, CancellationToken cancellationToken = default) =>
        WithUserAsync<IReadOnlyList<TokenView>>(caller, userId, async _ =>
            new ApiResult<IReadOnlyList<TokenView>>(await store.ListTokensAsync(userId, cancellationToken).ConfigureAwait(false), null), cancellationToken);

    /// <summary>Issues a token that works for <see cref="TokenRequest.ExpiresInDays"/> days; its secret is in the answer only.</summary>
    public Task<ApiResult<IssuedToken>> IssueTokenAsync(Caller caller, string userId, TokenRequest request, CancellationToken cancellationToken = default) =>
        WithUserAsync<IssuedToken>(caller, userId, async _ =>
        {
            ArgumentNullException.ThrowIfNull(request);
            if (string.IsNullOrWhiteSpace(request.Label) || request.Label.Length > MaxLabelLength || request.Label.Any(char.IsControl))
            {
                return ApiError.InvalidBody("/label", $"Say what the token is for in 1–{MaxLabelLength} characters (no control characters).");
            }

            if (request.ExpiresInDays is < 1 or > MaxTokenDays)
            {
                return ApiError.InvalidBody("/expiresInDays", $"A token works for 1–{MaxTokenDays} days (default {DefaultTokenDays}).");
            }

            var now = time.GetUtcNow();
            var secret = ApiTokens.New();
            var hash = ApiTokens.Hash(secret);
            var token = new TokenView(ApiTokens.IdOf(hash), request.Label, now, now.AddDays(request.ExpiresInDays ?? DefaultTokenDays));
            await store.AddTokenAsync(userId, hash, token, UserChanges.Token(now, caller.Id, UserChanges.TokenIssued, userId, token), cancellationToken)
                .ConfigureAwait(false);
            return new IssuedToken(token.Id, token.Label, token.CreatedAt, token.ExpiresAt, secret);
        }, cancellationToken);

    public Task<ApiResult<TokenView>> RevokeTokenAsync(Caller caller, string userId, string tokenId, CancellationToken cancellationToken = default) =>
        WithUserAsync<TokenView>(caller, userId, async _ =>
        {
            var now = time.GetUtcNow();
            var revoked = await store.RevokeTokenAsync(userId, tokenId, token => UserChanges.Token(now, caller.Id, UserChanges.TokenRevoked, userId, token), cancellationToken)
                .ConfigureAwait(false);
            return revoked is null ? new ApiError(404, ApiError.TokenNotFound, $"User '{userId}' has no token '{tokenId}'.") : revoked;
        }, cancellationToken);

    public Task<ApiResult<IReadOnlyList<UserChange>>> HistoryAsync(Caller caller, string userId, CancellationToken cancellationToken = default) =>
        AsAdminAsync<IReadOnlyList<UserChange>>(caller, async () =>
        {
            if (!Identifiers.IsValid(userId))
            {
                return ApiError.InvalidParameter("id", $"A user id is {IdRule}.");
            }

            // A deleted user is not a thing; an unknown one has no history, and the answer says so with an empty list.
            return new ApiResult<IReadOnlyList<UserChange>>(await store.HistoryAsync(userId, HistoryLimit, cancellationToken).ConfigureAwait(false), null);
        });

    /// <summary>The user a request describes, or the first thing wrong with it (a JSON pointer into the body).</summary>
    public static (UserAccount? User, ApiError? Error) Parse(string userId, UserRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Identifiers.IsValid(userId))
        {
            return (null, ApiError.InvalidParameter("id", $"A user id is {IdRule}."));
        }

        if (request.Roles is not { Count: > 0 } names)
        {
            return (null, ApiError.InvalidBody("/roles", $"Give at least one role: {string.Join(", ", Roles.All.Select(r => r.Name()))}."));
        }

        var roles = new List<Role>();
        for (var i = 0; i < names.Count; i++)
        {
            if (!Roles.TryParse(names[i], out var role))
            {
                return (null, ApiError.InvalidBody($"/roles/{i}", $"Unknown role; the roles are {string.Join(", ", Roles.All.Select(r => r.Name()))}."));
            }

            roles.Add(role);
        }

        var careTeams = request.CareTeams ?? [];
        for (var i = 0; i < careTeams.Count; i++)
        {
            if (!Identifiers.IsValid(careTeams[i]))
            {
                return (null, ApiError.InvalidBody($"/careTeams/{i}", $"A care team id is {IdRule}."));
            }
        }

        var maker = roles.Contains(Role.DeviceMaker);
        if (maker != !string.IsNullOrWhiteSpace(request.Manufacturer) || request.Manufacturer?.Length > MaxLabelLength)
        {
            return (null, ApiError.InvalidBody("/manufacturer", maker
                ? $"A device maker needs their manufacturer (1–{MaxLabelLength} characters): it decides which devices they see."
                : "Only device makers have a manufacturer."));
        }

        return (new UserAccount(userId, [.. roles.Distinct()], [.. careTeams.Select(t => t!).Distinct(StringComparer.Ordinal)], request.Manufacturer), null);
    }

    private static async Task<ApiResult<T>> AsAdminAsync<T>(Caller caller, Func<Task<ApiResult<T>>> action)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Has(Role.Admin) ? await action().ConfigureAwait(false) : ApiError.Forbid("Only admins manage users and their tokens.");
    }

    private Task<ApiResult<T>> WithUserAsync<T>(Caller caller, string userId, Func<UserAccount, Task<ApiResult<T>>> action, CancellationToken cancellationToken) =>
        AsAdminAsync(caller, async () =>
        {
            if (!Identifiers.IsValid(userId))
            {
                return ApiError.InvalidParameter("id", $"A user id is {IdRule}.");
            }

            return await store.FindUserAsync(userId, cancellationToken).ConfigureAwait(false) is { } user
                ? await action(user).ConfigureAwait(false)
                : new ApiError(404, ApiError.UserNotFound, $"No user '{userId}'.");
        });
}

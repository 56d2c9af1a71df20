using IoMT.Core.Users;
using Microsoft.AspNetCore.Routing;

namespace IoMT.Api;

/// <summary>
/// Users and their API tokens (admins only). The local host serves these routes; in Azure people sign in with Entra ID
/// and their roles and care teams come from app roles and groups, so the Functions app has no such routes.
/// </summary>
public static partial class ManagementRoutes
{
    public static IReadOnlyList<ManagementRoute> Users { get; } =
    [
        new("GET", "users", "ListUsers", ListUsersAsync),
        new("GET", "users/{id}", "GetUser", GetUserAsync),
        new("PUT", "users/{id}", "SaveUser", SaveUserAsync),
        new("POST", "users/{id}/disable", "DisableUser", http => SetDisabledAsync(http, disabled: true)),
        new("POST", "users/{id}/enable", "EnableUser", http => SetDisabledAsync(http, disabled: false)),
        new("GET", "users/{id}/tokens", "ListUserTokens", ListTokensAsync),
        new("POST", "users/{id}/tokens", "IssueUserToken", IssueTokenAsync),
        new("DELETE", "users/{id}/tokens/{tokenId}", "RevokeUserToken", RevokeTokenAsync),
        new("GET", "users/{id}/history", "GetUserHistory", UserHistoryAsync),
    ];

    /// <summary>Every route the local host serves: <see cref="All"/> and <see cref="Users"/>.</summary>
    public static IReadOnlyList<ManagementRoute> LocalHost { get; } = [.. All, .. Users];

    private static Task<IResult> ListUsersAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Service<UserService>(http).ListAsync(caller, http.RequestAborted).ConfigureAwait(false)));

    private static Task<IResult> GetUserAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Service<UserService>(http).GetAsync(caller, Id(http), http.RequestAborted).ConfigureAwait(false)));

    private static Task<IResult> SaveUserAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = await ApiJson.ReadAsync<UserRequest>(http.Request, http.RequestAborted).ConfigureAwait(false);
        return body.IsSuccess
            ? Answer(await Service<UserService>(http).SaveAsync(caller, Id(http), body.Value!, http.RequestAborted).ConfigureAwait(false))
            : Answer(body);
    });

    private static Task<IResult> SetDisabledAsync(HttpContext http, bool disabled) => AsCallerAsync(http, async caller =>
        Answer(await Service<UserService>(http).SetDisabledAsync(caller, Id(http), disabled, http.RequestAborted).ConfigureAwait(false)));

    private static Task<IResult> ListTokensAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Service<UserService>(http).ListTokensAsync(caller, Id(http), http.RequestAborted).ConfigureAwait(false)));

    /// <summary><c>POST /users/{id}/tokens</c>: 201 with the token's secret, shown this once.</summary>
    private static Task<IResult> IssueTokenAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = await ApiJson.ReadAsync<TokenRequest>(http.Request, http.RequestAborted).ConfigureAwait(false);
        return body.IsSuccess
            ? Answer(await Service<UserService>(http).IssueTokenAsync(caller, Id(http), body.Value!, http.RequestAborted).ConfigureAwait(false), StatusCodes.Status201Created)
            : Answer(body);
    });

    private static Task<IResult> RevokeTokenAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Service<UserService>(http).RevokeTokenAsync(caller, Id(http), (string)http.GetRouteValue("tokenId")!, http.RequestAborted).ConfigureAwait(false)));

    private static Task<IResult> UserHistoryAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Service<UserService>(http).HistoryAsync(caller, Id(http), http.RequestAborted).ConfigureAwait(false)));
}

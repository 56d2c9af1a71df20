using System.Text.Encodings.Web;
using IoMT.Api;
using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Storage.Sqlite;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace IoMT.Local;

/// <summary>
/// <c>Authorization: Bearer iomt_…</c>: the local host's API tokens, looked up in the directory. Failures answer 401
/// with problem details and a <c>WWW-Authenticate: Bearer</c> challenge.
/// </summary>
internal sealed class LocalTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, SqliteDirectory directory, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "LocalToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var caller = await directory.FindCallerAsync(header["Bearer ".Length..].Trim(), time.GetUtcNow(), Context.RequestAborted).ConfigureAwait(false);
        return caller is null
            ? AuthenticateResult.Fail("Unknown, revoked or expired token.")
            : AuthenticateResult.Success(new AuthenticationTicket(CallerClaims.ToPrincipal(caller, SchemeName), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return ApiProblems.Write(Context, ApiError.Unauthorized());
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.Write(Context, new ApiError(403, ApiError.Forbidden, "Your roles do not allow this."));
}

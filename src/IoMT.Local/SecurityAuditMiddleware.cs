using System.Globalization;
using IoMT.Core.Access;

namespace IoMT.Local;

/// <summary>
/// Records every refused request in the security audit (<c>audit.db</c>, <c>GET /api/audit</c>): devices refused at
/// the gateway (bad, forged or expired tokens, disabled, over their rate), API calls without a valid token or role,
/// and signed-in callers other than admins answered 404 by an API route (another team's patient or alert, another
/// maker's device: answered as if it did not exist). Runs after authentication, so it knows who asked; the caller's IP
/// address goes with each event as its source.
/// </summary>
internal sealed class SecurityAuditMiddleware(RequestDelegate next, SecurityAudit audit)
{
    /// <summary>Where an endpoint leaves the reason of a refusal (the problem's detail) for the audit.</summary>
    public const string DetailKey = "iomt.security-detail";

    /// <summary>
    /// Where a device endpoint leaves the audit code of its refusal, when the status alone does not tell it (IoT Hub
    /// answers 404 both for a device it does not hold and for a disabled one).
    /// </summary>
    public const string CodeKey = "iomt.security-code";

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context).ConfigureAwait(false);
        if (Classify(context) is { } refusal)
        {
            var request = $"{context.Request.Method} {context.Request.Path}";
            await audit.RecordAsync(refusal.Code, refusal.Actor, request, context.Items[DetailKey] as string ?? refusal.Detail,
                context.Connection.RemoteIpAddress?.ToString(), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static (string Code, string Actor, string? Detail)? Classify(HttpContext context)
    {
        if (context.Items[CodeKey] is string code && context.GetRouteValue("deviceId") is { } refused)
        {
            return (code, "device:" + Convert.ToString(refused, CultureInfo.InvariantCulture), null);
        }

        var status = context.Response.StatusCode;
        if (status is not (401 or 403 or 404 or 429))
        {
            return null;
        }

        var path = context.Request.Path;
        if ((context.GetRouteValue("deviceId") ?? context.GetRouteValue("registrationId")) is { } device)
        {
            var actor = "device:" + Convert.ToString(device, CultureInfo.InvariantCulture);
            return status switch
            {
                401 => (SecurityEventCodes.DeviceUnauthenticated, actor, null),
                403 => (SecurityEventCodes.DeviceDisabled, actor, null),
                429 => (SecurityEventCodes.DeviceRateLimited, actor, null),
                _ => null,
            };
        }

        if (!path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            return null;
        }

        var caller = CallerClaims.FromPrincipal(context.User);
        return status switch
        {
            401 => (SecurityEventCodes.Unauthenticated, caller?.Id ?? "anonymous", "No valid token."),
            403 => (SecurityEventCodes.Forbidden, caller?.Id ?? "anonymous", "The caller's roles do not allow this."),
            // Patients, alerts, devices… of others are answered as if they did not exist: to anyone but an admin, a 404
            // of a route may hide one.
            404 when caller is not null && !caller.Has(Role.Admin) && context.GetEndpoint() is not null =>
                (SecurityEventCodes.AccessDenied, caller.Id, "Not found among what the caller may see."),
            _ => null,
        };
    }
}

internal static class SecurityAuditEndpoints
{
    /// <summary>
    /// <c>GET /api/audit</c>: the newest security events first, for admins; <see cref="SecurityEventQuery.Parse"/> reads
    /// the query (<c>since</c>, default the last 24 hours; <c>before</c>, the id of the last event of the page before;
    /// <c>limit</c>, at most 1,000; <c>code</c>; <c>actor</c>; <c>authenticated</c>).
    /// </summary>
    public static void MapSecurityAudit(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/audit", async (HttpContext http, SecurityAudit audit, TimeProvider time) =>
        {
            if (CallerClaims.FromPrincipal(http.User) is not { } caller)
            {
                return Api.ApiProblems.ToResult(Core.Api.ApiError.Unauthorized());
            }

            if (!caller.Has(Role.Admin))
            {
                return Api.ApiProblems.ToResult(new Core.Api.ApiError(403, Core.Api.ApiError.Forbidden, "Only admins read the security audit."));
            }

            var query = SecurityEventQuery.Parse(name => http.Request.Query.TryGetValue(name, out var value) ? value.ToString() : null, time.GetUtcNow());
            return query.IsSuccess
                ? Results.Json(await audit.ListAsync(query.Value!, http.RequestAborted).ConfigureAwait(false), Api.ApiJson.Options)
                : Api.ApiProblems.ToResult(query.Error!);
        }).ExcludeFromDescription();
}

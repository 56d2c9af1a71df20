using System.Globalization;
using IoMT.Core.Api;

namespace IoMT.Core.Access;

/// <summary>
/// Which security events to list, newest first: from <see cref="Since"/> on, older than the event <see cref="Before"/>
/// (the next page), of one code, one actor, or only callers who did (or did not) prove who they are; at most
/// <see cref="Limit"/>.
/// </summary>
public sealed record SecurityEventQuery(
    DateTimeOffset Since, int Limit = SecurityEventQuery.MaxLimit, long? Before = null, string? Code = null, string? Actor = null, bool? Authenticated = null)
{
    public const int MaxLimit = 1000;

    /// <summary>How far back the audit is read when <c>since</c> is not given.</summary>
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(1);

    /// <summary>
    /// <c>GET /api/audit</c>'s query (<c>since</c>, <c>before</c>, <c>limit</c>, <c>code</c>, <c>actor</c>,
    /// <c>authenticated</c>), or the parameter at fault.
    /// </summary>
    public static ApiResult<SecurityEventQuery> Parse(Func<string, string?> parameter, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var since = now - DefaultPeriod;
        if (parameter("since") is { } sinceText && !DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out since))
        {
            return ApiError.InvalidParameter("since", "since is an RFC 3339 time, e.g. 2026-11-21T08:00:00Z.");
        }

        long? before = null;
        if (parameter("before") is { } beforeText)
        {
            if (!long.TryParse(beforeText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
            {
                return ApiError.InvalidParameter("before", "before is the id of an event: the page holds older ones.");
            }

            before = id;
        }

        var limit = MaxLimit;
        if (parameter("limit") is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return ApiError.InvalidParameter("limit", $"limit is a number 1–{MaxLimit:N0}.");
        }

        bool? authenticated = null;
        if (parameter("authenticated") is { } authenticatedText)
        {
            if (!bool.TryParse(authenticatedText, out var value))
            {
                return ApiError.InvalidParameter("authenticated", "authenticated is true or false.");
            }

            authenticated = value;
        }

        var code = parameter("code");
        var actor = parameter("actor");
        if (code is { Length: 0 or > 64 })
        {
            return ApiError.InvalidParameter("code", "code is a security event code, e.g. access.denied.");
        }

        return actor is { Length: 0 or > SecurityAudit.MaxActorLength }
            ? ApiError.InvalidParameter("actor", $"actor is an actor as the audit writes it (1–{SecurityAudit.MaxActorLength} characters), e.g. device:oximeter-0042.")
            : new SecurityEventQuery(since, limit, before, code, actor, authenticated);
    }
}

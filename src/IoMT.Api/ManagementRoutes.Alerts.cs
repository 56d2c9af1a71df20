using IoMT.Core.Escalation;

namespace IoMT.Api;

/// <summary>Alert routes: the inbox, one alert with its escalation history, and people's actions on it.</summary>
public static partial class ManagementRoutes
{
    /// <summary><c>GET /alerts?status&amp;priority&amp;patient&amp;careTeam&amp;limit</c>: highest priority first, then oldest.</summary>
    private static Task<IResult> ListAlertsAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        if (QueryNumber(http, "limit", 100) is not { } limit)
        {
            return ApiProblems.ToResult(Core.Api.ApiError.InvalidParameter("limit", $"'limit' must be a number 1–{AlertService.MaxLimit}."));
        }

        return Answer(await Alerts(http).ListAsync(caller, Query(http, "status"), Query(http, "priority"), Query(http, "patient"), Query(http, "careTeam"),
            limit, http.RequestAborted).ConfigureAwait(false));
    });

    private static Task<IResult> GetAlertAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Alerts(http).GetAsync(caller, Id(http), http.RequestAborted).ConfigureAwait(false)));

    private static Task<IResult> AcknowledgeAlertAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Alerts(http).AcknowledgeAsync(caller, Id(http), http.RequestAborted).ConfigureAwait(false)));

    /// <summary><c>POST /alerts/{id}/resolve</c> with an optional body <c>{"note": "…"}</c>.</summary>
    private static Task<IResult> ResolveAlertAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = http.Request.ContentLength is 0 or null && !http.Request.Headers.ContainsKey("Transfer-Encoding")
            ? new ResolveRequest(null)
            : await ApiJson.ReadAsync<ResolveRequest>(http.Request, http.RequestAborted).ConfigureAwait(false);
        return body.IsSuccess
            ? Answer(await Alerts(http).ResolveAsync(caller, Id(http), body.Value!, http.RequestAborted).ConfigureAwait(false))
            : Answer(body);
    });

    private static Task<IResult> SnoozeAlertAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = await ApiJson.ReadAsync<SnoozeRequest>(http.Request, http.RequestAborted).ConfigureAwait(false);
        return body.IsSuccess
            ? Answer(await Alerts(http).SnoozeAsync(caller, Id(http), body.Value!, http.RequestAborted).ConfigureAwait(false))
            : Answer(body);
    });

    private static Task<IResult> AddAlertNoteAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = await ApiJson.ReadAsync<NoteRequest>(http.Request, http.RequestAborted).ConfigureAwait(false);
        return body.IsSuccess
            ? Answer(await Alerts(http).AddNoteAsync(caller, Id(http), body.Value!, http.RequestAborted).ConfigureAwait(false), StatusCodes.Status201Created)
            : Answer(body);
    });

    private static AlertService Alerts(HttpContext http) => Service<AlertService>(http);
}

using IoMT.Core.Adherence;
using Microsoft.AspNetCore.Routing;

namespace IoMT.Api;

/// <summary>Medication schedules and the adherence view of a patient.</summary>
public static partial class ManagementRoutes
{
    /// <summary><c>PUT /patients/{id}/medications/{medicationId}</c> with a <see cref="ScheduleRequest"/>: the schedule takes effect now.</summary>
    private static Task<IResult> SaveMedicationScheduleAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = await ApiJson.ReadAsync<ScheduleRequest>(http.Request, http.RequestAborted).ConfigureAwait(false);
        return body.IsSuccess
            ? Answer(await Service<AdherenceService>(http).SaveScheduleAsync(caller, Id(http), (string)http.GetRouteValue("medicationId")!, body.Value!,
                http.RequestAborted).ConfigureAwait(false))
            : Answer(body);
    });

    /// <summary><c>GET /patients/{id}/adherence?days=30</c>.</summary>
    private static Task<IResult> GetAdherenceAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        if (QueryNumber(http, "days", 30) is not { } days)
        {
            return ApiProblems.ToResult(Core.Api.ApiError.InvalidParameter("days", $"'days' must be a number 1–{AdherenceService.MaxDays}."));
        }

        return Answer(await Service<AdherenceService>(http).GetAsync(caller, Id(http),
            days, http.RequestAborted).ConfigureAwait(false));
    });
}

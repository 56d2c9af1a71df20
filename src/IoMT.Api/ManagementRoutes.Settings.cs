using IoMT.Core.Patients;

namespace IoMT.Api;

/// <summary>Patients' clinical settings: physicians of the patient's care teams set them; whoever reads the patient reads them and their history.</summary>
public static partial class ManagementRoutes
{
    /// <summary><c>PUT /patients/{id}/settings</c>: replaces the settings; the answer is the settings as <c>GET</c> shows them.</summary>
    private static Task<IResult> SaveClinicalSettingsAsync(HttpContext http) => AsCallerAsync(http, async caller =>
    {
        var body = await ApiJson.ReadAsync<ClinicalSettingsRequest>(http.Request, http.RequestAborted).ConfigureAwait(false);
        return body.IsSuccess
            ? Answer(await Service<ClinicalSettingsService>(http).SaveAsync(caller, Id(http), body.Value!, http.RequestAborted).ConfigureAwait(false))
            : Answer(body);
    });

    /// <summary><c>GET /patients/{id}/settings</c>: the settings, the alert rules they make (<c>effectiveRules</c>) and the last change.</summary>
    private static Task<IResult> GetClinicalSettingsAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Service<ClinicalSettingsService>(http).GetAsync(caller, Id(http), http.RequestAborted).ConfigureAwait(false)));

    /// <summary><c>GET /patients/{id}/settings/history?limit=</c>: the changes, newest first.</summary>
    private static Task<IResult> GetClinicalSettingsHistoryAsync(HttpContext http) => AsCallerAsync(http, async caller =>
        Answer(await Service<ClinicalSettingsService>(http)
            .HistoryAsync(caller, Id(http), QueryNumber(http, "limit", ClinicalSettingsService.DefaultHistoryLimit), http.RequestAborted).ConfigureAwait(false)));
}

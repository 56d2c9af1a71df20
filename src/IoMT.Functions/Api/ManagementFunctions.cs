using IoMT.Api;
using IoMT.Core.Access;
using IoMT.Functions.Workflows;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IoMT.Functions.Api;

/// <summary>
/// The management API (docs/api.md): one HTTP function per route of <see cref="ManagementRoutes"/>, running the same
/// handler as IoMT.Local. The caller is the Entra sign-in App Service Authentication vouches for (its
/// <c>X-MS-CLIENT-PRINCIPAL</c> header, which App Service sets only for signed-in callers and strips from requests);
/// without one, or when App Service Authentication is off (the header could then be forged), the handlers answer 401.
/// </summary>
public sealed class ManagementFunctions(IOptions<EntraAccessOptions> access, IConfiguration configuration)
{
    private readonly bool _platformAuthentication = AppServicePrincipal.IsEnabled(configuration[AppServicePrincipal.EnabledSetting]);

    private static readonly Dictionary<string, ManagementRoute> Routes =
        ManagementRoutes.All.Concat(ManagementRoutes.CloudToDevice).ToDictionary(r => r.Name, StringComparer.Ordinal);

    [Function(nameof(GetMe))]
    public Task<IActionResult> GetMe([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me")] HttpRequest request) =>
        RunAsync(request, nameof(GetMe));

    [Function(nameof(ExportPatientFhir))]
    public Task<IActionResult> ExportPatientFhir(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patients/{id}/fhir")] HttpRequest request, string id) =>
        RunAsync(request, nameof(ExportPatientFhir), id);

    [Function(nameof(ListPatients))]
    public Task<IActionResult> ListPatients([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patients")] HttpRequest request) =>
        RunAsync(request, nameof(ListPatients));

    [Function(nameof(GetPatientTimeline))]
    public Task<IActionResult> GetPatientTimeline(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patients/{id}/timeline")] HttpRequest request, string id) =>
        RunAsync(request, nameof(GetPatientTimeline), id);

    [Function(nameof(SavePatient))]
    public Task<IActionResult> SavePatient(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "patients/{id}")] HttpRequest request, string id) =>
        RunAsync(request, nameof(SavePatient), id);

    [Function(nameof(GetPatient))]
    public Task<IActionResult> GetPatient(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patients/{id}")] HttpRequest request, string id) =>
        RunAsync(request, nameof(GetPatient), id);

    [Function(nameof(SaveClinicalSettings))]
    public Task<IActionResult> SaveClinicalSettings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "patients/{id}/settings")] HttpRequest request, string id) =>
        RunAsync(request, nameof(SaveClinicalSettings), id);

    [Function(nameof(GetClinicalSettings))]
    public Task<IActionResult> GetClinicalSettings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patients/{id}/settings")] HttpRequest request, string id) =>
        RunAsync(request, nameof(GetClinicalSettings), id);

    [Function(nameof(GetClinicalSettingsHistory))]
    public Task<IActionResult> GetClinicalSettingsHistory(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patients/{id}/settings/history")] HttpRequest request, string id) =>
        RunAsync(request, nameof(GetClinicalSettingsHistory), id);

    [Function(nameof(SaveMedicationSchedule))]
    public Task<IActionResult> SaveMedicationSchedule(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "patients/{id}/medications/{medicationId}")] HttpRequest request, string id, string medicationId,
        [DurableClient] DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.RouteValues["medicationId"] = medicationId;
        return RunAsync(request, nameof(SaveMedicationSchedule), id, client);
    }

    [Function(nameof(GetAdherence))]
    public Task<IActionResult> GetAdherence(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "patients/{id}/adherence")] HttpRequest request, string id) =>
        RunAsync(request, nameof(GetAdherence), id);

    [Function(nameof(RegisterDevice))]
    public Task<IActionResult> RegisterDevice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "devices")] HttpRequest request) =>
        RunAsync(request, nameof(RegisterDevice));

    [Function(nameof(ImportDevices))]
    public Task<IActionResult> ImportDevices(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "devices/import")] HttpRequest request) =>
        RunAsync(request, nameof(ImportDevices));

    [Function(nameof(ExportDeviceCredentials))]
    public Task<IActionResult> ExportDeviceCredentials(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "devices/credentials")] HttpRequest request) =>
        RunAsync(request, nameof(ExportDeviceCredentials));

    [Function(nameof(ListDevices))]
    public Task<IActionResult> ListDevices(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "devices")] HttpRequest request) =>
        RunAsync(request, nameof(ListDevices));

    [Function(nameof(GetDevice))]
    public Task<IActionResult> GetDevice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "devices/{id}")] HttpRequest request, string id) =>
        RunAsync(request, nameof(GetDevice), id);

    [Function(nameof(GetDeviceHistory))]
    public Task<IActionResult> GetDeviceHistory(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "devices/{id}/history")] HttpRequest request, string id) =>
        RunAsync(request, nameof(GetDeviceHistory), id);

    [Function(nameof(DisableDevice))]
    public Task<IActionResult> DisableDevice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "devices/{id}/disable")] HttpRequest request, string id) =>
        RunAsync(request, nameof(DisableDevice), id);

    [Function(nameof(EnableDevice))]
    public Task<IActionResult> EnableDevice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "devices/{id}/enable")] HttpRequest request, string id) =>
        RunAsync(request, nameof(EnableDevice), id);

    [Function(nameof(RotateDeviceKeys))]
    public Task<IActionResult> RotateDeviceKeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "devices/{id}/rotate-keys")] HttpRequest request, string id) =>
        RunAsync(request, nameof(RotateDeviceKeys), id);

    [Function(nameof(DeleteDevice))]
    public Task<IActionResult> DeleteDevice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "devices/{id}")] HttpRequest request, string id) =>
        RunAsync(request, nameof(DeleteDevice), id);

    [Function(nameof(BindDevice))]
    public Task<IActionResult> BindDevice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "devices/{id}/bind")] HttpRequest request, string id) =>
        RunAsync(request, nameof(BindDevice), id);

    [Function(nameof(UnbindDevice))]
    public Task<IActionResult> UnbindDevice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "devices/{id}/unbind")] HttpRequest request, string id) =>
        RunAsync(request, nameof(UnbindDevice), id);

    [Function(nameof(GetDeviceCredentials))]
    public Task<IActionResult> GetDeviceCredentials(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "devices/{id}/credentials")] HttpRequest request, string id) =>
        RunAsync(request, nameof(GetDeviceCredentials), id);

    [Function(nameof(GetDeviceTwin))]
    public Task<IActionResult> GetDeviceTwin(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "devices/{id}/twin")] HttpRequest request, string id) =>
        RunAsync(request, nameof(GetDeviceTwin), id);

    [Function(nameof(SendDeviceMessage))]
    public Task<IActionResult> SendDeviceMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "devices/{id}/messages")] HttpRequest request, string id) =>
        RunAsync(request, nameof(SendDeviceMessage), id);

    [Function(nameof(ListDeviceMessages))]
    public Task<IActionResult> ListDeviceMessages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "devices/{id}/messages")] HttpRequest request, string id) =>
        RunAsync(request, nameof(ListDeviceMessages), id);

    [Function(nameof(PatchDeviceTwin))]
    public Task<IActionResult> PatchDeviceTwin(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "devices/{id}/twin")] HttpRequest request, string id) =>
        RunAsync(request, nameof(PatchDeviceTwin), id);

    [Function(nameof(CreateEnrollmentGroup))]
    public Task<IActionResult> CreateEnrollmentGroup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enrollment-groups")] HttpRequest request) =>
        RunAsync(request, nameof(CreateEnrollmentGroup));

    [Function(nameof(ListEnrollmentGroups))]
    public Task<IActionResult> ListEnrollmentGroups(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enrollment-groups")] HttpRequest request) =>
        RunAsync(request, nameof(ListEnrollmentGroups));

    [Function(nameof(GetEnrollmentGroupCredentials))]
    public Task<IActionResult> GetEnrollmentGroupCredentials(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enrollment-groups/{id}/credentials")] HttpRequest request, string id) =>
        RunAsync(request, nameof(GetEnrollmentGroupCredentials), id);

    [Function(nameof(ListAlerts))]
    public Task<IActionResult> ListAlerts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alerts")] HttpRequest request) =>
        RunAsync(request, nameof(ListAlerts));

    [Function(nameof(GetAlert))]
    public Task<IActionResult> GetAlert(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alerts/{id}")] HttpRequest request, string id) =>
        RunAsync(request, nameof(GetAlert), id);

    [Function(nameof(AcknowledgeAlert))]
    public Task<IActionResult> AcknowledgeAlert(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alerts/{id}/acknowledge")] HttpRequest request, string id, [DurableClient] DurableTaskClient client) =>
        RunAsync(request, nameof(AcknowledgeAlert), id, client);

    [Function(nameof(ResolveAlert))]
    public Task<IActionResult> ResolveAlert(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alerts/{id}/resolve")] HttpRequest request, string id, [DurableClient] DurableTaskClient client) =>
        RunAsync(request, nameof(ResolveAlert), id, client);

    [Function(nameof(SnoozeAlert))]
    public Task<IActionResult> SnoozeAlert(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alerts/{id}/snooze")] HttpRequest request, string id, [DurableClient] DurableTaskClient client) =>
        RunAsync(request, nameof(SnoozeAlert), id, client);

    [Function(nameof(AddAlertNote))]
    public Task<IActionResult> AddAlertNote(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alerts/{id}/notes")] HttpRequest request, string id) =>
        RunAsync(request, nameof(AddAlertNote), id);

    [Function(nameof(UploadMapping))]
    public Task<IActionResult> UploadMapping([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "mappings")] HttpRequest request) =>
        RunAsync(request, nameof(UploadMapping));

    [Function(nameof(ListMappings))]
    public Task<IActionResult> ListMappings([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "mappings")] HttpRequest request) =>
        RunAsync(request, nameof(ListMappings));

    [Function(nameof(ActivateMapping))]
    public Task<IActionResult> ActivateMapping([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "mappings/activate")] HttpRequest request) =>
        RunAsync(request, nameof(ActivateMapping));

    [Function(nameof(DeactivateMapping))]
    public Task<IActionResult> DeactivateMapping([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "mappings/deactivate")] HttpRequest request) =>
        RunAsync(request, nameof(DeactivateMapping));

    private async Task<IActionResult> RunAsync(HttpRequest request, string name, string? id = null, DurableTaskClient? client = null)
    {
        var http = request.HttpContext;
        if (client is not null)
        {
            http.RequestServices.GetRequiredService<DurableClientAccessor>().Client = client;
        }

        var caller = _platformAuthentication ? AppServicePrincipal.ToCaller(request.Headers[AppServicePrincipal.Header], access.Value) : null;
        http.User = caller is null ? new() : CallerClaims.ToPrincipal(caller, "AppServiceAuthentication");
        if (id is not null)
        {
            request.RouteValues["id"] = id;
        }

        return new ResultAction(await Routes[name].Handle(http).ConfigureAwait(false));
    }
}

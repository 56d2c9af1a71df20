using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Core;
using IoMT.Core.Devices;

namespace IoMT.Functions.Devices;

/// <summary>
/// Enrollment groups in the Device Provisioning Service, through its REST API with the app's Entra identity (the
/// service SDK signs only with shared access keys, which the deployment disables).
/// </summary>
public class DpsEnrollmentGroups(HttpClient http, TokenCredential credential, AzureDeviceOptions options)
{
    public const string ApiVersion = "2021-10-01";
    private const string Scope = "https://azure-devices-provisioning.net/.default";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>Creates or replaces the group: its symmetric keys, its status, and custom allocation through our webhook.</summary>
    public virtual async Task PutAsync(EnrollmentGroup group, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        // Until the deployment's postdeploy hook stores it, the setting holds an unresolved Key Vault reference.
        if (!Uri.TryCreate(options.AllocationWebhookUrl, UriKind.Absolute, out var webhook) || webhook.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException(
                "Devices:AllocationWebhookUrl is not an https URL yet; store the allocation webhook in Key Vault (infra/hooks/postdeploy.sh) and restart the app.");
        }

        var uri = new Uri($"https://{options.DpsServiceHostName}/enrollmentGroups/{Uri.EscapeDataString(group.Id)}?api-version={ApiVersion}");
        var body = new
        {
            enrollmentGroupId = group.Id,
            attestation = new { type = "symmetricKey", symmetricKey = new { primaryKey = group.PrimaryKey, secondaryKey = group.SecondaryKey } },
            provisioningStatus = group.Status == DeviceStatus.Enabled ? "enabled" : "disabled",
            allocationPolicy = "custom",
            // The webhook speaks the allocation request format of API version 2019-03-31 (DpsAllocationFunction).
            customAllocationDefinition = new { webhookUrl = options.AllocationWebhookUrl, apiVersion = "2019-03-31" },
            iotHubs = new[] { options.IoTHubHostName },
        };
        var token = await credential.GetTokenAsync(new TokenRequestContext([Scope]), cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = JsonContent.Create(body, options: Json) };
        request.Headers.Authorization = new("Bearer", token.Token);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var code = response.Headers.TryGetValues("x-ms-error-code", out var values) ? string.Join(",", values) : "";
            throw new HttpRequestException($"DPS refused enrollment group '{group.Id}': {(int)response.StatusCode} {code}".TrimEnd(), null, response.StatusCode);
        }
    }
}

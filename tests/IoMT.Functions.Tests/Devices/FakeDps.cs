using System.Net;
using System.Text.Json.Nodes;
using Azure.Core;
using IoMT.Functions.Devices;

namespace IoMT.Functions.Tests.Devices;

/// <summary>The DPS service endpoint in memory: records each request and keeps enrollment groups by id.</summary>
internal sealed class FakeDps : HttpMessageHandler
{
    public static readonly AzureDeviceOptions Options = new()
    {
        IoTHubHostName = "iomt-hub.azure-devices.net",
        DpsIdScope = "0ne00ABCDEF",
        DpsServiceHostName = "iomt-dps.azure-devices-provisioning.net",
        AllocationWebhookUrl = "https://iomt-func.azurewebsites.net/api/dps/allocate?code=function-key",
    };

    public Dictionary<string, JsonObject> Groups { get; } = [];

    public List<(HttpMethod Method, Uri Uri, string? Authorization)> Requests { get; } = [];

    public HttpStatusCode Answer { get; set; } = HttpStatusCode.OK;

    public DpsEnrollmentGroups Client(AzureDeviceOptions? options = null) => new(new HttpClient(this), new StaticToken(), options ?? Options);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add((request.Method, request.RequestUri!, request.Headers.Authorization?.ToString()));
        if (Answer != HttpStatusCode.OK)
        {
            var refused = new HttpResponseMessage(Answer);
            refused.Headers.Add("x-ms-error-code", "401002");
            return refused;
        }

        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
        Groups[request.RequestUri!.AbsolutePath.Split('/').Last()] = body;
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body.ToJsonString()) };
    }

    private sealed class StaticToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(string.Join(" ", requestContext.Scopes) == "https://azure-devices-provisioning.net/.default" ? "entra-token" : "wrong-audience", DateTimeOffset.MaxValue);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Access;
using IoMT.Core.Devices;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Local.Tests;

/// <summary>
/// What an outsider learns from the gateway's door: every bad token is one 401 (never a server error, never a hint about
/// which devices exist); the reason goes to the security audit only.
/// </summary>
public sealed class GatewayAuthenticationTests : IDisposable
{
    private const string ValidLengthSignature = "mk0AWoweCxv8ugMEH99OoRORI8fe0oKzUJkqto8TLyQ%3D";
    private readonly GatewayFixture _gateway = new();

    public static TheoryData<string> ExtremeFields() => new()
    {
        $"sr=localhost%2Fdevices%2Foximeter-1&sig={ValidLengthSignature}&se=253402300500",
        $"sr=localhost%2Fdevices%2Foximeter-1&sig={ValidLengthSignature}&se=253402300799",
        $"sr=localhost%2Fdevices%2Foximeter-1&sig={ValidLengthSignature}&se={long.MaxValue}",
        $"sr=localhost%2Fdevices%2Foximeter-1&sig={ValidLengthSignature}&se=99999999999999999999",
        $"sr=localhost%2Fdevices%2Foximeter-1&sig={ValidLengthSignature}&se=-1",
        $"sr=localhost%2Fdevices%2Foximeter-1&sig={ValidLengthSignature}&se=1e9",
        $"sr=localhost%2Fdevices%2Foximeter-1&sig={ValidLengthSignature}&se=",
        $"sr=localhost%2Fdevices%2Foximeter-1&sig={new string('A', 4000)}&se=1900000000",
        $"sr=localhost%2Fdevices%2Foximeter-1&sig=%%%%&se=1900000000",
        $"sr=%E0%A4%A&sig={ValidLengthSignature}&se=1900000000",
        $"sr=localhost%2Fdevices%2Foximeter-1&sig={ValidLengthSignature}&se=1900000000&skn=%FF%FE",
    };

    [Theory]
    [MemberData(nameof(ExtremeFields))]
    public async Task SendEvent_ExtremeOrMalformedTokenField_401(string fields)
    {
        await _gateway.RegisterAsync("oximeter-1");

        using var response = await _gateway.SendEventAsync("oximeter-1", "SharedAccessSignature " + fields, "{}");

        await DeviceGatewayTests.AssertIoTHubErrorAsync(response, HttpStatusCode.Unauthorized, "IotHubUnauthorizedAccess");
    }

    [Theory]
    [InlineData("253402300500")]
    [InlineData("9223372036854775807")]
    public async Task Register_ExtremeExpiryOnceAGroupExists_401(string expiry)
    {
        using var group = await _gateway.SendAsync(HttpMethod.Post, "/api/enrollment-groups", _gateway.MakerToken,
            new { id = "acme-cuffs", model = "BP Cuff 3", kinds = new[] { "bloodPressure" } });
        group.EnsureSuccessStatusCode();
        var idScope = _gateway.Factory.Services.GetRequiredService<Storage.Sqlite.SqliteDeviceRegistry>().IdScope();
        using var register = new HttpRequestMessage(HttpMethod.Put, new Uri($"/{idScope}/registrations/bp-cuff-1/register?api-version=2021-10-01", UriKind.Relative))
        {
            Content = JsonContent.Create(new { registrationId = "bp-cuff-1" }),
        };
        register.Headers.TryAddWithoutValidation("Authorization",
            $"SharedAccessSignature sr={idScope}%2Fregistrations%2Fbp-cuff-1&sig={ValidLengthSignature}&se={expiry}&skn=registration");

        using var response = await _gateway.Client.SendAsync(register);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task SendEvent_SignedYear9999Token_Accepted()
    {
        var key = await _gateway.RegisterAsync("oximeter-1");

        using var response = await _gateway.SendEventAsync("oximeter-1", GatewayFixture.SasFor("oximeter-1", key, DateTimeOffset.MaxValue), Message("oximeter-1"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task SendEvent_TokenForTheHostTheCallerNamed_401WhenTheGatewayHasItsOwnName()
    {
        using var gateway = new GatewayFixture(new LocalHostFactory { Settings = new Dictionary<string, string> { ["IoMT:GatewayHostName"] = "gateway.ward7.local" } });
        var key = await gateway.RegisterAsync("oximeter-1");
        var otherHub = SasToken.Create("other-hub.azure-devices.net/devices/oximeter-1", key, DateTimeOffset.UtcNow.AddHours(1));
        var ownHub = SasToken.Create("gateway.ward7.local/devices/oximeter-1", key, DateTimeOffset.UtcNow.AddHours(1));

        using var forOtherHub = await SendAsAsync(gateway, "other-hub.azure-devices.net", otherHub);
        using var forOwnHub = await SendAsAsync(gateway, "other-hub.azure-devices.net", ownHub);

        Assert.Equal(HttpStatusCode.Unauthorized, forOtherHub.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, forOwnHub.StatusCode);
    }

    [Fact]
    public async Task SendEvent_UnknownKnownOrX509Device_OneAnswer_TheReasonOnlyInTheAudit()
    {
        await _gateway.RegisterAsync("oximeter-1");
        using var x509 = await _gateway.SendAsync(HttpMethod.Post, "/api/devices", _gateway.MakerToken, new
        {
            id = "oximeter-x509",
            model = "PulseOx 2",
            kinds = new[] { "spo2" },
            authentication = new { type = "x509", primaryThumbprint = new string('A', 40), secondaryThumbprint = new string('B', 40) },
        });
        x509.EnsureSuccessStatusCode();
        var forged = DpsKeys.NewKey();

        var answers = new List<(HttpStatusCode, string, string)>();
        foreach (var device in new[] { "ghost-1", "oximeter-1", "oximeter-x509" })
        {
            using var response = await _gateway.SendEventAsync(device, GatewayFixture.SasFor(device, forged), Message(device));
            var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            answers.Add((response.StatusCode, response.Headers.GetValues("iothub-errorcode").Single(), ((string)body["Message"]!).Replace(device, "{id}", StringComparison.Ordinal)));
        }

        Assert.Single(answers.Distinct());
        Assert.Equal(HttpStatusCode.Unauthorized, answers[0].Item1);
        var audit = await _gateway.Factory.Services.GetRequiredService<ISecurityEventStore>().ListAsync(DateTimeOffset.MinValue, 100);
        Assert.Contains(audit, e => e.Code == SecurityEventCodes.DeviceUnknown && e.Actor == "device:ghost-1");
    }

    public void Dispose() => _gateway.Dispose();

    private static async Task<HttpResponseMessage> SendAsAsync(GatewayFixture gateway, string host, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://{host}/devices/oximeter-1/messages/events?api-version=2020-03-13"))
        {
            Content = new StringContent(Message("oximeter-1"), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", token);
        return await gateway.Client.SendAsync(request);
    }

    private static string Message(string deviceId) =>
        new IoMT.Testing.TelemetryMessage(deviceId, "m-1", DateTimeOffset.UtcNow).Spo2(97, DateTimeOffset.UtcNow).ToString();
}

using System.Buffers;
using System.Text.Json.Nodes;
using IoMT.Core.Devices;
using MQTTnet;

namespace IoMT.Local.Tests;

/// <summary>DPS over MQTT: registration with a key derived from an enrollment group's, then the device on the hub.</summary>
public sealed class MqttProvisioningTests : IDisposable
{
    private const string RegistrationId = "bp-cuff-000001";
    private readonly MqttFixture _mqtt = new();

    private GatewayFixture Api => _mqtt.Gateway;

    [Fact]
    public async Task RegisterAndPollOverMqtt_Assigned_ThenTheNewDeviceSendsOverMqtt()
    {
        var (idScope, derived) = await EnrollmentGroupAsync();
        var (client, inbox) = _mqtt.NewClient();
        var connected = await client.ConnectAsync(_mqtt.Options(RegistrationId, $"{idScope}/registrations/{RegistrationId}/api-version=2019-03-31&ClientVersion=iomt-tests",
            RegistrationToken(idScope, derived)));
        await MqttFixture.SubscribeAsync(client, "$dps/registrations/res/#");

        await MqttFixture.PublishAsync(client, "$dps/registrations/PUT/iotdps-register/?$rid=r-1", $$"""{"registrationId":"{{RegistrationId}}"}""");
        var accepted = await inbox.NextAsync("$dps/registrations/res/");
        var operationId = (string)JsonNode.Parse(accepted.Payload.ToArray())!["operationId"]!;
        await MqttFixture.PublishAsync(client, $"$dps/registrations/GET/iotdps-get-operationstatus/?$rid=r-2&operationId={operationId}", " ");
        var assigned = await inbox.NextAsync("$dps/registrations/res/");
        var state = JsonNode.Parse(assigned.Payload.ToArray())!;
        await client.DisconnectAsync();
        var (device, _) = await _mqtt.ConnectDeviceAsync(RegistrationId, derived);
        var sent = await MqttFixture.PublishAsync(device, $"devices/{RegistrationId}/messages/events/", MqttFixture.Telemetry(RegistrationId, "m-1", 95));

        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        Assert.Equal("$dps/registrations/res/202/?$rid=r-1&retry-after=1", accepted.Topic);
        Assert.Equal("assigning", (string?)JsonNode.Parse(accepted.Payload.ToArray())!["status"]);
        Assert.Equal("$dps/registrations/res/200/?$rid=r-2", assigned.Topic);
        Assert.Equal(("assigned", RegistrationId, GatewayFixture.Host),
            ((string?)state["status"], (string?)state["registrationState"]!["deviceId"], (string?)state["registrationState"]!["assignedHub"]));
        Assert.Equal(MqttClientPublishReasonCode.Success, sent.ReasonCode);
        Assert.Equal(RegistrationId, Assert.Single(await _mqtt.LoggedAsync()).DeviceId);
    }

    [Theory]
    [InlineData("not-the-group-key")]
    [InlineData("device-key-name")]
    public async Task ConnectForRegistration_TokenNotSignedWithTheGroupsDerivedKey_NotAuthorized(string kind)
    {
        var (idScope, derived) = await EnrollmentGroupAsync();
        var password = kind == "not-the-group-key"
            ? RegistrationToken(idScope, DpsKeys.DeriveDeviceKey(DpsKeys.NewKey(), RegistrationId))
            : SasToken.Create($"{idScope}/registrations/{RegistrationId}", derived, DateTimeOffset.UtcNow.AddHours(1));

        var result = await _mqtt.TryConnectAsync(RegistrationId, $"{idScope}/registrations/{RegistrationId}/api-version=2019-03-31", password);

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result);
    }

    [Fact]
    public async Task OperationStatus_UnknownOperation_404()
    {
        var (idScope, derived) = await EnrollmentGroupAsync();
        var (client, inbox) = _mqtt.NewClient();
        await client.ConnectAsync(_mqtt.Options(RegistrationId, $"{idScope}/registrations/{RegistrationId}/api-version=2019-03-31", RegistrationToken(idScope, derived)));
        await MqttFixture.SubscribeAsync(client, "$dps/registrations/res/#");

        await MqttFixture.PublishAsync(client, "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=r-9&operationId=4.nothing", " ");
        var answer = await inbox.NextAsync("$dps/registrations/res/");

        Assert.Equal("$dps/registrations/res/404/?$rid=r-9", answer.Topic);
    }

    private static string RegistrationToken(string idScope, string key) =>
        SasToken.Create($"{idScope}/registrations/{RegistrationId}", key, DateTimeOffset.UtcNow.AddHours(1), DeviceGateway.DpsKeyName);

    /// <summary>An enrollment group of the device maker: its id scope, and the key derived for <see cref="RegistrationId"/>.</summary>
    private async Task<(string IdScope, string DerivedKey)> EnrollmentGroupAsync()
    {
        using var group = await Api.SendAsync(HttpMethod.Post, "/api/enrollment-groups", Api.MakerToken,
            new { id = "acme-cuffs", model = "BP Cuff 7", kinds = new[] { "bloodPressure", "heartRate" } });
        group.EnsureSuccessStatusCode();
        using var credentials = await Api.SendAsync(HttpMethod.Get, "/api/enrollment-groups/acme-cuffs/credentials", Api.MakerToken);
        var groupCredentials = JsonNode.Parse(await credentials.Content.ReadAsStringAsync())!;
        return ((string)groupCredentials["idScope"]!, DpsKeys.DeriveDeviceKey((string)groupCredentials["primaryKey"]!, RegistrationId));
    }

    public void Dispose() => _mqtt.Dispose();
}

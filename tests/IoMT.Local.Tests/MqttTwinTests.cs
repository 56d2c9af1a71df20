using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using MQTTnet.Protocol;

namespace IoMT.Local.Tests;

/// <summary>The device twin over MQTT (get, reported patch, desired notifications) and its management routes.</summary>
public sealed class MqttTwinTests : IDisposable
{
    private readonly MqttFixture _mqtt = new();

    private GatewayFixture Api => _mqtt.Gateway;

    [Fact]
    public async Task TwinGet_NewDevice_200WithBothSectionsAtVersionOne()
    {
        var key = await Api.RegisterAsync("oximeter-1");
        var (client, inbox) = await _mqtt.ConnectDeviceAsync("oximeter-1", key);
        await MqttFixture.SubscribeAsync(client, "$iothub/twin/res/#", MqttQualityOfServiceLevel.AtMostOnce);

        await MqttFixture.PublishAsync(client, "$iothub/twin/GET/?$rid=get-1", "", MqttQualityOfServiceLevel.AtMostOnce);
        var response = await inbox.NextAsync("$iothub/twin/res/");

        Assert.Equal("$iothub/twin/res/200/?$rid=get-1", response.Topic);
        Assert.Equal("""{"desired":{"$version":1},"reported":{"$version":1}}""", Encoding.UTF8.GetString(response.Payload));
    }

    [Fact]
    public async Task TwinReportedPatch_204WithTheNewVersion_MergedIntoTheTwin()
    {
        var key = await Api.RegisterAsync("oximeter-1");
        var (client, inbox) = await _mqtt.ConnectDeviceAsync("oximeter-1", key);
        await MqttFixture.SubscribeAsync(client, "$iothub/twin/res/#", MqttQualityOfServiceLevel.AtMostOnce);

        await MqttFixture.PublishAsync(client, "$iothub/twin/PATCH/properties/reported/?$rid=p-1", """{"battery":80,"firmware":"2.4.1"}""", MqttQualityOfServiceLevel.AtMostOnce);
        var first = await inbox.NextAsync("$iothub/twin/res/");
        await MqttFixture.PublishAsync(client, "$iothub/twin/PATCH/properties/reported/?$rid=p-2", """{"battery":null,"signal":{"rssi":-61}}""", MqttQualityOfServiceLevel.AtMostOnce);
        var second = await inbox.NextAsync("$iothub/twin/res/");
        await MqttFixture.PublishAsync(client, "$iothub/twin/GET/?$rid=g", "", MqttQualityOfServiceLevel.AtMostOnce);
        var twin = JsonNode.Parse((await inbox.NextAsync("$iothub/twin/res/")).Payload.ToArray())!;

        Assert.Equal(("$iothub/twin/res/204/?$rid=p-1&$version=2", 0L), (first.Topic, first.Payload.Length));
        Assert.Equal("$iothub/twin/res/204/?$rid=p-2&$version=3", second.Topic);
        Assert.Equal("""{"firmware":"2.4.1","signal":{"rssi":-61},"$version":3}""", twin["reported"]!.ToJsonString());
    }

    [Fact]
    public async Task TwinReportedPatch_NotAnObject_400WithIoTHubsErrorBody()
    {
        var key = await Api.RegisterAsync("oximeter-1");
        var (client, inbox) = await _mqtt.ConnectDeviceAsync("oximeter-1", key);
        await MqttFixture.SubscribeAsync(client, "$iothub/twin/res/#", MqttQualityOfServiceLevel.AtMostOnce);

        await MqttFixture.PublishAsync(client, "$iothub/twin/PATCH/properties/reported/?$rid=bad", "[1,2]", MqttQualityOfServiceLevel.AtMostOnce);
        var response = await inbox.NextAsync("$iothub/twin/res/");

        Assert.Equal("$iothub/twin/res/400/?$rid=bad", response.Topic);
        Assert.Equal(400004, (int)JsonNode.Parse(response.Payload.ToArray())!["errorCode"]!);
    }

    [Fact]
    public async Task DesiredPatchThroughTheApi_SubscribedDeviceNotifiedWithTheNewVersion()
    {
        var key = await Api.RegisterAsync("oximeter-1");
        var (client, inbox) = await _mqtt.ConnectDeviceAsync("oximeter-1", key);
        await MqttFixture.SubscribeAsync(client, "$iothub/twin/PATCH/properties/desired/#", MqttQualityOfServiceLevel.AtMostOnce);

        using var patched = await Api.SendAsync(HttpMethod.Patch, "/api/devices/oximeter-1/twin", Api.MakerToken,
            JsonNode.Parse("""{"properties":{"desired":{"measurementIntervalSeconds":60,"alarm":{"spo2Low":90}}}}"""));
        var notification = await inbox.NextAsync("$iothub/twin/PATCH/properties/desired/");
        var view = JsonNode.Parse(await patched.Content.ReadAsStringAsync())!;

        Assert.Equal(System.Net.HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("$iothub/twin/PATCH/properties/desired/?$version=2", notification.Topic);
        Assert.Equal("""{"measurementIntervalSeconds":60,"alarm":{"spo2Low":90},"$version":2}""", Encoding.UTF8.GetString(notification.Payload));
        Assert.Equal(2, (int)view["properties"]!["desired"]!["$version"]!);
    }

    [Fact]
    public async Task TwinRoutes_OtherManufacturer_404_ReportedPropertiesNotPatchable_400()
    {
        await Api.RegisterAsync("oximeter-1");
        using var nurseGet = await Api.SendAsync(HttpMethod.Get, "/api/devices/oximeter-1/twin", Api.NurseToken);
        using var reported = await Api.SendAsync(HttpMethod.Patch, "/api/devices/oximeter-1/twin", Api.MakerToken,
            JsonNode.Parse("""{"properties":{"reported":{"battery":1}}}"""));
        using var makerGet = await Api.SendAsync(HttpMethod.Get, "/api/devices/oximeter-1/twin", Api.MakerToken);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, nurseGet.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, reported.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, makerGet.StatusCode);
    }

    public void Dispose() => _mqtt.Dispose();
}

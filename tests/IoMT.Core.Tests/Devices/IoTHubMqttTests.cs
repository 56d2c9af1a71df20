using IoMT.Core.Devices;

namespace IoMT.Core.Tests.Devices;

public class IoTHubMqttTests
{
    [Theory]
    [InlineData("localhost/oximeter-1/?api-version=2021-04-12", "2021-04-12")]
    [InlineData("localhost/oximeter-1/?api-version=2020-09-30&DeviceClientType=azure-iot-device%2F1.18.4%20(node%20v20.0.0%3B%20Debian%3B%20x64)", "2020-09-30")]
    [InlineData("localhost/oximeter-1/?api-version=2020-09-30&model-id=dtmi:com:example;1&DeviceClientType=a/b (c; d)", "2020-09-30")]
    [InlineData("localhost/oximeter-1/api-version=2016-11-14", "2016-11-14")]
    [InlineData("localhost/oximeter-1/", null)]
    [InlineData("localhost/oximeter-1", null)]
    public void ParseConnect_HubDevice_HostDeviceAndApiVersion(string userName, string? apiVersion)
    {
        var identity = IoTHubMqtt.ParseConnect("oximeter-1", userName);

        Assert.Equal(new MqttDeviceIdentity("localhost", "oximeter-1", apiVersion), identity);
    }

    [Theory]
    [InlineData("0ne00ABCDEF/registrations/oximeter-1/api-version=2019-03-31&ClientVersion=azure-iot-provisioning-device%2F1.9.1", "2019-03-31")]
    [InlineData("0ne00ABCDEF/registrations/oximeter-1/?api-version=2021-06-01", "2021-06-01")]
    public void ParseConnect_DpsRegistration_ScopeRegistrationAndApiVersion(string userName, string apiVersion)
    {
        Assert.Equal(new MqttRegistrationIdentity("0ne00ABCDEF", "oximeter-1", apiVersion), IoTHubMqtt.ParseConnect("oximeter-1", userName));
    }

    [Theory]
    [InlineData("other-device", "localhost/oximeter-1/?api-version=2021-04-12")]
    [InlineData("oximeter-1", "localhost/other-device/?api-version=2021-04-12")]
    [InlineData("oximeter-1/module-a", "localhost/oximeter-1/module-a/?api-version=2021-04-12")]
    [InlineData("oximeter-1", "localhost/oximeter-1/module-a/?api-version=2021-04-12")]
    [InlineData("oximeter-1", "")]
    [InlineData("", "localhost/oximeter-1/")]
    [InlineData("oximeter-1", "/oximeter-1/?api-version=2021-04-12")]
    [InlineData("other", "0ne00ABCDEF/registrations/oximeter-1/api-version=2019-03-31")]
    [InlineData("oximeter 1", "localhost/oximeter 1/")]
    public void ParseConnect_ClientIdNotTheIdentityOrNotADevice_Null(string clientId, string userName)
    {
        Assert.Null(IoTHubMqtt.ParseConnect(clientId, userName));
    }

    [Theory]
    [InlineData("devices/oximeter-1/messages/events/")]
    [InlineData("devices/oximeter-1/messages/events")]
    public void ParsePublish_TelemetryWithoutBag_NoProperties(string topic)
    {
        var telemetry = Assert.IsType<MqttTelemetry>(IoTHubMqtt.ParsePublish(topic));

        Assert.Equal("oximeter-1", telemetry.DeviceId);
        Assert.Same(DeviceMessageProperties.None, telemetry.Properties);
    }

    [Fact]
    public void ParsePublish_TelemetryWithBag_SystemAndApplicationPropertiesDecoded()
    {
        const string Topic = "devices/oximeter-1/messages/events/%24.mid=msg%201&%24.cid=corr-9&%24.ct=application%2Fjson&%24.ce=utf-8"
            + "&%24.uid=someone&%24.to=x&alert=true&ward=7%2FA&empty=&flag&plus=a+b&iothub-creation-time-utc=2026-11-21T08%3A00%3A00Z";

        var properties = Assert.IsType<MqttTelemetry>(IoTHubMqtt.ParsePublish(Topic)).Properties;

        Assert.Equal(("msg 1", "corr-9", "application/json", "utf-8", "2026-11-21T08:00:00Z"),
            (properties.MessageId, properties.CorrelationId, properties.ContentType, properties.ContentEncoding, properties.CreationTimeUtc));
        Assert.Equal(
            new Dictionary<string, string> { ["alert"] = "true", ["ward"] = "7/A", ["empty"] = "", ["flag"] = "", ["plus"] = "a+b" },
            properties.Application);
    }

    [Fact]
    public void ParsePublish_NodeSdkForm_UnencodedDollarKeysAndTrailingSlash()
    {
        var properties = Assert.IsType<MqttTelemetry>(IoTHubMqtt.ParsePublish("devices/d/messages/events/$.mid=m1&$.ct=application%2Fjson&a=1/")).Properties;

        Assert.Equal(("m1", "application/json", "1"), (properties.MessageId, properties.ContentType, properties.Application["a"]));
    }

    [Fact]
    public void ParsePublish_Retained_MarkedAsIoTHubDoes()
    {
        var properties = Assert.IsType<MqttTelemetry>(IoTHubMqtt.ParsePublish("devices/d/messages/events/", retain: true)).Properties;

        Assert.Equal("true", properties.Application[IoTHubMqtt.RetainProperty]);
    }

    [Fact]
    public void ParsePublish_RepeatedKey_FirstWins()
    {
        var properties = Assert.IsType<MqttTelemetry>(IoTHubMqtt.ParsePublish("devices/d/messages/events/a=1&a=2&$.mid=x&$.mid=y")).Properties;

        Assert.Equal(("1", "x"), (properties.Application["a"], properties.MessageId));
    }

    [Fact]
    public void ParsePublish_OtherDevicesTopic_TelemetryNamingThatDevice()
    {
        Assert.Equal("pump-7", Assert.IsType<MqttTelemetry>(IoTHubMqtt.ParsePublish("devices/pump-7/messages/events/")).DeviceId);
    }

    [Theory]
    [InlineData("$iothub/twin/GET/?$rid=42", typeof(MqttTwinGet))]
    [InlineData("$iothub/twin/GET?$rid=42", typeof(MqttTwinGet))]
    [InlineData("$iothub/twin/get/?$rid=42", typeof(MqttTwinGet))]
    [InlineData("$iothub/twin/PATCH/properties/reported/?$rid=42", typeof(MqttTwinReportedPatch))]
    [InlineData("$iothub/twin/PATCH/properties/reported/?$rid=42&$version=3", typeof(MqttTwinReportedPatch))]
    [InlineData("$dps/registrations/PUT/iotdps-register/?$rid=42", typeof(MqttDpsRegister))]
    public void ParsePublish_Requests_ByTopic_WithTheRequestId(string topic, Type kind)
    {
        var request = IoTHubMqtt.ParsePublish(topic);

        Assert.IsType(kind, request);
        Assert.Equal("42", request switch
        {
            MqttTwinGet get => get.RequestId,
            MqttTwinReportedPatch patch => patch.RequestId,
            MqttDpsRegister register => register.RequestId,
            _ => null,
        });
    }

    [Fact]
    public void ParsePublish_DpsOperationStatus_RequestAndOperationIds()
    {
        Assert.Equal(new MqttDpsOperationStatus("7f3c", "4.abc"),
            IoTHubMqtt.ParsePublish("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=7f3c&operationId=4.abc"));
    }

    [Fact]
    public void ParsePublish_RequestId_KeptAsSent()
    {
        Assert.Equal(new MqttTwinGet("a%20b"), IoTHubMqtt.ParsePublish("$iothub/twin/GET/?$rid=a%20b"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("devices/d/messages/other/")]
    [InlineData("devices/d/messages/eventsx")]
    [InlineData("devices/d/modules/m/messages/events/")]
    [InlineData("devices/d/messages/events/a=1/b=2")]
    [InlineData("devices//messages/events/")]
    [InlineData("$iothub/twin/GET/")]
    [InlineData("$iothub/twin/PATCH/properties/desired/?$rid=1")]
    [InlineData("$iothub/methods/res/200/?$rid=1")]
    [InlineData("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=1")]
    [InlineData("some/other/topic")]
    public void ParsePublish_TopicsTheHubDoesNotServe_Null(string topic)
    {
        Assert.Null(IoTHubMqtt.ParsePublish(topic));
    }

    [Theory]
    [InlineData("devices/oximeter-1/messages/devicebound/#", MqttSubscription.CloudToDevice)]
    [InlineData("$iothub/twin/res/#", MqttSubscription.TwinResponses)]
    [InlineData("$iothub/twin/PATCH/properties/desired/#", MqttSubscription.TwinDesired)]
    [InlineData("$iothub/methods/POST/#", MqttSubscription.Methods)]
    [InlineData("devices/pump-7/messages/devicebound/#", null)]
    [InlineData("devices/+/messages/devicebound/#", null)]
    [InlineData("#", null)]
    [InlineData("$dps/registrations/res/#", null)]
    public void ParseSubscription_Device_OnlyItsOwnDocumentedFilters(string filter, MqttSubscription? expected)
    {
        Assert.Equal(expected, IoTHubMqtt.ParseSubscription(filter, "oximeter-1", registration: false));
    }

    [Theory]
    [InlineData("$dps/registrations/res/#", MqttSubscription.DpsResponses)]
    [InlineData("$iothub/twin/res/#", null)]
    [InlineData("devices/oximeter-1/messages/devicebound/#", null)]
    public void ParseSubscription_Registration_OnlyDpsResponses(string filter, MqttSubscription? expected)
    {
        Assert.Equal(expected, IoTHubMqtt.ParseSubscription(filter, "oximeter-1", registration: true));
    }

    [Fact]
    public void ResponseTopics_AsTheSdksParseThem()
    {
        Assert.Equal("$iothub/twin/res/200/?$rid=42", IoTHubMqtt.TwinResponseTopic(200, "42"));
        Assert.Equal("$iothub/twin/res/204/?$rid=42&$version=7", IoTHubMqtt.TwinResponseTopic(204, "42", 7));
        Assert.Equal("$iothub/twin/PATCH/properties/desired/?$version=8", IoTHubMqtt.DesiredPropertiesTopic(8));
        Assert.Equal("$dps/registrations/res/202/?$rid=r1&retry-after=1", IoTHubMqtt.DpsResponseTopic(202, "r1", 1));
        Assert.Equal("$dps/registrations/res/200/?$rid=r1", IoTHubMqtt.DpsResponseTopic(200, "r1"));
    }

    [Fact]
    public void CloudToDeviceTopic_PropertiesInTheBag_EncodedAndReadBack()
    {
        var topic = IoTHubMqtt.CloudToDeviceTopic("oximeter-1", "m 1", "c/2", new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero), "full",
            [new("dose", "morning"), new("a&b", "x=y")]);

        Assert.StartsWith("devices/oximeter-1/messages/devicebound/", topic, StringComparison.Ordinal);
        var bag = topic["devices/oximeter-1/messages/devicebound/".Length..];
        Assert.DoesNotContain('/', bag);
        Assert.Equal(
            [
                new("$.mid", "m 1"), new("$.to", "/devices/oximeter-1/messages/deviceBound"), new("$.cid", "c/2"), new("$.exp", "2026-11-21T09:00:00.000Z"),
                new("iothub-ack", "full"), new("dose", "morning"), new("a&b", "x=y"),
            ],
            IoTHubMqtt.ParsePropertyBag(bag));
    }

    [Fact]
    public void PropertyBag_NullEmptyAndValue_AsIoTHubWritesThem()
    {
        var bag = IoTHubMqtt.FormatPropertyBag([new("prop1", null), new("prop2", ""), new("prop3", "a string")]);

        Assert.Equal("prop1&prop2=&prop3=a%20string", bag);
        Assert.Equal([new("prop1", null), new("prop2", ""), new("prop3", "a string")], IoTHubMqtt.ParsePropertyBag(bag));
    }
}

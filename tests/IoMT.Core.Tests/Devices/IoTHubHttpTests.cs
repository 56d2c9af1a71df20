using System.Text;
using IoMT.Core.Api;
using IoMT.Core.Devices;

namespace IoMT.Core.Tests.Devices;

public class IoTHubHttpTests
{
    /// <summary>What azure-iot-device-http 1.14.4's sendEventBatch writes for three messages (captured from the SDK).</summary>
    private const string NodeSdkBatch =
        """[{"body": "eyJhIjoxfQ==", "properties":{"iothub-app-patientRef":"p-1"}},{"body": "eyJiIjoyfQ==", "properties":{"iothub-app-x":"y","iothub-app-z":"w"}},{"body": "cGxhaW4="}]""";

    /// <summary>The shape Microsoft's C# device SDK writes: system properties by their header names, among the properties.</summary>
    private const string CSharpSdkBatch =
        """[{"body":"eyJhIjoxfQ==","properties":{"iothub-messageid":"m-1","iothub-correlationid":"c-1","iothub-contenttype":"application/json","iothub-contentencoding":"utf-8","iothub-creation-time-utc":"2026-11-21T08:00:00.0000000Z","iothub-app-ward":"7"}}]""";

    [Fact]
    public void FromHeaders_AsTheNodeSdkSendsThem_SystemAndApplicationProperties()
    {
        // Captured from azure-iot-device-http 1.14.4's sendEvent (header names as it spells them).
        var headers = new Dictionary<string, string?>
        {
            ["iothub-to"] = "/devices/oximeter-1/messages/events",
            ["User-Agent"] = "azure-iot-device/1.18.4",
            ["Authorization"] = "SharedAccessSignature sr=x",
            ["iothub-app-patientRef"] = "p-1",
            ["IoTHub-MessageId"] = "m-1",
            ["IoTHub-CorrelationId"] = "c-1",
            ["iothub-contenttype"] = "application/json",
            ["iothub-contentencoding"] = "utf-8",
        };

        var properties = IoTHubHttp.FromHeaders(headers);

        Assert.Equal(("m-1", "c-1", "application/json", "utf-8"), (properties.MessageId, properties.CorrelationId, properties.ContentType, properties.ContentEncoding));
        Assert.Equal(new Dictionary<string, string> { ["patientRef"] = "p-1" }, properties.Application);
    }

    [Fact]
    public void FromHeaders_NoneOfIoTHubs_NoProperties()
    {
        var properties = IoTHubHttp.FromHeaders([new("Content-Type", "application/json"), new("iothub-to", "/devices/d/messages/events")]);

        Assert.Same(DeviceMessageProperties.None, properties);
        Assert.Null(properties.ForIngestion());
    }

    [Fact]
    public void ParseBatch_NodeSdkBatch_EachMessageWithItsOwnProperties()
    {
        var messages = IoTHubHttp.ParseBatch(Encoding.UTF8.GetBytes(NodeSdkBatch)).Value!;

        Assert.Equal(["""{"a":1}""", """{"b":2}""", "plain"], messages.Select(m => Encoding.UTF8.GetString(m.Body)));
        Assert.Equal(new Dictionary<string, string> { ["patientRef"] = "p-1" }, messages[0].Properties.Application);
        Assert.Equal(new Dictionary<string, string> { ["x"] = "y", ["z"] = "w" }, messages[1].Properties.Application);
        Assert.Same(DeviceMessageProperties.None, messages[2].Properties);
        Assert.All(messages, m => Assert.Null(m.Properties.MessageId));
    }

    [Fact]
    public void ParseBatch_CSharpSdkBatch_SystemPropertiesFromTheProperties()
    {
        var message = Assert.Single(IoTHubHttp.ParseBatch(Encoding.UTF8.GetBytes(CSharpSdkBatch)).Value!);

        Assert.Equal(("m-1", "c-1", "application/json", "utf-8", "2026-11-21T08:00:00.0000000Z"),
            (message.Properties.MessageId, message.Properties.CorrelationId, message.Properties.ContentType, message.Properties.ContentEncoding, message.Properties.CreationTimeUtc));
        Assert.Equal(new Dictionary<string, string> { ["ward"] = "7", ["iothub-creation-time-utc"] = "2026-11-21T08:00:00.0000000Z" }, message.Properties.ForIngestion());
    }

    [Fact]
    public void ParseBatch_Base64EncodedFalse_TheBodyIsTheText()
    {
        var message = Assert.Single(IoTHubHttp.ParseBatch("""[{"body":"{\"a\":1}","base64Encoded":false}]"""u8).Value!);

        Assert.Equal("""{"a":1}""", Encoding.UTF8.GetString(message.Body));
    }

    [Theory]
    [InlineData("""{"body":"eyJhIjoxfQ=="}""", "")]
    [InlineData("""[]""", "")]
    [InlineData("""[{"body":"eyJhIjoxfQ=="},{"body":"%%%"}]""", "/1/body")]
    [InlineData("""[{"body":42}]""", "/0/body")]
    [InlineData("""[{"properties":{}}]""", "/0/body")]
    [InlineData("""[{"body":"","base64Encoded":"yes"}]""", "/0/base64Encoded")]
    [InlineData("""[{"body":"","properties":{"iothub-app-a/b":{"nested":1}}}]""", "/0/properties/iothub-app-a~1b")]
    [InlineData("""[{"body":"","properties":[1]}]""", "/0/properties")]
    [InlineData("""[17]""", "/0")]
    [InlineData("""[{"body":"eyJhIjoxfQ=="}""", "")]
    public void ParseBatch_Unreadable_RefusedWholeWithWhereItIsWrong(string json, string pointer)
    {
        var result = IoTHubHttp.ParseBatch(Encoding.UTF8.GetBytes(json));

        Assert.Equal((400, ApiError.BodyInvalid, pointer), (result.Error!.Status, result.Error.Code, result.Error.Field));
    }

    [Theory]
    [InlineData("application/vnd.microsoft.iothub.json", true)]
    [InlineData("application/vnd.microsoft.iothub.json; charset=utf-8", true)]
    [InlineData("Application/VND.Microsoft.IoTHub.JSON", true)]
    [InlineData("application/json", false)]
    [InlineData("application/vnd.microsoft.iothub.jsonx", false)]
    [InlineData(null, false)]
    public void IsBatch_ByTheMediaType(string? contentType, bool batch)
    {
        Assert.Equal(batch, IoTHubHttp.IsBatch(contentType));
    }

    [Fact]
    public void ForIngestion_ApplicationPropertiesAndCreationTime_TheOtherSystemPropertiesStayOut()
    {
        var properties = new DeviceMessageProperties
        {
            MessageId = "m-1",
            CorrelationId = "c-1",
            ContentType = "application/json",
            CreationTimeUtc = "2026-11-21T08:00:00Z",
            Application = new Dictionary<string, string> { ["ward"] = "7" },
        };

        Assert.Equal(new Dictionary<string, string> { ["ward"] = "7", ["iothub-creation-time-utc"] = "2026-11-21T08:00:00Z" }, properties.ForIngestion());
    }
}

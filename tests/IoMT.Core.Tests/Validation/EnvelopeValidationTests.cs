using System.Text;
using IoMT.Core.Validation;
using IoMT.Testing;
using static IoMT.Core.Tests.Validation.ParserHarness;

namespace IoMT.Core.Tests.Validation;

public class EnvelopeValidationTests
{
    [Fact]
    public void Parse_ValidMessage_ReturnsEnvelopeAndReusesAuthenticatedIdInstance()
    {
        const string Authenticated = "oximeter-0042";
        var message = new TelemetryMessage(messageId: "m-77").Spo2(97);

        var (envelope, readings) = Parse(message.ToString(), Authenticated);

        Assert.Null(envelope.Error);
        Assert.Equal("m-77", envelope.MessageId);
        Assert.Same(Authenticated, envelope.DeviceId);
        Assert.Equal(TelemetryMessage.DefaultTime, envelope.SentAt);
        Assert.Single(readings);
    }

    [Theory]
    [InlineData("schema")]
    [InlineData("messageId")]
    [InlineData("deviceId")]
    [InlineData("sentAt")]
    [InlineData("readings")]
    public void Parse_MissingEnvelopeMember_SchemaRequiredWithPointer(string member)
    {
        var message = new TelemetryMessage();
        message.Json.Remove(member);

        var (envelope, _) = Parse(message.ToString());

        Assert.Equal((ErrorCodes.SchemaRequired, "/" + member), (envelope.Error!.Code, envelope.Error.Pointer));
    }

    [Theory]
    [InlineData("schema", "1")]
    [InlineData("messageId", "17")]
    [InlineData("deviceId", "null")]
    [InlineData("sentAt", "1763713800")]
    [InlineData("readings", "\"spo2\"")]
    public void Parse_EnvelopeMemberOfWrongType_SchemaType(string member, string json)
    {
        var message = new TelemetryMessage();
        message.Json[member] = System.Text.Json.Nodes.JsonNode.Parse(json);

        var (envelope, _) = Parse(message.ToString());

        Assert.Equal((ErrorCodes.SchemaType, "/" + member), (envelope.Error!.Code, envelope.Error.Pointer));
    }

    [Theory]
    [InlineData("messageId", "")]
    [InlineData("deviceId", "")]
    [InlineData("sentAt", "yesterday")]
    [InlineData("sentAt", "2026-11-21")]
    [InlineData("sentAt", "2026-11-21T08:30:05")]
    public void Parse_EnvelopeMemberBadlyFormatted_SchemaFormat(string member, string value)
    {
        var message = new TelemetryMessage();
        message.Json[member] = value;

        var (envelope, _) = Parse(message.ToString(), authenticatedDeviceId: null);

        Assert.Equal((ErrorCodes.SchemaFormat, "/" + member), (envelope.Error!.Code, envelope.Error.Pointer));
    }

    [Fact]
    public void Parse_IdLongerThan128Characters_SchemaFormat()
    {
        var message = new TelemetryMessage(messageId: new string('m', 129));

        var (envelope, _) = Parse(message.ToString());

        Assert.Equal((ErrorCodes.SchemaFormat, "/messageId"), (envelope.Error!.Code, envelope.Error.Pointer));
    }

    [Fact]
    public void Parse_OtherSchemaVersion_SchemaVersionNamingIt()
    {
        var message = new TelemetryMessage();
        message.Json["schema"] = "iomt.telemetry/2";

        var (envelope, _) = Parse(message.ToString());

        Assert.Equal(ErrorCodes.SchemaVersion, envelope.Error!.Code);
        Assert.Contains("iomt.telemetry/2", envelope.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeviceIdOfAnotherDevice_DeviceMismatch()
    {
        var message = new TelemetryMessage(deviceId: "bp-cuff-0090").Spo2(95);

        var (envelope, _) = Parse(message.ToString(), authenticatedDeviceId: "oximeter-0042");

        Assert.Equal((ErrorCodes.DeviceMismatch, "/deviceId"), (envelope.Error!.Code, envelope.Error.Pointer));
        Assert.Contains("bp-cuff-0090", envelope.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeviceIdEqualButJsonEscaped_Accepted()
    {
        var json = new TelemetryMessage().Spo2(95).ToString().Replace("\"oximeter-0042\"", "\"oximeter\\u002d0042\"", StringComparison.Ordinal);

        var (envelope, _) = Parse(json, "oximeter-0042");

        Assert.Null(envelope.Error);
    }

    [Fact]
    public void Parse_DeviceIdDiffersOnlyInCase_DeviceMismatch()
    {
        var (envelope, _) = Parse(new TelemetryMessage(deviceId: "OXIMETER-0042").ToString(), "oximeter-0042");

        Assert.Equal(ErrorCodes.DeviceMismatch, envelope.Error!.Code);
    }

    [Fact]
    public void Parse_NoAuthenticatedIdentity_SkipsMismatchCheck()
    {
        var (envelope, _) = Parse(new TelemetryMessage(deviceId: "bp-cuff-0090").ToString(), authenticatedDeviceId: null);

        Assert.Null(envelope.Error);
        Assert.Equal("bp-cuff-0090", envelope.DeviceId);
    }

    [Fact]
    public void Parse_BodyOverLimit_MessageTooLarge()
    {
        var options = new IngestionOptions { MaxMessageBytes = 100 };

        var (envelope, _) = Parse(new TelemetryMessage().Spo2(95).Spo2(96).ToString(), options: options);

        Assert.Equal((ErrorCodes.MessageTooLarge, ""), (envelope.Error!.Code, envelope.Error.Pointer));
    }

    [Fact]
    public void Parse_BodyExactlyAtLimit_Accepted()
    {
        var body = new TelemetryMessage().Spo2(95).ToBytes();

        var (envelope, _) = Parse(body, options: new IngestionOptions { MaxMessageBytes = body.Length });

        Assert.Null(envelope.Error);
    }

    [Fact]
    public void Parse_MoreReadingsThanAllowed_MessageTooManyReadings()
    {
        var message = new TelemetryMessage();
        for (var i = 0; i < 4; i++)
        {
            message.Spo2(95);
        }

        var (atLimit, _) = Parse(message.ToString(), options: new IngestionOptions { MaxReadingsPerMessage = 4 });
        var (overLimit, _) = Parse(message.ToString(), options: new IngestionOptions { MaxReadingsPerMessage = 3 });

        Assert.Null(atLimit.Error);
        Assert.Equal((ErrorCodes.MessageTooManyReadings, "/readings"), (overLimit.Error!.Code, overLimit.Error.Pointer));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("{\"schema\":\"iomt.telemetry/1\"")]
    [InlineData("{} {}")]
    [InlineData("{\"schema\":'iomt.telemetry/1'}")]
    [InlineData("{\"readings\":[1,]}")]
    [InlineData("{\"a\":1 // comment\n}")]
    [InlineData("nul")]
    public void Parse_NotJson_JsonMalformed(string text)
    {
        var (envelope, readings) = Parse(text);

        Assert.Equal((ErrorCodes.JsonMalformed, ""), (envelope.Error!.Code, envelope.Error.Pointer));
        Assert.Empty(readings);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("\"text\"")]
    [InlineData("null")]
    public void Parse_RootNotAnObject_SchemaType(string text)
    {
        var (envelope, _) = Parse(text);

        Assert.Equal((ErrorCodes.SchemaType, ""), (envelope.Error!.Code, envelope.Error.Pointer));
    }

    [Fact]
    public void Parse_NestingDeeperThanLimit_JsonMalformed()
    {
        var message = new TelemetryMessage().Spo2(95).ToString();
        var deep = message.Insert(1, "\"extra\":" + new string('[', 40) + new string(']', 40) + ",");

        var (envelope, _) = Parse(deep);

        Assert.Equal(ErrorCodes.JsonMalformed, envelope.Error!.Code);
    }

    [Fact]
    public void Parse_InvalidUtf8InMessageId_JsonMalformed()
    {
        var body = new TelemetryMessage(messageId: "m-XX").ToBytes();
        var at = IndexOf(body, "m-XX"u8);
        body[at + 2] = 0xC3;
        body[at + 3] = 0x28;

        var (envelope, _) = Parse(body);

        Assert.Equal(ErrorCodes.JsonMalformed, envelope.Error!.Code);
    }

    [Theory]
    [InlineData("note", "XX")]
    [InlineData("XX", "note")]
    public void Parse_InvalidUtf8InAnIgnoredMemberOrItsName_JsonMalformed(string name, string value)
    {
        var message = new TelemetryMessage().Spo2(95);
        message.Readings[0]![name] = value;
        var body = message.ToBytes();
        var at = IndexOf(body, "\"XX\""u8) + 1;
        body[at] = 0xC3;
        body[at + 1] = 0x28;

        var (envelope, _) = Parse(body);

        Assert.Equal(ErrorCodes.JsonMalformed, envelope.Error!.Code);
    }

    [Fact]
    public void Parse_UnknownMembersAnywhere_Ignored()
    {
        var message = new TelemetryMessage().Spo2(95);
        message.Json["gateway"] = new System.Text.Json.Nodes.JsonObject { ["nested"] = new System.Text.Json.Nodes.JsonArray(1, 2, 3) };
        message.Readings[0]!["quality"] = new System.Text.Json.Nodes.JsonObject { ["signal"] = "good" };

        var (envelope, readings) = Parse(message.ToString());

        Assert.Null(envelope.Error);
        Assert.NotNull(Assert.Single(readings).Reading);
    }

    [Fact]
    public void Parse_EmptyReadings_AcceptedWithNothingToStore()
    {
        var (envelope, readings) = Parse(new TelemetryMessage().ToString());

        Assert.Null(envelope.Error);
        Assert.Empty(readings);
    }

    [Fact]
    public void Parse_MembersInAnyOrder_Accepted()
    {
        const string Json = """{"readings":[{"at":"2026-11-21T08:30:00Z","unit":"%","value":95,"kind":"spo2"}],"sentAt":"2026-11-21T08:30:05Z","deviceId":"oximeter-0042","messageId":"m-1","schema":"iomt.telemetry/1"}""";

        var (envelope, readings) = Parse(Json);

        Assert.Null(envelope.Error);
        Assert.NotNull(Assert.Single(readings).Reading);
    }

    [Fact]
    public void Parse_RejectedReading_KeepsItsExactRawBytes()
    {
        var message = new TelemetryMessage().Spo2(95).Spo2(30);
        var body = message.ToBytes();

        var (_, readings) = Parse(body);

        Assert.Equal(message.Readings[1]!.ToJsonString(), Encoding.UTF8.GetString(readings[1].Raw(body)));
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}

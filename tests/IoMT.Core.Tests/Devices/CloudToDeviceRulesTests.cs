using System.Text;
using System.Text.Json;
using IoMT.Core.Api;
using IoMT.Core.Devices;

namespace IoMT.Core.Tests.Devices;

public class CloudToDeviceRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Validate_JsonPayloadNoTtl_TheJsonAsBodyExpiringInAnHourQueued()
    {
        var message = Validate(new CloudToDeviceRequest(Json("""{"dose":"morning","slot":2}"""))).Value!;

        Assert.Equal("""{"dose":"morning","slot":2}""", Encoding.UTF8.GetString(message.Body));
        Assert.Equal((T0, T0.AddHours(1), CloudToDeviceStatus.Queued, 0), (message.EnqueuedAt, message.ExpiresAt, message.Status, message.DeliveryCount));
        Assert.Equal(new CloudToDeviceEvent(T0, CloudToDeviceEventKind.Queued), Assert.Single(message.Events));
    }

    [Fact]
    public void Validate_StringPayload_TheTextItselfAsBody()
    {
        var message = Validate(new CloudToDeviceRequest(Json("\"take 1 tablet\""), "reminder-7", new Dictionary<string, string?> { ["kind"] = "dose-reminder" }, 172_800)).Value!;

        Assert.Equal("take 1 tablet", Encoding.UTF8.GetString(message.Body));
        Assert.Equal(("reminder-7", "dose-reminder", T0.AddHours(48)), (message.CorrelationId, message.Properties["kind"], message.ExpiresAt));
    }

    [Theory]
    [InlineData("no payload", "/payload")]
    [InlineData("null payload", "/payload")]
    [InlineData("payload over 64 KB", "/payload")]
    [InlineData("payload and properties over 64 KB", "/payload")]
    [InlineData("ttl 0", "/ttlSeconds")]
    [InlineData("ttl over 48 h", "/ttlSeconds")]
    [InlineData("empty correlation id", "/correlationId")]
    [InlineData("correlation id with a line break", "/correlationId")]
    [InlineData("property name with a space", "/properties")]
    [InlineData("property value with a header injection", "/properties/kind")]
    [InlineData("property value null", "/properties/kind")]
    public void Validate_Invalid_400AtTheMemberAtFault(string kind, string pointer)
    {
        var request = kind switch
        {
            "no payload" => new CloudToDeviceRequest(null),
            "null payload" => new CloudToDeviceRequest(Json("null")),
            "payload over 64 KB" => new CloudToDeviceRequest(Json("\"" + new string('x', CloudToDeviceRules.MaxMessageBytes + 1) + "\"")),
            "payload and properties over 64 KB" => new CloudToDeviceRequest(Json("\"" + new string('x', CloudToDeviceRules.MaxMessageBytes - 5) + "\""),
                Properties: new() { ["kind"] = "dose" }),
            "ttl 0" => new CloudToDeviceRequest(Json("1"), TtlSeconds: 0),
            "ttl over 48 h" => new CloudToDeviceRequest(Json("1"), TtlSeconds: 172_801),
            "empty correlation id" => new CloudToDeviceRequest(Json("1"), CorrelationId: ""),
            "correlation id with a line break" => new CloudToDeviceRequest(Json("1"), CorrelationId: "line\nbreak"),
            "property name with a space" => new CloudToDeviceRequest(Json("1"), Properties: new() { ["with space"] = "v" }),
            "property value with a header injection" => new CloudToDeviceRequest(Json("1"), Properties: new() { ["kind"] = "a\r\nInjected: header" }),
            _ => new CloudToDeviceRequest(Json("1"), Properties: new() { ["kind"] = null }),
        };

        var error = Validate(request).Error!;

        Assert.Equal((400, ApiError.BodyInvalid, pointer), (error.Status, error.Code, error.Field));
    }

    [Fact]
    public void Advance_LockTimedOutBeforeExpiry_BackInTheQueueThenExpiredAtItsExpiry()
    {
        var delivered = CloudToDeviceRules.Deliver(Validate(new CloudToDeviceRequest(Json("1"), TtlSeconds: 90)).Value!, "lock-1", T0);

        var atLockExpiry = CloudToDeviceRules.Advance(delivered, T0.AddSeconds(60));
        var later = CloudToDeviceRules.Advance(delivered, T0.AddSeconds(120));

        Assert.Equal((CloudToDeviceStatus.Queued, 1, null), (atLockExpiry.Status, atLockExpiry.DeliveryCount, atLockExpiry.LockToken));
        Assert.Equal(CloudToDeviceStatus.Expired, later.Status);
        Assert.Equal(
            [new(T0, CloudToDeviceEventKind.Queued), new(T0, CloudToDeviceEventKind.Delivered), new(T0.AddSeconds(60), CloudToDeviceEventKind.LockExpired),
                new CloudToDeviceEvent(T0.AddSeconds(90), CloudToDeviceEventKind.Expired)],
            later.Events);
    }

    [Fact]
    public void Advance_ExpiresWhileLocked_ExpiredWithoutALockExpiry()
    {
        var delivered = CloudToDeviceRules.Deliver(Validate(new CloudToDeviceRequest(Json("1"), TtlSeconds: 30)).Value!, "lock-1", T0);

        var expired = CloudToDeviceRules.Advance(delivered, T0.AddMinutes(5));

        Assert.Equal((CloudToDeviceStatus.Expired, 0), (expired.Status, expired.DeliveryCount));
        Assert.Equal(new CloudToDeviceEvent(T0.AddSeconds(30), CloudToDeviceEventKind.Expired), expired.Events[^1]);
        Assert.Equal(412, CloudToDeviceRules.Settle(expired, "lock-1", CloudToDeviceSettlement.Complete, T0.AddMinutes(5)).Error!.Status);
    }

    private static ApiResult<CloudToDeviceMessage> Validate(CloudToDeviceRequest request) =>
        CloudToDeviceRules.Validate(request, "dispenser-1", "m-1", "admin", T0);

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;
}

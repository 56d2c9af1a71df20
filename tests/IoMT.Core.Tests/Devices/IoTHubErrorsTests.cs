using System.Text.Json.Nodes;
using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Devices;
using IoMT.Core.Validation;

namespace IoMT.Core.Tests.Devices;

public class IoTHubErrorsTests
{
    [Theory]
    [InlineData(ApiError.Unauthenticated, 401, "IotHubUnauthorizedAccess", SecurityEventCodes.DeviceUnauthenticated)]
    [InlineData(ApiError.DeviceNotFound, 404, "DeviceNotFound", SecurityEventCodes.DeviceUnknown)]
    [InlineData(ApiError.DeviceDeleted, 404, "DeviceNotFound", SecurityEventCodes.DeviceUnknown)]
    [InlineData(ApiError.DeviceDisabled, 404, "DeviceNotFound", SecurityEventCodes.DeviceDisabled)]
    [InlineData(ApiError.BodyInvalid, 400, "ArgumentInvalid", null)]
    [InlineData(IoTHubErrors.LockLostCode, 412, "PreconditionFailed", null)]
    [InlineData(ErrorCodes.MessageTooLarge, 413, "MessageTooLarge", null)]
    [InlineData(IoTHubErrors.RateLimitedCode, 429, "ThrottlingException", SecurityEventCodes.DeviceRateLimited)]
    [InlineData(IoTHubErrors.UnavailableCode, 503, "ServiceUnavailable", null)]
    [InlineData("something.else", 500, "ServerError", null)]
    public void For_EachRefusalOfTheGateway_IoTHubsStatusCodeAndAuditCode(string code, int status, string iotHubCode, string? auditCode)
    {
        var error = new ApiError(499, code, "Why.");

        Assert.Equal(new IoTHubError(status, iotHubCode, status == 401 ? IoTHubErrors.UnauthorizedMessage : "Why."), IoTHubErrors.For(error));
        Assert.Equal(auditCode, IoTHubErrors.AuditCode(error));
    }

    [Theory]
    [InlineData(ApiError.Unauthenticated, SecurityEventCodes.DeviceUnauthenticated)]
    [InlineData(ApiError.DeviceNotFound, SecurityEventCodes.DeviceUnknown)]
    public void For_AnyUnauthenticatedCaller_OneAnswer_TheReasonOnlyForTheAudit(string code, string auditCode)
    {
        var error = new ApiError(401, code, "Device 'ghost-1' is not registered.");

        Assert.Equal(new IoTHubError(401, IoTHubErrors.UnauthorizedAccess, IoTHubErrors.UnauthorizedMessage), IoTHubErrors.For(error));
        Assert.Equal(auditCode, IoTHubErrors.AuditCode(error));
    }

    [Fact]
    public void Body_ReadAsTheSdksReadIt_CodeBeforeTheFirstSemicolonAndTheWholeMessageAfter()
    {
        var body = IoTHubErrors.Body(new IoTHubError(401, IoTHubErrors.UnauthorizedAccess, "The token has expired; renew it."), "7f3c", new DateTimeOffset(2026, 11, 21, 8, 5, 9, TimeSpan.Zero));

        var json = JsonNode.Parse(body)!.AsObject();
        var parts = ((string)json["Message"]!).Split(';');
        Assert.Equal(["Message", "ExceptionMessage"], json.Select(p => p.Key));
        Assert.Equal(("ErrorCode:IotHubUnauthorizedAccess", "The token has expired, renew it."), (parts[0], parts[1]));
        Assert.Equal(2, parts.Length);
        Assert.Equal("Tracking ID:7f3c-TimeStamp:11/21/2026 08:05:09", (string)json["ExceptionMessage"]!);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Devices;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Local.Tests;

/// <summary>
/// Cloud-to-device messages: sent through the management API, received and settled by the device as IoT Hub's HTTPS
/// device API does (the paths, headers and ETag handling of azure-iot-device-http 1.14.4).
/// </summary>
public sealed class CloudToDeviceTests : IDisposable
{
    private readonly GatewayFixture _gateway = new();

    [Fact]
    public async Task Receive_NothingQueued_204()
    {
        var key = await _gateway.RegisterAsync("dispenser-1");

        using var response = await ReceiveAsync("dispenser-1", key);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task SendThenReceive_200WithTheBodyAndIoTHubsHeaders()
    {
        var key = await _gateway.RegisterAsync("dispenser-1");
        using var sent = await SendAsync("dispenser-1", new { payload = new { dose = "morning", slot = 2 }, correlationId = "reminder-7", properties = new { kind = "dose-reminder" }, ttlSeconds = 600 });
        var accepted = (await sent.Content.ReadFromJsonAsync<JsonObject>())!;

        using var received = await ReceiveAsync("dispenser-1", key);

        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        Assert.Equal(HttpStatusCode.OK, received.StatusCode);
        Assert.Equal("""{"dose":"morning","slot":2}""", await received.Content.ReadAsStringAsync());
        Assert.Equal((string?)accepted["messageId"], Header(received, "iothub-messageid"));
        Assert.Equal(("reminder-7", "0", "dose-reminder", "/devices/dispenser-1/messages/deviceBound"),
            (Header(received, "iothub-correlationid"), Header(received, "iothub-deliverycount"), Header(received, "iothub-app-kind"), Header(received, "iothub-to")));
        var etag = received.Headers.ETag!;
        Assert.True(Guid.TryParse(etag.Tag.Trim('"'), out _));
        Assert.True(long.Parse(Header(received, "iothub-sequencenumber")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        var enqueued = DateTimeOffset.Parse(Header(received, "iothub-enqueuedtime")!, System.Globalization.CultureInfo.InvariantCulture);
        var expiry = DateTimeOffset.Parse(Header(received, "iothub-expiry")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromSeconds(600), expiry - enqueued);
        Assert.Equal(DateTimeOffset.Parse((string)accepted["expiresAt"]!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds(), expiry.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Complete_WithTheLockTokenAsTheSdkSendsIt_204_CompletedAndNotDeliveredAgain()
    {
        var key = await _gateway.RegisterAsync("dispenser-1");
        using var sent = await SendAsync("dispenser-1", new { payload = "take 1 tablet" });
        using var received = await ReceiveAsync("dispenser-1", key);
        var lockToken = received.Headers.ETag!.Tag.Trim('"');

        using var completed = await DeviceAsync(HttpMethod.Delete, $"/devices/dispenser-1/messages/devicebound/{lockToken}?api-version=2021-04-12", key, lockToken);
        using var again = await ReceiveAsync("dispenser-1", key);
        var listed = await ListAsync("dispenser-1");

        Assert.Equal("take 1 tablet", await received.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NoContent, completed.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        var message = Assert.Single(listed);
        Assert.Equal("completed", (string?)message!["status"]);
        Assert.Equal(["queued", "delivered", "completed"], message!["events"]!.AsArray().Select(e => (string?)e!["event"]));
    }

    [Fact]
    public async Task Reject_DeleteWithReject_204_RejectedNeverDeliveredAgain()
    {
        var key = await _gateway.RegisterAsync("dispenser-1");
        using var sent = await SendAsync("dispenser-1", new { payload = "x" });
        using var received = await ReceiveAsync("dispenser-1", key);
        var lockToken = received.Headers.ETag!.Tag.Trim('"');

        using var rejected = await DeviceAsync(HttpMethod.Delete, $"/devices/dispenser-1/messages/devicebound/{lockToken}?api-version=2021-04-12&reject", key, lockToken);
        using var again = await ReceiveAsync("dispenser-1", key);

        Assert.Equal(HttpStatusCode.NoContent, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal("rejected", (string?)Assert.Single(await ListAsync("dispenser-1"))!["status"]);
    }

    [Fact]
    public async Task Abandon_204_DeliveredAgainWithDeliveryCountOneAndANewETag()
    {
        var key = await _gateway.RegisterAsync("dispenser-1");
        using var sent = await SendAsync("dispenser-1", new { payload = "x" });
        using var received = await ReceiveAsync("dispenser-1", key);
        var lockToken = received.Headers.ETag!.Tag.Trim('"');

        using var abandoned = await DeviceAsync(HttpMethod.Post, $"/devices/dispenser-1/messages/devicebound/{lockToken}/abandon?api-version=2021-04-12", key, lockToken);
        using var again = await ReceiveAsync("dispenser-1", key);

        Assert.Equal(HttpStatusCode.NoContent, abandoned.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("1", Header(again, "iothub-deliverycount"));
        Assert.NotEqual(received.Headers.ETag, again.Headers.ETag);
    }

    [Fact]
    public async Task Settle_UnknownOrUsedLockToken_412PreconditionFailed()
    {
        var key = await _gateway.RegisterAsync("dispenser-1");
        using var sent = await SendAsync("dispenser-1", new { payload = "x" });
        using var received = await ReceiveAsync("dispenser-1", key);
        var lockToken = received.Headers.ETag!.Tag.Trim('"');
        using var completed = await DeviceAsync(HttpMethod.Delete, $"/devices/dispenser-1/messages/devicebound/{lockToken}", key, lockToken);

        using var twice = await DeviceAsync(HttpMethod.Delete, $"/devices/dispenser-1/messages/devicebound/{lockToken}", key, lockToken);
        using var unknown = await DeviceAsync(HttpMethod.Post, $"/devices/dispenser-1/messages/devicebound/{Guid.NewGuid()}/abandon", key, null);

        await DeviceGatewayTests.AssertIoTHubErrorAsync(twice, HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        await DeviceGatewayTests.AssertIoTHubErrorAsync(unknown, HttpStatusCode.PreconditionFailed, "PreconditionFailed");
    }

    [Fact]
    public async Task Receive_AnotherDevicesToken_401_TheMessageStaysForItsDevice()
    {
        var key = await _gateway.RegisterAsync("dispenser-1");
        var otherKey = await _gateway.RegisterAsync("dispenser-2");
        using var sent = await SendAsync("dispenser-1", new { payload = "x" });

        using var stolen = await DeviceAsync(HttpMethod.Get, "/devices/dispenser-1/messages/devicebound", otherKey, null, tokenFor: "dispenser-2");
        using var own = await ReceiveAsync("dispenser-1", key);

        await DeviceGatewayTests.AssertIoTHubErrorAsync(stolen, HttpStatusCode.Unauthorized, "IotHubUnauthorizedAccess");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task SendMessage_NurseForbidden_OtherMakerNotFound_AnonymousUnauthorized()
    {
        await _gateway.RegisterAsync("dispenser-1");
        var directory = _gateway.Factory.Services.GetRequiredService<Storage.Sqlite.SqliteDirectory>();
        var otherMaker = GatewayFixture.Token(directory, new Storage.Sqlite.LocalUser("globex", [Core.Access.Role.DeviceMaker], [], "Globex"));

        using var nurse = await _gateway.SendAsync(HttpMethod.Post, "/api/devices/dispenser-1/messages", _gateway.NurseToken, new { payload = "x" });
        using var globex = await _gateway.SendAsync(HttpMethod.Post, "/api/devices/dispenser-1/messages", otherMaker, new { payload = "x" });
        using var anonymous = await _gateway.SendAsync(HttpMethod.Post, "/api/devices/dispenser-1/messages", null, new { payload = "x" });
        using var list = await _gateway.SendAsync(HttpMethod.Get, "/api/devices/dispenser-1/messages", _gateway.NurseToken);

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden),
            (nurse.StatusCode, globex.StatusCode, anonymous.StatusCode, list.StatusCode));
        Assert.Equal("device.not-found", (string?)(await globex.Content.ReadFromJsonAsync<JsonObject>())!["code"]);
    }

    [Fact]
    public async Task SendMessage_Invalid_400ProblemWithThePointer_QueueFull_409()
    {
        await _gateway.RegisterAsync("dispenser-1");

        using var invalid = await SendAsync("dispenser-1", new { payload = "x", ttlSeconds = 200_000 });
        for (var i = 0; i < CloudToDeviceRules.MaxQueueDepth; i++)
        {
            using var ok = await SendAsync("dispenser-1", new { payload = i });
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }

        using var full = await SendAsync("dispenser-1", new { payload = "one too many" });

        var problem = (await invalid.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((HttpStatusCode.BadRequest, "request.body-invalid", "/ttlSeconds"), (invalid.StatusCode, (string?)problem["code"], (string?)problem["field"]));
        Assert.Equal((HttpStatusCode.Conflict, "device.queue-full"), (full.StatusCode, (string?)(await full.Content.ReadFromJsonAsync<JsonObject>())!["code"]));
    }

    [Fact]
    public async Task SendMessage_RecordedInTheDevicesHistory()
    {
        await _gateway.RegisterAsync("dispenser-1");

        using var sent = await SendAsync("dispenser-1", new { payload = "x" });
        using var history = await _gateway.SendAsync(HttpMethod.Get, "/api/devices/dispenser-1/history", _gateway.MakerToken);

        var messageId = (string?)(await sent.Content.ReadFromJsonAsync<JsonObject>())!["messageId"];
        var last = (await history.Content.ReadFromJsonAsync<JsonArray>())!.Last()!;
        Assert.Equal(("acme", "message-sent", messageId), ((string?)last["actor"], (string?)last["action"], (string?)last["detail"]));
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheMessageRoutesWithSchemas()
    {
        using var response = await _gateway.SendAsync(HttpMethod.Get, "/openapi/v1.json", null);
        var document = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        var path = document["paths"]!["/api/devices/{id}/messages"]!;
        var send = path["post"]!;
        var list = path["get"]!;
        Assert.Equal(("SendDeviceMessage", "ListDeviceMessages"), ((string?)send["operationId"], (string?)list["operationId"]));
        Assert.NotNull(send["requestBody"]!["content"]!["application/json"]!["schema"]);
        Assert.NotNull(send["responses"]!["201"]!["content"]!["application/json"]!["schema"]);
        Assert.NotNull(list["responses"]!["200"]!["content"]!["application/json"]!["schema"]);
        var schemas = document["components"]!["schemas"]!.AsObject();
        Assert.Contains("CloudToDeviceRequest", schemas.Select(s => s.Key));
        Assert.Contains("CloudToDeviceMessageView", schemas.Select(s => s.Key));
    }

    public void Dispose() => _gateway.Dispose();

    private Task<HttpResponseMessage> SendAsync(string deviceId, object body) =>
        _gateway.SendAsync(HttpMethod.Post, $"/api/devices/{deviceId}/messages", _gateway.MakerToken, body);

    private async Task<JsonArray> ListAsync(string deviceId)
    {
        using var response = await _gateway.SendAsync(HttpMethod.Get, $"/api/devices/{deviceId}/messages", _gateway.MakerToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonArray>())!;
    }

    /// <summary><c>GET /devices/{id}/messages/devicebound</c> as the Node.js SDK polls it.</summary>
    private Task<HttpResponseMessage> ReceiveAsync(string deviceId, string key) =>
        DeviceAsync(HttpMethod.Get, $"/devices/{deviceId}/messages/devicebound?api-version=2021-04-12", key, null, tokenFor: deviceId);

    private async Task<HttpResponseMessage> DeviceAsync(HttpMethod method, string path, string key, string? ifMatch, string? tokenFor = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        var deviceId = tokenFor ?? path.Split('/')[2];
        request.Headers.TryAddWithoutValidation("Authorization", GatewayFixture.SasFor(deviceId, key));
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await _gateway.Client.SendAsync(request);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}

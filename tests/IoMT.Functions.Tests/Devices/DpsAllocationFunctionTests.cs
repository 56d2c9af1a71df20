using System.Text;
using System.Text.Json.Nodes;
using IoMT.Core.Devices;
using IoMT.Functions.Devices;
using IoMT.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IoMT.Functions.Tests.Devices;

public class DpsAllocationFunctionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
    private readonly InMemoryDeviceRegistry _registry = new();
    private readonly EnrollmentGroup _group = new()
    {
        Id = "acme-oximeters",
        Manufacturer = "Acme Medical",
        Model = "PulseOx 2",
        Kinds = ["spo2", "heartRate"],
        PrimaryKey = DpsKeys.NewKey(),
        SecondaryKey = DpsKeys.NewKey(),
        CreatedAt = T0,
    };

    [Fact]
    public async Task Registration_CreatesTheDeviceWithDerivedKeysAndAssignsOurHub()
    {
        await _registry.CreateGroupAsync(_group, "admin");

        var (status, body) = await AllocateAsync(Request("acme-oximeters", "oximeter-0042"));

        Assert.Equal(200, status);
        Assert.Equal("iomt-hub.azure-devices.net", (string?)body["iotHubHostName"]);
        var device = (await _registry.FindAsync("oximeter-0042"))!;
        Assert.Equal("acme-oximeters", device.EnrollmentGroupId);
        Assert.Equal("Acme Medical", device.Manufacturer);
        Assert.Equal(DpsKeys.DeriveDeviceKey(_group.PrimaryKey, "oximeter-0042"), device.Credentials.PrimaryKey);
    }

    [Fact]
    public async Task GroupWithAReportingInterval_DPSGetsTheInitialTwinDesiringIt()
    {
        await _registry.CreateGroupAsync(_group with { ReportingInterval = TimeSpan.FromMinutes(5) }, "admin");

        var (status, body) = await AllocateAsync(Request("acme-oximeters", "oximeter-0042"));

        Assert.Equal(200, status);
        Assert.Equal("""{"properties":{"desired":{"measurementIntervalSeconds":300}}}""", body["initialTwin"]!.ToJsonString());
        Assert.Equal(TimeSpan.FromMinutes(5), (await _registry.FindAsync("oximeter-0042"))!.ReportingInterval);
    }

    [Fact]
    public async Task GroupWithoutAReportingInterval_NoInitialTwin()
    {
        await _registry.CreateGroupAsync(_group, "admin");

        var (_, body) = await AllocateAsync(Request("acme-oximeters", "oximeter-0042"));

        Assert.Null(body["initialTwin"]);
    }

    [Fact]
    public async Task RegisteringAgain_SameAnswerAndOneDevice()
    {
        await _registry.CreateGroupAsync(_group, "admin");
        await AllocateAsync(Request("acme-oximeters", "oximeter-0042"));

        var (status, _) = await AllocateAsync(Request("acme-oximeters", "oximeter-0042"));

        Assert.Equal(200, status);
        Assert.Single((await _registry.ListAsync(new DeviceFilter())).Items);
    }

    [Fact]
    public async Task UnknownOrDisabledGroup_404()
    {
        await _registry.CreateGroupAsync(_group with { Id = "disabled-group", Status = DeviceStatus.Disabled }, "admin");

        var (unknown, body) = await AllocateAsync(Request("no-such-group", "oximeter-0042"));
        var (disabled, _) = await AllocateAsync(Request("disabled-group", "oximeter-0042"));

        Assert.Equal(404, unknown);
        Assert.Equal("enrollment-group.not-found", (string?)body["code"]);
        Assert.Equal(404, disabled);
        Assert.Null(await _registry.FindAsync("oximeter-0042"));
    }

    [Theory]
    [InlineData("""{"enrollmentGroup":{"enrollmentGroupId":"acme-oximeters"}}""", "/deviceRuntimeContext/registrationId")]
    [InlineData("""{"deviceRuntimeContext":{"registrationId":"x"}}""", "/enrollmentGroup/enrollmentGroupId")]
    [InlineData("""{"enrollmentGroup":{"enrollmentGroupId":7}}""", "/enrollmentGroup/enrollmentGroupId")]
    public async Task MalformedRequest_400WithThePointer(string json, string pointer)
    {
        var (status, body) = await AllocateAsync(RawRequest(json));

        Assert.Equal(400, status);
        Assert.Equal("request.body-invalid", (string?)body["code"]);
        Assert.Equal(pointer, (string?)body["field"]);
    }

    [Fact]
    public async Task InvalidRegistrationId_400()
    {
        await _registry.CreateGroupAsync(_group, "admin");

        var (status, body) = await AllocateAsync(Request("acme-oximeters", "no spaces allowed"));

        Assert.Equal(400, status);
        Assert.Equal("registrationId", (string?)body["field"]);
    }

    private static HttpRequest Request(string groupId, string registrationId) => RawRequest(new JsonObject
    {
        ["enrollmentGroup"] = new JsonObject { ["enrollmentGroupId"] = groupId, ["attestation"] = new JsonObject { ["type"] = "symmetricKey" } },
        ["deviceRuntimeContext"] = new JsonObject { ["registrationId"] = registrationId, ["symmetricKey"] = new JsonObject() },
        ["linkedHubs"] = new JsonArray("iomt-hub.azure-devices.net"),
    }.ToJsonString());

    private static HttpRequest RawRequest(string json)
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        http.Request.ContentType = "application/json";
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return http.Request;
    }

    private async Task<(int Status, JsonObject Body)> AllocateAsync(HttpRequest request)
    {
        var function = new DpsAllocationFunction(_registry, new DeviceGateway(_registry, new ManualClock(T0)), new AzureGatewayEndpoints(Options.Create(FakeDps.Options)));
        return await ActionResults.ExecuteAsync(await function.RunAsync(request, CancellationToken.None), request.HttpContext);
    }
}

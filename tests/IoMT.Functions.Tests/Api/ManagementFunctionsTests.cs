using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using IoMT.Api;
using IoMT.Core.Adherence;
using IoMT.Core.Devices;
using IoMT.Core.Escalation;
using IoMT.Core.Patients;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;
using IoMT.Functions.Api;
using IoMT.Functions.Devices;
using IoMT.Functions.Tests.Devices;
using IoMT.Functions.Tests.Workflows;
using IoMT.Functions.Workflows;
using IoMT.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Devices;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IoMT.Functions.Tests.Api;

public class ManagementFunctionsTests
{
    private const string Oid = "http://schemas.microsoft.com/identity/claims/objectidentifier";
    private static readonly EntraAccessOptions Access = new()
    {
        CareTeamGroups = new(StringComparer.OrdinalIgnoreCase) { ["11111111-1111-1111-1111-111111111111"] = "ward-7" },
    };

    private static readonly IConfiguration PlatformAuthentication =
        new ConfigurationBuilder().AddInMemoryCollection([new(AppServicePrincipal.EnabledSetting, "True")]).Build();

    private readonly DurableTestHost _durable = new(new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero));

    private readonly FakeIoTHub _hub = new();

    private readonly FakeServiceClient _serviceClient = new();

    private readonly ServiceProvider _services;

    public ManagementFunctionsTests()
    {
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(_durable.Clock)
            .AddSingleton<IWorkflowStore>(_durable.Escalations)
            .AddSingleton<ITimelineStore>(_durable.Timeline)
            .AddScoped<DurableClientAccessor>()
            .AddScoped<IAlertWorkflows, DurableAlertWorkflows>()
            .AddScoped<AlertService>()
            .AddSingleton(_durable.Workflows)
            .AddScoped<IMedicationSchedules, DurableMedicationSchedules>()
            .AddScoped<AdherenceService>()
            .AddSingleton<IPatientDirectory>(new InMemoryPatientDirectory(new PatientRecord("patient-1", ["ward-7"]), new PatientRecord("patient-2", ["ward-9"])))
            .AddSingleton<IDeviceRegistry, InMemoryDeviceRegistry>()
            .AddSingleton<PatientService>()
            .AddSingleton<DeviceService>()
            .AddSingleton<RegistryManager>(_hub)
            .AddSingleton<IDeviceTwinStore, IoTHubTwinStore>()
            .AddSingleton<DeviceTwinService>()
            .AddSingleton<ICloudToDeviceSender>(new IoTHubCloudToDevice(_serviceClient))
            .AddSingleton<ICloudToDeviceLog, InMemoryCloudToDeviceLog>()
            .AddSingleton<ICloudToDeviceMessages, RecordedCloudToDeviceMessages>()
            .AddSingleton<CloudToDeviceService>()
            .BuildServiceProvider();
    }

    [Fact]
    public void EveryManagementRoute_HasOneFunctionWithTheSameNameMethodAndRoute()
    {
        var functions = typeof(ManagementFunctions).GetMethods()
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .Select(m =>
            {
                var trigger = m.GetParameters()[0].GetCustomAttribute<HttpTriggerAttribute>()!;
                var takesId = m.GetParameters().Any(p => p.Name == "id" && p.ParameterType == typeof(string));
                return (m.GetCustomAttribute<FunctionAttribute>()!.Name, Method: Assert.Single(trigger.Methods!).ToUpperInvariant(), trigger.Route, trigger.AuthLevel, takesId);
            })
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();

        var routes = ManagementRoutes.All.Concat(ManagementRoutes.CloudToDevice)
            .Select(r => (r.Name, r.Method, Route: (string?)r.Template, AuthLevel: AuthorizationLevel.Anonymous, takesId: r.Template.Contains("{id}", StringComparison.Ordinal)))
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToList();

        Assert.Equal(routes, functions);
    }

    [Fact]
    public async Task NoAppServicePrincipal_401WithTheCode()
    {
        var (status, body) = await RunAsync(Request(null), (f, r) => f.GetPatient(r, "patient-1"));

        Assert.Equal(401, status);
        Assert.Equal("auth.unauthenticated", (string?)body["code"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("False")]
    public async Task AppServiceAuthenticationOff_APrincipalHeaderIsNotTrusted_401(string? enabled)
    {
        var forged = Principal(("roles", "admin"), ("groups", "11111111-1111-1111-1111-111111111111"));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(AppServicePrincipal.EnabledSetting, enabled)]).Build();

        var (status, body) = await RunAsync(Request(forged), (f, r) => f.GetPatient(r, "patient-1"), configuration);

        Assert.Equal(401, status);
        Assert.Equal("auth.unauthenticated", (string?)body["code"]);
    }

    [Fact]
    public async Task NurseOfTheCareTeam_ReadsThePatientNamedByTheRoute()
    {
        var nurse = Principal(("roles", "nurse"), ("groups", "11111111-1111-1111-1111-111111111111"));

        var (status, body) = await RunAsync(Request(nurse), (f, r) => f.GetPatient(r, "patient-1"));

        Assert.Equal(200, status);
        Assert.Equal("patient-1", (string?)body["id"]);
    }

    [Fact]
    public async Task NurseOfAnotherCareTeam_Refused()
    {
        var nurse = Principal(("roles", "nurse"), ("groups", "11111111-1111-1111-1111-111111111111"));

        var (status, body) = await RunAsync(Request(nurse), (f, r) => f.GetPatient(r, "patient-2"));

        Assert.InRange(status, 403, 404);
        Assert.NotEqual("patient-2", (string?)body["id"]);
    }

    [Fact]
    public async Task AdminSavesAProfile_TheNurseOfTheCareTeamReadsIt_ABadMemberNamedByItsPointer()
    {
        var admin = Principal(("roles", "admin"));
        var nurse = Principal(("roles", "nurse"), ("groups", "11111111-1111-1111-1111-111111111111"));
        const string Profile = """
            {"careTeams": ["ward-7"], "displayName": "Ada Lovelace", "birthDate": "1950-03-14", "location": {"home": true},
             "identifiers": [{"system": "https://hospital.example/mrn", "value": "MRN-0012", "type": "MR"}],
             "contacts": [{"name": "Grace Hopper", "relation": "daughter", "caregiver": true, "sms": "+447700900123"}]}
            """;

        var (saved, _) = await RunAsync(Request(admin, Profile), (f, r) => f.SavePatient(r, "patient-1"));
        var (status, body) = await RunAsync(Request(nurse), (f, r) => f.GetPatient(r, "patient-1"));
        var (refused, problem) = await RunAsync(Request(admin, """{"careTeams": ["ward-7"], "birthDate": "1950-13-01"}"""), (f, r) => f.SavePatient(r, "patient-1"));

        Assert.Equal((200, 200), (saved, status));
        Assert.Equal(("Ada Lovelace", true, "MRN-0012", "+447700900123"),
            ((string?)body["displayName"], (bool?)body["location"]!["home"], (string?)body["identifiers"]![0]!["value"], (string?)body["contacts"]![0]!["sms"]));
        Assert.Equal((400, "/birthDate"), (refused, (string?)problem["field"]));
    }

    [Fact]
    public async Task AdminRegistersADevice_BodyAndAnswerAsLocally()
    {
        var admin = Principal(("roles", "admin"));
        var request = Request(admin, """{"id":"oximeter-1","manufacturer":"Acme Medical","model":"PulseOx 2","kinds":["spo2"]}""");

        var (status, body) = await RunAsync(request, (f, r) => f.RegisterDevice(r));

        Assert.Equal(201, status);
        Assert.Equal("oximeter-1", (string?)body["id"]);
    }

    [Fact]
    public async Task NurseAcknowledgesAnAlert_TheFunctionsDurableClientCarriesItToTheAlertsInstance()
    {
        var alert = WorkflowFixtures.Raised(_durable.Clock.GetUtcNow());
        await _durable.PublishAsync(alert);
        var nurse = Principal(("roles", "nurse"), ("groups", "11111111-1111-1111-1111-111111111111"));

        var (status, body) = await RunAsync(Request(nurse), (f, r) => f.AcknowledgeAlert(r, alert.AlertId, _durable));

        Assert.Equal(200, status);
        Assert.Equal("acknowledged", (string?)body["status"]);
        Assert.Equal(AlertStatus.Acknowledged, _durable.Alert(alert.AlertId)!.Status);
        Assert.Contains((alert.AlertId, DurableEvents.Acknowledge), _durable.RaisedEvents);
    }

    [Fact]
    public async Task NurseSavesASchedule_TheMedicationsAdherenceInstanceStarts_TheViewListsIt()
    {
        var nurse = Principal(("roles", "nurse"), ("groups", "11111111-1111-1111-1111-111111111111"));

        var (saved, _) = await RunAsync(Request(nurse, """{"timesOfDay":["08:00"],"timeZone":"Europe/Paris"}"""),
            (f, r) => f.SaveMedicationSchedule(r, "patient-1", "metformin", _durable));
        var (read, view) = await RunAsync(Request(nurse), (f, r) => f.GetAdherence(r, "patient-1"));

        Assert.Equal((200, 200), (saved, read));
        Assert.Contains("adherence:patient-1:metformin", _durable.Instances.Keys);
        Assert.Equal("Europe/Paris", (string?)view["medications"]![0]!["schedule"]!["timeZone"]);
    }

    [Fact]
    public async Task AdminPatchesTheDesiredProperties_IoTHubHoldsThem_TheTwinReadsThemBack()
    {
        var admin = Principal(("roles", "admin"));
        await RegisterInTheHubAsync(admin, "oximeter-1");
        _hub.Report("oximeter-1", new JsonObject { ["battery"] = 80 });

        var (patched, answer) = await RunAsync(Request(admin, """{"properties":{"desired":{"interval":60}}}"""), (f, r) => f.PatchDeviceTwin(r, "oximeter-1"));
        var (read, twin) = await RunAsync(Request(admin), (f, r) => f.GetDeviceTwin(r, "oximeter-1"));

        Assert.Equal((200, 200), (patched, read));
        Assert.Equal(3L, (long)answer["version"]!);
        Assert.True(JsonNode.DeepEquals(answer["properties"], twin["properties"]));
        Assert.Equal("""{"interval":60,"$version":2}""", twin["properties"]!["desired"]!.ToJsonString());
        Assert.Equal("""{"battery":80,"$version":2}""", twin["properties"]!["reported"]!.ToJsonString());
        Assert.Equal("{\"interval\":60}", Assert.Single(_hub.TwinPatches).Properties.Desired.ToJson());
    }

    [Fact]
    public async Task PatchWhileTheDeviceReports_RetriedOnTheNewETag_BothChangesKept()
    {
        var admin = Principal(("roles", "admin"));
        await RegisterInTheHubAsync(admin, "oximeter-1");
        _hub.BeforeNextTwinUpdate = () => _hub.Report("oximeter-1", new JsonObject { ["battery"] = 79 });

        var (status, twin) = await RunAsync(Request(admin, """{"properties":{"desired":{"interval":60}}}"""), (f, r) => f.PatchDeviceTwin(r, "oximeter-1"));

        Assert.Equal(200, status);
        Assert.Equal(["update-twin oximeter-1 AAAAAAAAAAE=", "update-twin oximeter-1 AAAAAAAAAAI="], _hub.Calls.Where(c => c.StartsWith("update-twin", StringComparison.Ordinal)));
        Assert.Equal("""{"interval":60,"$version":2}""", twin["properties"]!["desired"]!.ToJsonString());
        Assert.Equal("""{"battery":79,"$version":2}""", twin["properties"]!["reported"]!.ToJsonString());
    }

    [Fact]
    public async Task NurseReadsATwin_404LikeAnyDeviceTheyDoNotManage()
    {
        await RegisterInTheHubAsync(Principal(("roles", "admin")), "oximeter-1");
        var nurse = Principal(("roles", "nurse"), ("groups", "11111111-1111-1111-1111-111111111111"));

        var (status, body) = await RunAsync(Request(nurse), (f, r) => f.GetDeviceTwin(r, "oximeter-1"));

        Assert.Equal(404, status);
        Assert.Equal("device.not-found", (string?)body["code"]);
        Assert.DoesNotContain(_hub.Calls, c => c.StartsWith("get-twin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AdminSendsADeviceMessage_IoTHubGetsIt_TheListShowsItQueuedWithoutItsPayload()
    {
        var admin = Principal(("roles", "admin"));
        await RegisterInTheHubAsync(admin, "oximeter-1");

        var (sent, answer) = await RunAsync(Request(admin, """{"payload":{"measure":"now"},"correlationId":"ask-1","ttlSeconds":600}"""),
            (f, r) => f.SendDeviceMessage(r, "oximeter-1"));
        var listRequest = Request(admin);
        var (listed, list) = await ActionResults.ExecuteJsonAsync(
            await new ManagementFunctions(Options.Create(Access), PlatformAuthentication).ListDeviceMessages(listRequest, "oximeter-1"), listRequest.HttpContext);

        Assert.Equal((201, 200), (sent, listed));
        var hubMessage = Assert.Single(_serviceClient.Sent);
        Assert.Equal(("oximeter-1", (string?)answer["messageId"], "ask-1"), (hubMessage.DeviceId, hubMessage.MessageId, hubMessage.CorrelationId));
        var shown = Assert.Single(list.AsArray())!;
        Assert.Equal(((string?)answer["messageId"], "queued"), ((string?)shown["messageId"], ((string?)shown["status"])?.ToLowerInvariant()));
        Assert.Null(shown["payload"]);
    }

    [Fact]
    public async Task NurseSendsADeviceMessage_403_NothingSent()
    {
        await RegisterInTheHubAsync(Principal(("roles", "admin")), "oximeter-1");
        var nurse = Principal(("roles", "nurse"), ("groups", "11111111-1111-1111-1111-111111111111"));

        var (status, _) = await RunAsync(Request(nurse, """{"payload":"hello"}"""), (f, r) => f.SendDeviceMessage(r, "oximeter-1"));

        Assert.Equal(403, status);
        Assert.Empty(_serviceClient.Sent);
    }

    /// <summary>Registers the device through the API; its IoT Hub identity (which AzureDeviceRegistry creates in Azure) is added to the fake hub.</summary>
    private async Task RegisterInTheHubAsync(string admin, string deviceId)
    {
        var (status, _) = await RunAsync(
            Request(admin, $$"""{"id":"{{deviceId}}","manufacturer":"Acme Medical","model":"PulseOx 2","kinds":["spo2"]}"""), (f, r) => f.RegisterDevice(r));
        Assert.Equal(201, status);
        _hub.Devices[deviceId] = new Device(deviceId);
    }

    private static string Principal(params (string Type, string Value)[] claims)
    {
        var all = claims.Prepend((Oid, "00000000-0000-0000-0000-00000000000a"));
        var json = new JsonObject
        {
            ["auth_typ"] = "aad",
            ["claims"] = new JsonArray([.. all.Select(c => (JsonNode)new JsonObject { ["typ"] = c.Item1, ["val"] = c.Item2 })]),
            ["role_typ"] = "roles",
        };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    private HttpRequest Request(string? principal, string? body = null)
    {
        var http = new DefaultHttpContext { RequestServices = _services };
        if (principal is not null)
        {
            http.Request.Headers[AppServicePrincipal.Header] = principal;
        }

        if (body is not null)
        {
            http.Request.ContentType = "application/json";
            http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        }

        return http.Request;
    }

    /// <summary>Runs a function as App Service would, with App Service Authentication on unless a configuration says otherwise.</summary>
    private static async Task<(int Status, JsonObject Body)> RunAsync(
        HttpRequest request, Func<ManagementFunctions, HttpRequest, Task<IActionResult>> invoke, IConfiguration? configuration = null)
    {
        var functions = new ManagementFunctions(Options.Create(Access), configuration ?? PlatformAuthentication);
        return await ActionResults.ExecuteAsync(await invoke(functions, request), request.HttpContext);
    }
}

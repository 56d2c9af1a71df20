using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Access;
using IoMT.Core.Devices;
using IoMT.Core.Patients;
using IoMT.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Local.Tests;

/// <summary>The security audit under a flood of callers who prove no identity, and <c>GET /api/audit</c>'s pages and filters.</summary>
public sealed class SecurityAuditApiTests : IDisposable
{
    private readonly GatewayFixture _gateway = new();

    [Fact]
    public async Task UnauthenticatedFlood_RandomLongDeviceIds_AFewShortEvents_AndADenialStillOnTheFirstPage()
    {
        var random = new Random(7);
        for (var i = 0; i < 1_500; i++)
        {
            var id = new string([.. Enumerable.Range(0, 7_000).Select(_ => (char)random.Next('a', 'z' + 1))]);
            using var flooding = await _gateway.SendEventAsync(id, i % 2 == 0 ? null : GatewayFixture.SasFor(id, DpsKeys.NewKey()), "{}");
            using var bearer = await _gateway.SendAsync(HttpMethod.Get, "/api/patients", "iomt_" + id[..40]);
            Assert.Equal(HttpStatusCode.Unauthorized, flooding.StatusCode);
        }

        var coordinator = await CoordinatorDeniedAsync();

        var firstPage = await AuditAsync("");
        Assert.Contains(firstPage, e => e.Code == SecurityEventCodes.AccessDenied && e.Actor == coordinator);
        var flood = firstPage.Where(e => !e.Authenticated).ToList();
        Assert.InRange(flood.Count, 2, 6);
        Assert.All(flood, e => Assert.True(e.Actor.Length <= SecurityAudit.MaxActorLength && e.Request.Length <= SecurityAudit.MaxRequestLength));
    }

    [Fact]
    public async Task Audit_FilteredByCodeActorAndAuthentication_AndPagedWithBefore()
    {
        var coordinator = await CoordinatorDeniedAsync();
        using var unknown = await _gateway.SendEventAsync("ghost-1", GatewayFixture.SasFor("ghost-1", DpsKeys.NewKey()), "{}");
        using var forbidden = await _gateway.SendAsync(HttpMethod.Get, "/api/audit", _gateway.NurseToken);

        var denied = await AuditAsync("?code=access.denied");
        var byNurse = await AuditAsync("?actor=nurse-7");
        var unauthenticated = await AuditAsync("?authenticated=false");
        var first = Assert.Single(await AuditAsync("?limit=1"));
        var second = Assert.Single(await AuditAsync($"?limit=1&before={first.Id}"));

        Assert.Equal(coordinator, Assert.Single(denied).Actor);
        Assert.Equal(SecurityEventCodes.Forbidden, Assert.Single(byNurse).Code);
        Assert.Equal((SecurityEventCodes.DeviceUnknown, "device:ghost-1"), (Assert.Single(unauthenticated).Code, unauthenticated[0].Actor));
        Assert.Equal((SecurityEventCodes.Forbidden, SecurityEventCodes.DeviceUnknown), (first.Code, second.Code));
        Assert.True(second.Id < first.Id);
    }

    [Theory]
    [InlineData("limit", "0")]
    [InlineData("before", "x")]
    [InlineData("authenticated", "maybe")]
    [InlineData("since", "yesterday")]
    public async Task Audit_BadParameter_400NamingIt(string name, string value)
    {
        using var response = await _gateway.SendAsync(HttpMethod.Get, $"/api/audit?{name}={value}", AdminToken());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("request.parameter-invalid", name), ((string?)problem["code"], (string?)problem["field"]));
    }

    public void Dispose() => _gateway.Dispose();

    private async Task<string> CoordinatorDeniedAsync()
    {
        var directory = _gateway.Factory.Services.GetRequiredService<SqliteDirectory>();
        await directory.SaveAsync(new PatientRecord("patient-9", ["ward-9"]));
        var token = GatewayFixture.Token(directory, new LocalUser("coordinator-7", [Role.CareCoordinator], ["ward-7"]));
        using var denied = await _gateway.SendAsync(HttpMethod.Get, "/api/patients/patient-9", token);
        Assert.Equal(HttpStatusCode.NotFound, denied.StatusCode);
        return "coordinator-7";
    }

    private string AdminToken() =>
        GatewayFixture.Token(_gateway.Factory.Services.GetRequiredService<SqliteDirectory>(), new LocalUser("audit-admin", [Role.Admin], []));

    private async Task<List<SecurityEvent>> AuditAsync(string query)
    {
        using var response = await _gateway.SendAsync(HttpMethod.Get, "/api/audit" + query, AdminToken());
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<List<SecurityEvent>>(Api.ApiJson.Options))!;
    }
}

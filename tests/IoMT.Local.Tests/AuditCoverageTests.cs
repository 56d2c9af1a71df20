using System.Net;
using IoMT.Core.Access;
using IoMT.Local.Workflows;
using IoMT.Storage.Sqlite;
using IoMT.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Local.Tests;

/// <summary>The management API answers under <c>/api</c> only, and every refusal there is in the security audit.</summary>
public sealed class AuditCoverageTests : IDisposable
{
    private readonly GatewayFixture _api = new();

    [Theory]
    [InlineData("/patients/patient-1")]
    [InlineData("/me")]
    [InlineData("/alerts")]
    public async Task ManagementRoute_WithoutTheApiPrefix_NotServed(string path)
    {
        using var signedIn = await _api.SendAsync(HttpMethod.Get, path, _api.NurseToken);
        using var anonymous = await _api.SendAsync(HttpMethod.Get, path, null);

        Assert.Equal(HttpStatusCode.NotFound, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);
    }

    [Fact]
    public async Task AnotherTeamsAlert_404_AuditedAsAccessDenied()
    {
        var alert = WorkflowFixtures.Raised(DateTimeOffset.UtcNow);
        await _api.Factory.Services.GetRequiredService<LocalWorkflowEngine>().PublishAsync([alert]);
        var directory = _api.Factory.Services.GetRequiredService<SqliteDirectory>();
        var otherNurse = GatewayFixture.Token(directory, new LocalUser("nurse-9", [Role.Nurse], ["ward-9"]));

        using var hidden = await _api.SendAsync(HttpMethod.Get, $"/api/alerts/{alert.AlertId}", otherNurse);
        using var acknowledged = await _api.SendAsync(HttpMethod.Post, $"/api/alerts/{alert.AlertId}/acknowledge", otherNurse);

        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, acknowledged.StatusCode);
        var audited = (await _api.Factory.Services.GetRequiredService<SecurityAudit>().ListAsync(DateTimeOffset.MinValue, 100))
            .Single(e => e.Actor == "nurse-9");
        Assert.Equal((SecurityEventCodes.AccessDenied, $"GET /api/alerts/{alert.AlertId}"), (audited.Code, audited.Request));
    }

    public void Dispose() => _api.Dispose();
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace IoMT.Local.Tests;

public sealed class PatientApiTests : IDisposable
{
    private readonly GatewayFixture _api = new();

    [Fact]
    public async Task Put_Admin_CreatesThePatient_TheirNurseReadsIt_NurseCannotCreate()
    {
        var admin = File.ReadAllText(Path.Combine(_api.Factory.DataDirectory, "admin.token")).Trim();

        using var created = await _api.SendAsync(HttpMethod.Put, "/api/patients/patient-9", admin, new { careTeams = new[] { "ward-7" } });
        using var read = await _api.SendAsync(HttpMethod.Get, "/api/patients/patient-9", _api.NurseToken);
        using var refused = await _api.SendAsync(HttpMethod.Put, "/api/patients/patient-10", _api.NurseToken, new { careTeams = new[] { "ward-7" } });

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("""["ward-7"]""", (await read.Content.ReadFromJsonAsync<JsonObject>())!["careTeams"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    public void Dispose() => _api.Dispose();
}

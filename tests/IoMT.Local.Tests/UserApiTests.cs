using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace IoMT.Local.Tests;

/// <summary>Users and their tokens through the management API: admins only, every change recorded.</summary>
public sealed class UserApiTests : IDisposable
{
    private readonly GatewayFixture _api = new();

    private string Admin => File.ReadAllText(Path.Combine(_api.Factory.DataDirectory, "admin.token")).Trim();

    [Fact]
    public async Task Users_AdminCreatesUserAndToken_TokenSignsInUntilRevoked()
    {
        using var saved = await _api.SendAsync(HttpMethod.Put, "/api/users/nurse-9", Admin, new { roles = new[] { "nurse" }, careTeams = new[] { "ward-9" } });
        using var issued = await _api.SendAsync(HttpMethod.Post, "/api/users/nurse-9/tokens", Admin, new { label = "ward laptop", expiresInDays = 30 });
        var token = (await issued.Content.ReadFromJsonAsync<JsonObject>())!;
        using var me = await _api.SendAsync(HttpMethod.Get, "/api/me", (string)token["token"]!);
        using var listed = await _api.SendAsync(HttpMethod.Get, "/api/users/nurse-9/tokens", Admin);
        using var revoked = await _api.SendAsync(HttpMethod.Delete, $"/api/users/nurse-9/tokens/{token["id"]}", Admin);
        using var after = await _api.SendAsync(HttpMethod.Get, "/api/me", (string)token["token"]!);
        using var users = await _api.SendAsync(HttpMethod.Get, "/api/users", Admin);

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        Assert.Equal("ward laptop", (string)token["label"]!);
        Assert.Equal(((DateTimeOffset)token["createdAt"]!).AddDays(30), (DateTimeOffset)token["expiresAt"]!);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("""["ward-9"]""", (await me.Content.ReadFromJsonAsync<JsonObject>())!["careTeams"]!.ToJsonString());
        var tokens = (await listed.Content.ReadFromJsonAsync<JsonArray>())!;
        Assert.Equal((string)token["id"]!, (string)tokens.Single()!["id"]!);
        Assert.Null(tokens.Single()!["token"]);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains((await users.Content.ReadFromJsonAsync<JsonArray>())!, u => (string)u!["id"]! == "nurse-9" && !(bool)u["disabled"]!);
    }

    [Fact]
    public async Task Users_Disabled_TheirTokensStopWorking_EnabledAgainTheyWork()
    {
        using var disabled = await _api.SendAsync(HttpMethod.Post, "/api/users/nurse-7/disable", Admin);
        using var whileDisabled = await _api.SendAsync(HttpMethod.Get, "/api/me", _api.NurseToken);
        using var enabled = await _api.SendAsync(HttpMethod.Post, "/api/users/nurse-7/enable", Admin);
        using var afterwards = await _api.SendAsync(HttpMethod.Get, "/api/me", _api.NurseToken);

        Assert.True((bool)(await disabled.Content.ReadFromJsonAsync<JsonObject>())!["disabled"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, whileDisabled.StatusCode);
        Assert.False((bool)(await enabled.Content.ReadFromJsonAsync<JsonObject>())!["disabled"]!);
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
    }

    [Fact]
    public async Task Users_EveryChange_InTheUsersHistoryWithWhoMadeIt()
    {
        (await _api.SendAsync(HttpMethod.Put, "/api/users/physician-2", Admin, new { roles = new[] { "physician" }, careTeams = new[] { "ward-7" } })).Dispose();
        using var issued = await _api.SendAsync(HttpMethod.Post, "/api/users/physician-2/tokens", Admin, new { label = "phone" });
        var id = (string)(await issued.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        (await _api.SendAsync(HttpMethod.Delete, $"/api/users/physician-2/tokens/{id}", Admin)).Dispose();
        (await _api.SendAsync(HttpMethod.Post, "/api/users/physician-2/disable", Admin)).Dispose();

        using var history = await _api.SendAsync(HttpMethod.Get, "/api/users/physician-2/history", Admin);

        var changes = (await history.Content.ReadFromJsonAsync<JsonArray>())!;
        Assert.Equal(["user.disabled", "token.revoked", "token.issued", "user.saved"], changes.Select(c => (string)c!["action"]!));
        Assert.All(changes, c => Assert.Equal("admin", (string)c!["actor"]!));
        Assert.Contains(id, (string)changes[1]!["detail"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"roles":["surgeon"]}""", "/roles/0")]
    [InlineData("""{"roles":[]}""", "/roles")]
    [InlineData("""{"roles":["nurse"],"careTeams":["ward 7"]}""", "/careTeams/0")]
    [InlineData("""{"roles":["device-maker"]}""", "/manufacturer")]
    [InlineData("""{"roles":"nurse"}""", "/roles")]
    public async Task Users_InvalidBody_400WithItsPointer_NothingSaved(string body, string pointer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri("/api/users/someone", UriKind.Relative))
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", Admin);
        using var response = await _api.Client.SendAsync(request);
        using var user = await _api.SendAsync(HttpMethod.Get, "/api/users/someone", Admin);

        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("request.body-invalid", (string)problem["code"]!);
        Assert.Equal(pointer, (string)problem["field"]!);
        Assert.Equal(HttpStatusCode.NotFound, user.StatusCode);
        Assert.Equal("user.not-found", (string)(await user.Content.ReadFromJsonAsync<JsonObject>())!["code"]!);
    }

    [Theory]
    [InlineData("GET", "/api/users")]
    [InlineData("PUT", "/api/users/nurse-7")]
    [InlineData("POST", "/api/users/nurse-7/tokens")]
    [InlineData("GET", "/api/users/nurse-7/history")]
    public async Task Users_NotAnAdmin_403(string method, string path)
    {
        using var response = await _api.SendAsync(new HttpMethod(method), path, _api.NurseToken, new { roles = new[] { "admin" }, label = "mine" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Users_AdminDisablesThemselves_409()
    {
        using var response = await _api.SendAsync(HttpMethod.Post, "/api/users/admin/disable", Admin);
        using var demoted = await _api.SendAsync(HttpMethod.Put, "/api/users/admin", Admin, new { roles = new[] { "nurse" }, careTeams = new[] { "ward-7" } });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, demoted.StatusCode);
    }

    [Theory]
    [InlineData("""{"label":"x","expiresInDays":0}""", "/expiresInDays")]
    [InlineData("""{"label":"x","expiresInDays":366}""", "/expiresInDays")]
    [InlineData("""{"expiresInDays":30}""", "/label")]
    public async Task Tokens_InvalidRequest_400WithItsPointer(string body, string pointer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/users/nurse-7/tokens", UriKind.Relative))
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", Admin);
        using var response = await _api.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(pointer, (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["field"]!);
    }

    public void Dispose() => _api.Dispose();
}

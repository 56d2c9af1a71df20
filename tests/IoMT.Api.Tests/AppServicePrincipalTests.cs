using System.Text;
using System.Text.Json.Nodes;
using IoMT.Core.Access;

namespace IoMT.Api.Tests;

public class AppServicePrincipalTests
{
    private const string Oid = "http://schemas.microsoft.com/identity/claims/objectidentifier";
    private static readonly EntraAccessOptions Options = new()
    {
        CareTeamGroups = new(StringComparer.OrdinalIgnoreCase) { ["11111111-1111-1111-1111-111111111111"] = "ward-7" },
        ManufacturerGroups = new(StringComparer.OrdinalIgnoreCase) { ["22222222-2222-2222-2222-222222222222"] = "Acme Medical" },
    };

    [Fact]
    public void ToCaller_EntraSignIn_RolesFromAppRolesCareTeamsAndManufacturerFromGroups()
    {
        var header = Principal(("name", "Nurse Jane"), (Oid, "0000-oid"), ("roles", "nurse"), ("roles", "device-maker"), ("roles", "Task.Read"),
            ("groups", "11111111-1111-1111-1111-111111111111"), ("groups", "22222222-2222-2222-2222-222222222222"), ("groups", "33333333-3333-3333-3333-333333333333"));

        var caller = AppServicePrincipal.ToCaller(header, Options)!;

        Assert.Equal("0000-oid", caller.Id);
        Assert.Equal(new HashSet<Role> { Role.Nurse, Role.DeviceMaker }, caller.Roles);
        Assert.Equal(new HashSet<string> { "ward-7" }, caller.CareTeams);
        Assert.Equal("Acme Medical", caller.Manufacturer);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("bm90IGpzb24=")]
    public void ToCaller_MissingOrMalformed_Null(string? header)
    {
        Assert.Null(AppServicePrincipal.ToCaller(header, Options));
    }

    [Fact]
    public void ToCaller_NoObjectIdOrNoAuthType_Null()
    {
        Assert.Null(AppServicePrincipal.ToCaller(Principal(("roles", "admin")), Options));
        Assert.Null(AppServicePrincipal.ToCaller(Principal(authType: "", (Oid, "x"), ("roles", "admin")), Options));
    }

    private static string Principal(params (string Type, string Value)[] claims) => Principal("aad", claims);

    private static string Principal(string authType, params (string Type, string Value)[] claims)
    {
        var json = new JsonObject
        {
            ["auth_typ"] = authType,
            ["claims"] = new JsonArray([.. claims.Select(c => (JsonNode)new JsonObject { ["typ"] = c.Type, ["val"] = c.Value })]),
            ["name_typ"] = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
            ["role_typ"] = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
        };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json.ToJsonString()));
    }
}

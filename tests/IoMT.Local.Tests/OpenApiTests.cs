using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IoMT.Api;

namespace IoMT.Local.Tests;

public sealed class OpenApiTests : IDisposable
{
    private readonly GatewayFixture _api = new();

    [Fact]
    public async Task OpenApiDocument_ListsEveryManagementRouteUnderApi_ByItsName()
    {
        using var response = await _api.SendAsync(HttpMethod.Get, "/openapi/v1.json", null);
        var document = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (Path: path.Key, Method: op.Key.ToUpperInvariant(), Id: (string?)op.Value!["operationId"])))
            .ToList();
        foreach (var route in ManagementRoutes.LocalHost)
        {
            Assert.Contains(("/api/" + route.Template, route.Method, (string?)route.Name), operations);
        }

        Assert.DoesNotContain(operations, o => o.Path == "/alerts");
    }

    [Fact]
    public void EveryManagementRoute_HasAContract()
    {
        Assert.All(ManagementRoutes.LocalHost, route => Assert.True(ManagementRoutes.Contracts.ContainsKey(route.Name), $"{route.Name} has no contract"));
    }

    [Fact]
    public async Task OpenApiDocument_EveryRouteHasItsRequestAndResponseSchemas()
    {
        using var response = await _api.SendAsync(HttpMethod.Get, "/openapi/v1.json", null);
        var document = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        foreach (var route in ManagementRoutes.LocalHost)
        {
            var contract = ManagementRoutes.Contracts[route.Name];
            var operation = document["paths"]!["/api/" + route.Template]![route.Method.ToLowerInvariant()]!;
            var status = contract.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var answer = operation["responses"]?[status]?["content"]?[contract.ResponseContentType];
            Assert.True(answer is not null, $"{route.Name}: no {status} {contract.ResponseContentType} answer");
            if (contract.Response is not null)
            {
                Assert.True(answer!["schema"] is not null, $"{route.Name}: its {status} answer has no schema");
            }

            var body = operation["requestBody"]?["content"]?["application/json"]?["schema"];
            Assert.True((contract.Request is null) == (body is null), $"{route.Name}: request body schema {(body is null ? "missing" : "unexpected")}");
            Assert.NotNull(operation["responses"]?["401"]);
        }
    }

    [Fact]
    public async Task OpenApiDocument_EnrollmentGroupRequest_NamesItsFields()
    {
        using var response = await _api.SendAsync(HttpMethod.Get, "/openapi/v1.json", null);
        var document = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        var schema = document["paths"]!["/api/enrollment-groups"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        if (schema["$ref"] is { } reference)
        {
            schema = document["components"]!["schemas"]![((string)reference!).Split('/')[^1]]!;
        }

        var properties = schema["properties"]!.AsObject().Select(p => p.Key);

        Assert.Superset(new HashSet<string> { "id", "manufacturer", "model", "kinds" }, properties.ToHashSet());
    }

    [Fact]
    public async Task OpenApiDocument_PatientRequest_NamesTheProfile()
    {
        using var response = await _api.SendAsync(HttpMethod.Get, "/openapi/v1.json", null);
        var document = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        var schema = document["paths"]!["/api/patients/{id}"]!["put"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        if (schema["$ref"] is { } reference)
        {
            schema = document["components"]!["schemas"]![((string)reference!).Split('/')[^1]]!;
        }

        Assert.Superset(new HashSet<string> { "careTeams", "displayName", "birthDate", "identifiers", "location", "contacts" },
            schema["properties"]!.AsObject().Select(p => p.Key).ToHashSet());
    }

    public void Dispose() => _api.Dispose();
}

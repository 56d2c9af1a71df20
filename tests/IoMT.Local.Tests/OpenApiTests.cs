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
        foreach (var route in ManagementRoutes.All)
        {
            Assert.Contains(("/api/" + route.Template, route.Method, (string?)route.Name), operations);
        }

        Assert.DoesNotContain(operations, o => o.Path == "/alerts");
    }

    public void Dispose() => _api.Dispose();
}

using IoMT.Api;

namespace IoMT.Local;

/// <summary>
/// The management API (docs/api.md, <see cref="ManagementRoutes"/>), served under <c>/api</c> only, the Azure Functions
/// app's route prefix: one route table, whose refusals the security audit sees. Every route needs a signed-in caller.
/// </summary>
internal static class ManagementApi
{
    public static void MapManagementApi(this IEndpointRouteBuilder app)
    {
        foreach (var route in ManagementRoutes.LocalHost)
        {
            Map(app.MapGroup("/api"), route).WithName(route.Name);
        }
    }

    private static RouteHandlerBuilder Map(RouteGroupBuilder api, ManagementRoute route) =>
        Describe(api.MapMethods("/" + route.Template, [route.Method], route.Handle).RequireAuthorization(), route);

    /// <summary>The route's answers in the OpenAPI document (<see cref="ManagementRoutes.Contracts"/>; its request body: <see cref="OpenApiRequestBodies"/>).</summary>
    private static RouteHandlerBuilder Describe(RouteHandlerBuilder endpoint, ManagementRoute route)
    {
        if (!ManagementRoutes.Contracts.TryGetValue(route.Name, out var contract))
        {
            return endpoint;
        }

        endpoint.Produces(contract.Status, contract.Response, contract.ResponseContentType);
        int[] problems = route.Name == "GetMe" ? [401] : [400, 401, 403, 404];
        foreach (var status in problems)
        {
            endpoint.ProducesProblem(status);
        }

        return endpoint;
    }
}

/// <summary>
/// The local gateway's endpoints: the configured host name (<c>localhost</c> by default, never a port, whatever host the
/// caller used: device SDKs take it as a DNS name and add 443 or 8883 themselves) as hub and DPS host; this registry's id scope.
/// </summary>
internal sealed class LocalGatewayEndpoints(Microsoft.Extensions.Options.IOptions<LocalOptions> options, Storage.Sqlite.SqliteDeviceRegistry registry) : IGatewayEndpoints
{
    public Core.Devices.GatewayEndpoints Resolve(HttpRequest request)
    {
        var host = options.Value.HubHostName();
        return new Core.Devices.GatewayEndpoints(host, registry.IdScope(), host);
    }
}

using IoMT.Api;

namespace IoMT.Local;

/// <summary>
/// The management API's cloud-to-device routes (<see cref="ManagementRoutes.CloudToDevice"/>), under <c>/api</c> and at
/// the root as the other management routes, each described in the OpenAPI document with its request and answers.
/// </summary>
internal static class CloudToDeviceApi
{
    public static void MapCloudToDeviceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        var root = app.MapGroup("").ExcludeFromDescription();
        foreach (var route in ManagementRoutes.CloudToDevice)
        {
            Describe(api.MapMethods("/" + route.Template, [route.Method], route.Handle).RequireAuthorization().WithName(route.Name), route.Name);
            root.MapMethods("/" + route.Template, [route.Method], route.Handle).RequireAuthorization();
        }
    }

    /// <summary>The route's request and answers (<see cref="ManagementRoutes.CloudToDeviceContracts"/>), refusals as problem details.</summary>
    private static void Describe(RouteHandlerBuilder endpoint, string name)
    {
        var contract = ManagementRoutes.CloudToDeviceContracts[name];
        if (contract.Request is { } request)
        {
            endpoint.Accepts(request, "application/json");
        }

        endpoint.Produces(contract.Status, contract.Response, contract.ResponseContentType);
        foreach (var status in new[] { 400, 401, 403, 404, 409 })
        {
            endpoint.ProducesProblem(status);
        }
    }
}

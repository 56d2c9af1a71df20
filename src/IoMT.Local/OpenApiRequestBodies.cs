using IoMT.Api;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace IoMT.Local;

/// <summary>
/// Each management route's request body in the OpenAPI document (<see cref="ManagementRoutes.Contracts"/>). Only the
/// document learns of it: the routes take any request, so a body of the wrong type or shape gets the API's own problem
/// details (code and JSON pointer), not a bare 415 from routing.
/// </summary>
internal static class OpenApiRequestBodies
{
    public static OpenApiOptions AddManagementRequestBodies(this OpenApiOptions options) => options.AddOperationTransformer(async (operation, context, cancellationToken) =>
    {
        if (operation.OperationId is not { } name || !ManagementRoutes.Contracts.TryGetValue(name, out var contract) || contract.Request is not { } request)
        {
            return;
        }

        var content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
        {
            ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(request, null, cancellationToken).ConfigureAwait(false) },
        };
        if (name == "ImportDevices")
        {
            content["text/csv"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A header row, then one device a row (docs/devices.md)." } };
        }

        operation.RequestBody = new OpenApiRequestBody { Required = !contract.OptionalRequest, Content = content };
    });
}

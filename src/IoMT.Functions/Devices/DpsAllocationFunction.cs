using System.Text.Json.Nodes;
using IoMT.Api;
using IoMT.Core.Api;
using IoMT.Core.Devices;
using IoMT.Functions.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace IoMT.Functions.Devices;

/// <summary>
/// <c>POST /api/dps/allocate</c>: DPS's custom allocation webhook, called (with this function's key) when a device
/// registers through one of our enrollment groups, after DPS has checked the device's derived key. The device is
/// created in the directory exactly as the local gateway's DPS does, and assigned to our hub. The product's desired
/// properties (<see cref="DeviceTwinService.ProductSettings"/>) go back as the initial twin, which DPS gives the device's
/// hub identity when it creates it (the twin does not exist before).
/// </summary>
public sealed class DpsAllocationFunction(IDeviceRegistry registry, DeviceGateway gateway, IGatewayEndpoints endpoints)
{
    [Function("AllocateDpsDevice")]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "dps/allocate")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var read = await ApiJson.ReadAsync<AllocationRequest>(request, cancellationToken).ConfigureAwait(false);
        if (!read.IsSuccess)
        {
            return Problem(read.Error!);
        }

        var body = read.Value!;
        var groupId = body.EnrollmentGroup?.EnrollmentGroupId;
        var registrationId = body.DeviceRuntimeContext?.RegistrationId;
        if (string.IsNullOrEmpty(groupId) || string.IsNullOrEmpty(registrationId))
        {
            return Problem(new ApiError(400, ApiError.BodyInvalid, "The allocation request names no enrollment group or registration id.",
                string.IsNullOrEmpty(groupId) ? "/enrollmentGroup/enrollmentGroupId" : "/deviceRuntimeContext/registrationId"));
        }

        var group = await registry.FindGroupAsync(groupId, cancellationToken).ConfigureAwait(false);
        if (group is not { Status: DeviceStatus.Enabled })
        {
            return Problem(new ApiError(404, ApiError.EnrollmentGroupNotFound, $"No enabled enrollment group '{groupId}'."));
        }

        var assigned = await gateway.AssignAsync(group, registrationId, endpoints.Resolve(request), cancellationToken).ConfigureAwait(false);
        if (!assigned.IsSuccess)
        {
            return Problem(assigned.Error!);
        }

        var answer = new JsonObject { ["iotHubHostName"] = assigned.Value!.AssignedHub };
        if (await registry.FindAsync(assigned.Value.DeviceId, cancellationToken).ConfigureAwait(false) is { } device
            && DeviceTwinService.ProductSettings(device) is { Count: > 0 } desired)
        {
            answer["initialTwin"] = new JsonObject { ["properties"] = new JsonObject { ["desired"] = desired } };
        }

        return new ResultAction(Results.Json(answer, ApiJson.Options));
    }

    private static ResultAction Problem(ApiError error) => new(ApiProblems.ToResult(error));

    private sealed record AllocationRequest(AllocationGroup? EnrollmentGroup, RuntimeContext? DeviceRuntimeContext);

    private sealed record AllocationGroup(string? EnrollmentGroupId);

    private sealed record RuntimeContext(string? RegistrationId);
}

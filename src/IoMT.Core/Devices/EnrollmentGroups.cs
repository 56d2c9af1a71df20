using IoMT.Core.Access;
using IoMT.Core.Api;

namespace IoMT.Core.Devices;

/// <summary>
/// An enrollment group as its owner creates it; keys are generated when absent. <see cref="ReportingIntervalSeconds"/>
/// is how often its devices send: each device registered through the group is watched for it and has it in its twin.
/// </summary>
public sealed record EnrollmentGroupRequest(
    string? Id, string? Manufacturer, string? Model, IReadOnlyList<string?>? Kinds, string? PrimaryKey = null, string? SecondaryKey = null, int? ReportingIntervalSeconds = null);

/// <summary>What a factory needs to provision the group's devices offline: the id scope, the host and the group keys.</summary>
public sealed record EnrollmentGroupCredentials(string GroupId, string IdScope, string ProvisioningHostName, string PrimaryKey, string SecondaryKey);

/// <summary>DPS enrollment groups: created by admins and device makers (for their manufacturer).</summary>
public sealed partial class DeviceService
{
    public async Task<ApiResult<EnrollmentGroupView>> CreateGroupAsync(Caller caller, EnrollmentGroupRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var asDevice = DeviceRegistrations.Validate(
            new DeviceRegistration
            {
                Id = request.Id,
                Manufacturer = request.Manufacturer,
                Model = request.Model,
                Kinds = request.Kinds,
                Authentication = new DeviceAuthenticationInput("symmetricKey", request.PrimaryKey, request.SecondaryKey),
                ReportingIntervalSeconds = request.ReportingIntervalSeconds,
            },
            caller,
            time.GetUtcNow());
        if ((RequireMaker(caller) ?? asDevice.Error) is { } error)
        {
            return error;
        }

        var device = asDevice.Value!;
        var group = new EnrollmentGroup
        {
            Id = device.Id,
            Manufacturer = device.Manufacturer,
            Model = device.Model,
            Kinds = device.Kinds,
            PrimaryKey = device.Credentials.PrimaryKey!,
            SecondaryKey = device.Credentials.SecondaryKey!,
            ReportingInterval = device.ReportingInterval,
            CreatedAt = device.CreatedAt,
        };
        return await registry.CreateGroupAsync(group, caller.Id, cancellationToken).ConfigureAwait(false)
            ? EnrollmentGroupView.Of(group)
            : new ApiError(409, ApiError.EnrollmentGroupExists, $"An enrollment group '{group.Id}' exists already.");
    }

    public async Task<ApiResult<IReadOnlyList<EnrollmentGroupView>>> ListGroupsAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (RequireMaker(caller) is { } denied)
        {
            return denied;
        }

        var groups = await registry.ListGroupsAsync(cancellationToken).ConfigureAwait(false);
        return groups.Where(g => CanManage(caller, g)).Select(EnrollmentGroupView.Of).ToList();
    }

    public async Task<ApiResult<EnrollmentGroupCredentials>> GroupCredentialsAsync(
        Caller caller, string groupId, GatewayEndpoints endpoints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(endpoints);
        if (RequireMaker(caller) is { } denied)
        {
            return denied;
        }

        var group = await registry.FindGroupAsync(groupId, cancellationToken).ConfigureAwait(false);
        return group is not null && CanManage(caller, group)
            ? new EnrollmentGroupCredentials(group.Id, endpoints.IdScope, endpoints.ProvisioningHostName, group.PrimaryKey, group.SecondaryKey)
            : new ApiError(404, ApiError.EnrollmentGroupNotFound, $"No enrollment group '{groupId}' among yours.");
    }

    private static bool CanManage(Caller caller, EnrollmentGroup group) =>
        caller.Has(Role.Admin) || (caller.Has(Role.DeviceMaker) && caller.Manufacturer == group.Manufacturer);
}

using Microsoft.Azure.Devices;
using Microsoft.Azure.Devices.Common.Exceptions;

namespace IoMT.Functions.Tests.Devices;

/// <summary>An IoT Hub identity registry in memory, answering like the service (bulk errors per device, 404 as an exception).</summary>
internal sealed class FakeIoTHub : RegistryManager
{
    public Dictionary<string, Device> Devices { get; } = new(StringComparer.Ordinal);

    public List<string> Calls { get; } = [];

    /// <summary>Makes the next call throw, as a hub outage would.</summary>
    public bool FailNextCall { get; set; }

    public override Task<Device> AddDeviceAsync(Device device, CancellationToken cancellationToken)
    {
        Enter($"add {device.Id}");
        if (!Devices.TryAdd(device.Id, device))
        {
            throw new IotHubException($"Device {device.Id} already exists.");
        }

        return Task.FromResult(device);
    }

    public override Task<BulkRegistryOperationResult> AddDevices2Async(IEnumerable<Device> devices, CancellationToken cancellationToken)
    {
        var batch = devices.ToList();
        Enter($"add-bulk {batch.Count}");
        var errors = batch.Where(d => !Devices.TryAdd(d.Id, d))
            .Select(d => new DeviceRegistryOperationError { DeviceId = d.Id, ErrorCode = ErrorCode.DeviceAlreadyExists, ErrorStatus = "exists" })
            .ToArray();
        return Task.FromResult(new BulkRegistryOperationResult { IsSuccessful = errors.Length == 0, Errors = errors });
    }

    public override Task<Device> UpdateDeviceAsync(Device device, bool forceUpdate, CancellationToken cancellationToken)
    {
        Enter($"update {device.Id}");
        if (!Devices.ContainsKey(device.Id))
        {
            throw new DeviceNotFoundException(device.Id);
        }

        Devices[device.Id] = device;
        return Task.FromResult(device);
    }

    public override Task<BulkRegistryOperationResult> UpdateDevices2Async(IEnumerable<Device> devices, bool forceUpdate, CancellationToken cancellationToken)
    {
        var batch = devices.ToList();
        Enter($"update-bulk {batch.Count}");
        foreach (var device in batch)
        {
            Devices[device.Id] = device;
        }

        return Task.FromResult(new BulkRegistryOperationResult { IsSuccessful = true, Errors = [] });
    }

    public override Task RemoveDeviceAsync(string deviceId, CancellationToken cancellationToken)
    {
        Enter($"remove {deviceId}");
        return Devices.Remove(deviceId) ? Task.CompletedTask : throw new DeviceNotFoundException(deviceId);
    }

    private void Enter(string call)
    {
        if (FailNextCall)
        {
            FailNextCall = false;
            throw new IotHubException("Service unavailable.");
        }

        Calls.Add(call);
    }
}

using System.Buffers.Binary;
using System.Text.Json.Nodes;
using IoMT.Core.Devices;
using Microsoft.Azure.Devices;
using Microsoft.Azure.Devices.Common.Exceptions;
using Microsoft.Azure.Devices.Shared;

namespace IoMT.Functions.Tests.Devices;

/// <summary>
/// An IoT Hub identity registry in memory, answering like the service (bulk errors per device, 404 as an exception),
/// with each device's twin: sections with <c>$version</c> and <c>$metadata</c>, an ETag that changes with every write,
/// 412 for a stale ETag.
/// </summary>
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

    /// <summary>Every twin patch the app sent, as IoT Hub received it.</summary>
    public List<Twin> TwinPatches { get; } = [];

    /// <summary>Runs once just before the next twin update is checked, as another writer in between would.</summary>
    public Action? BeforeNextTwinUpdate { get; set; }

    private Dictionary<string, HubTwin> Twins { get; } = new(StringComparer.Ordinal);

    public override Task<Twin> GetTwinAsync(string deviceId, CancellationToken cancellationToken)
    {
        Enter($"get-twin {deviceId}");
        return Task.FromResult(TwinOf(deviceId).ToTwin(deviceId));
    }

    public override Task<Twin> UpdateTwinAsync(string deviceId, Twin twinPatch, string etag, CancellationToken cancellationToken)
    {
        Enter($"update-twin {deviceId} {etag}");
        var before = BeforeNextTwinUpdate;
        BeforeNextTwinUpdate = null;
        before?.Invoke();
        var twin = TwinOf(deviceId);
        if (etag != twin.ETag)
        {
            throw new PreconditionFailedException($"The twin of {deviceId} has ETag {twin.ETag}, not {etag}.");
        }

        if (twinPatch.Tags?.Count > 0 || twinPatch.Properties?.Reported is not null)
        {
            throw new IotHubException("The service writes tags and desired properties only; this fake expects neither tags nor a reported section.");
        }

        TwinPatches.Add(twinPatch);
        var patch = (JsonObject)JsonNode.Parse(twinPatch.Properties!.Desired.ToJson())!;
        twin.Desired = DeviceTwins.Apply(twin.Desired, patch).Value!;
        twin.DesiredVersion++;
        twin.Changed();
        return Task.FromResult(twin.ToTwin(deviceId));
    }

    /// <summary>The device patches its reported properties (through IoT Hub, not the app).</summary>
    public void Report(string deviceId, JsonObject patch)
    {
        var twin = TwinOf(deviceId);
        twin.Reported = DeviceTwins.Apply(twin.Reported, patch).Value!;
        twin.ReportedVersion++;
        twin.Changed();
    }

    private HubTwin TwinOf(string deviceId) =>
        !Devices.ContainsKey(deviceId) ? throw new DeviceNotFoundException(deviceId)
        : Twins.TryGetValue(deviceId, out var twin) ? twin
        : Twins[deviceId] = new HubTwin();

    private void Enter(string call)
    {
        if (FailNextCall)
        {
            FailNextCall = false;
            throw new IotHubException("Service unavailable.");
        }

        Calls.Add(call);
    }

    /// <summary>A twin as the service keeps it: a new device's twin has version 1, both sections $version 1.</summary>
    private sealed class HubTwin
    {
        public JsonObject Desired { get; set; } = [];

        public long DesiredVersion { get; set; } = 1;

        public JsonObject Reported { get; set; } = [];

        public long ReportedVersion { get; set; } = 1;

        public long Version { get; private set; } = 1;

        /// <summary>As IoT Hub shows them: the version's 8 bytes in base64 (<c>AAAAAAAAAAE=</c> for 1).</summary>
        public string ETag
        {
            get
            {
                var bytes = new byte[8];
                BinaryPrimitives.WriteInt64BigEndian(bytes, Version);
                return Convert.ToBase64String(bytes);
            }
        }

        public void Changed() => Version++;

        public Twin ToTwin(string deviceId) => new(deviceId)
        {
            ETag = ETag,
            Version = Version,
            Properties = new TwinProperties { Desired = Section(Desired, DesiredVersion), Reported = Section(Reported, ReportedVersion) },
        };

        private static TwinCollection Section(JsonObject properties, long version)
        {
            var section = (JsonObject)properties.DeepClone();
            section["$metadata"] = new JsonObject { ["$lastUpdated"] = "2026-11-21T08:00:00.0000000Z", ["$lastUpdatedVersion"] = version };
            section["$version"] = version;
            return new TwinCollection(section.ToJsonString());
        }
    }
}

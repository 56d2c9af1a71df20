using IoMT.Core.Devices;
using IoMT.Testing;

namespace IoMT.Core.Tests.Devices;

/// <summary>The reference registry the Core tests use keeps the same contract as the real ones.</summary>
public class InMemoryDeviceRegistryTests : DeviceRegistryContract
{
    protected override Task<IDeviceRegistry> CreateRegistryAsync() => Task.FromResult<IDeviceRegistry>(new InMemoryDeviceRegistry());
}

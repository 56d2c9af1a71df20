using IoMT.Core.Devices;
using IoMT.Testing;

namespace IoMT.Core.Tests.Devices;

public sealed class InMemoryCloudToDeviceStoreTests : CloudToDeviceStoreContract
{
    protected override Task<ICloudToDeviceStore> CreateStoreAsync() => Task.FromResult<ICloudToDeviceStore>(new InMemoryCloudToDeviceStore());
}

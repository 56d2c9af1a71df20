using IoMT.Core.Notifications;
using IoMT.Testing;

namespace IoMT.Core.Tests.Devices;

public sealed class InMemoryCloudToDeviceLogTests : CloudToDeviceLogContract
{
    protected override Task<Core.Devices.ICloudToDeviceLog> CreateLogAsync() => Task.FromResult<Core.Devices.ICloudToDeviceLog>(new InMemoryCloudToDeviceLog());
}

public sealed class InMemoryDeviceDeliveryStoreTests : DeviceDeliveryStoreContract
{
    protected override Task<IDeviceDeliveryStore> CreateStoreAsync() => Task.FromResult<IDeviceDeliveryStore>(new InMemoryDeviceDeliveryStore());
}

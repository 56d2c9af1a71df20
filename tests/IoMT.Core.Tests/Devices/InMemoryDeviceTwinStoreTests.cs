using IoMT.Core.Devices;
using IoMT.Testing;

namespace IoMT.Core.Tests.Devices;

public sealed class InMemoryDeviceTwinStoreTests : DeviceTwinStoreContract
{
    protected override IDeviceTwinStore Store { get; } = new InMemoryDeviceTwinStore();
}

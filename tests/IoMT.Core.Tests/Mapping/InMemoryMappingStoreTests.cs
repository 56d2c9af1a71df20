using IoMT.Core.Mapping;
using IoMT.Testing;

namespace IoMT.Core.Tests.Mapping;

public sealed class InMemoryMappingStoreTests : MappingStoreContract
{
    protected override IMappingStore Store { get; } = new InMemoryMappingStore();
}
